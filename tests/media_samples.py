"""Real media files made with real libraries, for the signals tests (nothing is hand-faked
beyond what a library cannot write: the IPTC-IIM APP13 segment and a minimal MP3/FLAC body).
"""

from __future__ import annotations

import datetime
import io
import struct
from pathlib import Path
from typing import Any

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from clearance.model.item import Item

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def xmp_packet(attributes: str = "", body: str = "") -> bytes:
    """An XMP packet as Adobe tools write it (xpacket wrapper, x:xmpmeta, one Description)."""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        f' <rdf:RDF xmlns:rdf="{RDF}">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/"\n'
        '    xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"\n'
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '    xmlns:cc="http://creativecommons.org/ns#"\n'
        '    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"\n'
        '    xmlns:tdm="http://www.w3.org/ns/tdmrep/"\n'
        f"    {attributes}>\n{body}\n"
        "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()


RIGHTS_XMP = xmp_packet(
    'xmpRights:Marked="True"',
    """
   <plus:DataMining rdf:resource="http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING"/>
   <plus:OtherConstraints><rdf:Alt>
     <rdf:li xml:lang="x-default">Contact licensing@example.com</rdf:li>
   </rdf:Alt></plus:OtherConstraints>
   <xmpRights:UsageTerms><rdf:Alt>
     <rdf:li xml:lang="de">Keine KI-Nutzung</rdf:li>
     <rdf:li xml:lang="x-default">Editorial use only. No AI training.</rdf:li>
   </rdf:Alt></xmpRights:UsageTerms>
   <xmpRights:WebStatement>https://example.com/rights</xmpRights:WebStatement>
   <dc:rights><rdf:Alt>
     <rdf:li xml:lang="x-default">© 2024 Jane Doe Photography</rdf:li>
   </rdf:Alt></dc:rights>
   <dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li></rdf:Seq></dc:creator>
   <cc:license rdf:resource="https://creativecommons.org/licenses/by-nc-nd/4.0/"/>
   <plus:CopyrightOwner><rdf:Seq><rdf:li rdf:parseType="Resource">
     <plus:CopyrightOwnerName>Jane Doe Photography Ltd</plus:CopyrightOwnerName>
   </rdf:li></rdf:Seq></plus:CopyrightOwner>""",
)


def item(data: bytes, media_type: str, name: str = "f", **meta: Any) -> Item:
    return Item.from_bytes(
        source="media", locator=name, uri=name, media_type=media_type, data=data, meta=meta
    )


def _image() -> Image.Image:
    return Image.new("RGB", (16, 12), (200, 40, 40))


def jpeg(
    *,
    xmp: bytes | None = None,
    copyright: str | None = None,
    artist: str | None = None,
    iim: dict[tuple[int, int], str] | None = None,
) -> bytes:
    """A JPEG written by Pillow with EXIF and XMP; IPTC-IIM spliced in as an APP13 segment
    (Pillow reads IIM but cannot write it)."""
    exif = Image.Exif()
    if copyright is not None:
        exif[0x8298] = copyright
    if artist is not None:
        exif[0x013B] = artist
    out = io.BytesIO()
    kwargs: dict[str, Any] = {"exif": exif}
    if xmp is not None:
        kwargs["xmp"] = xmp
    _image().save(out, "JPEG", **kwargs)
    data = out.getvalue()
    if iim:
        data = data[:2] + app13(iim) + data[2:]
    return data


def app13(iim: dict[tuple[int, int], str]) -> bytes:
    """A Photoshop APP13 segment with one IPTC-IIM (8BIM 0x0404) resource."""
    records = b"".join(
        b"\x1c" + bytes(key) + struct.pack(">H", len(v.encode())) + v.encode()
        for key, v in iim.items()
    )
    if len(records) % 2:
        records += b"\x00"
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(records))
    payload = b"Photoshop 3.0\x00" + resource + records
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def png(*, xmp: bytes | None = None, compressed: bool = False, **text: str) -> bytes:
    info = PngInfo()
    for key, value in text.items():
        info.add_text(key, value)
    if xmp is not None:
        info.add_itxt("XML:com.adobe.xmp", xmp.decode(), zip=compressed)
    out = io.BytesIO()
    _image().save(out, "PNG", pnginfo=info)
    return out.getvalue()


def webp(xmp: bytes) -> bytes:
    out = io.BytesIO()
    _image().save(out, "WEBP", xmp=xmp)
    return out.getvalue()


def tiff(*, copyright: str) -> bytes:
    exif = Image.Exif()
    exif[0x8298] = copyright
    out = io.BytesIO()
    _image().save(out, "TIFF", exif=exif)
    return out.getvalue()


# --- audio -----------------------------------------------------------------------------


def mp3(path: Path, frames: list[Any]) -> bytes:
    """An MPEG-1 Layer III stream of silent frames, tagged with mutagen's ID3 frames."""
    from mutagen.id3 import ID3

    header = bytes([0xFF, 0xFB, 0x90, 0x64])  # MPEG-1 L3, 128 kbit/s, 44.1 kHz: 417 bytes
    path.write_bytes((header + b"\x00" * 413) * 40)
    tags = ID3()
    for frame in frames:
        tags.add(frame)
    tags.save(path)
    return path.read_bytes()


def flac(path: Path, comments: dict[str, str]) -> bytes:
    """A FLAC stream (STREAMINFO only) with Vorbis comments written by mutagen."""
    from mutagen.flac import FLAC

    info = struct.pack(">HH", 4096, 4096) + b"\x00" * 6
    info += ((44100 << 44) | (1 << 41) | (15 << 36)).to_bytes(8, "big") + b"\x00" * 16
    path.write_bytes(b"fLaC" + bytes([0x80, 0, 0, len(info)]) + info)
    audio = FLAC(path)
    for key, value in comments.items():
        audio[key] = value
    audio.save()
    return path.read_bytes()


# --- PDF -------------------------------------------------------------------------------


def pdf(info: dict[str, str], xmp: bytes | None = None, *, compress: bool = True) -> bytes:
    """A one-page PDF written by pypdf, with an info dictionary and an XMP metadata stream."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    writer.add_metadata(info)
    if xmp is not None:
        stream = StreamObject()
        stream.set_data(xmp)
        stream.update(
            {
                NameObject("/Type"): NameObject("/Metadata"),
                NameObject("/Subtype"): NameObject("/XML"),
            }
        )
        if compress:
            stream = stream.flate_encode()
        writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- C2PA ------------------------------------------------------------------------------


def signing_chain() -> tuple[bytes, bytes]:
    """(PEM chain, PEM key): an ES256 leaf signed by a throw-away root CA, as C2PA requires
    (a self-signed leaf is refused; the leaf needs digitalSignature and an EKU)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def name(cn: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, cn),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "clearance tests"),
            ]
        )

    now = datetime.datetime.now(datetime.UTC)
    usage = dict.fromkeys(
        (
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder()
        .subject_name(name("clearance test root"))
        .issuer_name(name("clearance test root"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=False, key_cert_sign=True, crl_sign=True, **usage),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name("clearance test signer"))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, key_cert_sign=False, crl_sign=False, **usage),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    chain = leaf.public_bytes(pem) + root.public_bytes(pem)
    private = key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return chain, private


def c2pa_signed_jpeg(
    assertions: list[dict[str, Any]],
    source: bytes | None = None,
    source_type: str = "digitalCapture",
    media_type: str = "image/jpeg",
) -> bytes:
    """An image (JPEG unless ``source`` and ``media_type`` say otherwise) carrying a C2PA
    manifest signed with c2pa-python."""
    import c2pa

    chain, key = signing_chain()
    manifest = {
        "claim_generator_info": [{"name": "clearance-tests", "version": "1"}],
        "title": "sample.jpg",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": "http://cv.iptc.org/newscodes/"
                            f"digitalsourcetype/{source_type}",
                        }
                    ]
                },
            },
            *assertions,
        ],
    }
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, key, None))
    out = io.BytesIO()
    with c2pa.Builder(manifest) as builder:
        builder.sign(signer, media_type, io.BytesIO(source or jpeg()), out)
    return out.getvalue()


# --- EPUB ------------------------------------------------------------------------------

CONTAINER_XML = (
    '<?xml version="1.0"?><container version="1.0" '
    'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
    '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles></container>"
)


def opf(metadata: str) -> str:
    return (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
        'prefix="tdm: http://www.w3.org/ns/tdmrep#" unique-identifier="id">'
        f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">{metadata}</metadata>'
        "</package>"
    )


def epub(package: str | bytes, *, container: str = CONTAINER_XML) -> bytes:
    """An EPUB zip laid out as the OCF spec says: stored mimetype first, container, OPF."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/container.xml", container)
        archive.writestr("OEBPS/content.opf", package)
        archive.writestr("OEBPS/chapter1.xhtml", "<html><body><p>Once</p></body></html>")
    return out.getvalue()
