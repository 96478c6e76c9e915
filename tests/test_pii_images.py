from __future__ import annotations

import io

from PIL import Image

from clearance.detectors.faces.haar import FaceDetector
from clearance.detectors.pii.image_meta import ImageMetadataDetector
from clearance.detectors.pii.media import BiometricMediaDetector
from clearance.model import Item
from clearance.transforms import blur_regions, strip_metadata
from helpers import DATA


def _item(data: bytes, media_type: str) -> Item:
    return Item.from_bytes(source="s", locator="f", uri="f", media_type=media_type, data=data)


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x013B] = "Jane Photographer"  # Artist
    exif.get_ifd(0x8769)[0xA431] = "SN12345678"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (48.0, 51.0, 29.0)
    gps[3], gps[4] = "E", (2.0, 17.0, 40.0)
    buf = io.BytesIO()
    image.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def test_exif_gps_serial_and_owner_are_reported_masked() -> None:
    findings = list(ImageMetadataDetector().detect(_item(_jpeg_with_exif(), "image/jpeg")))
    assert sorted(f.value for f in findings) == ["DEVICE_SERIAL", "GPS", "OWNER_NAME"]
    text = " ".join(f.evidence for f in findings)
    assert "Jane" not in text and "12345678" not in text and "51" not in text
    assert "49°" in text  # rounded position only


def test_strip_metadata_removes_exif_without_reencoding() -> None:
    data = _jpeg_with_exif()
    clean = strip_metadata(data)
    assert b"Exif" not in clean and b"SN12345678" not in clean
    assert data.endswith(clean[clean.index(b"\xff\xda") :])  # scan data copied byte for byte
    assert list(ImageMetadataDetector().detect(_item(clean, "image/jpeg"))) == []
    with Image.open(io.BytesIO(clean)) as image:
        assert image.size == (64, 48)


def test_corrupt_image_is_an_error_finding() -> None:
    [finding] = list(ImageMetadataDetector().detect(_item(b"\xff\xd8garbage", "image/jpeg")))
    assert finding.kind == "error"


def test_face_found_with_bbox_and_blurred() -> None:
    data = (DATA / "pii" / "grace_hopper.jpg").read_bytes()
    [face] = list(FaceDetector().detect(_item(data, "image/jpeg")))
    assert face.kind == "face" and face.bbox is not None
    x, y, w, h = face.bbox
    assert 100 < x + w / 2 < 400 and 50 < y + h / 2 < 350
    blurred = blur_regions(data, [face.bbox])
    assert list(FaceDetector().detect(_item(blurred, "image/jpeg"))) == []
    logo = (DATA / "pii" / "logo2.png").read_bytes()
    assert list(FaceDetector().detect(_item(logo, "image/png"))) == []


def test_audio_is_flagged_as_voice_material() -> None:
    [finding] = list(BiometricMediaDetector().detect(_item(b"ID3", "audio/mpeg")))
    assert (finding.kind, finding.value) == ("biometric", "VOICE")
