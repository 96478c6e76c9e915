from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

from clearance.readers import ReadLimits
from helpers import EXAMPLES, problems, read_source


def _zip(path: Path, members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> None:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _tar_gz(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_folder_tree_yields_one_item_per_file_with_sniffed_types() -> None:
    reads = read_source(EXAMPLES / "images", fmt="files")
    by_id = {r.item.item_id: r.item for r in reads}
    assert set(by_id) == {"src:not-really.txt", "src:photo-exif.jpg", "src:shapes.png"}
    assert by_id["src:not-really.txt"].media_type == "image/png"
    assert by_id["src:photo-exif.jpg"].media_type == "image/jpeg"
    assert all(len(i.sha256) == 64 and i.size > 0 for i in by_id.values())
    assert problems(reads) == {}


def test_zip_members_are_items_located_inside_the_archive(tmp_path: Path) -> None:
    _zip(tmp_path / "bundle.zip", {"docs/a.txt": b"alpha", "code/b.py": b"import os\n"})
    reads = read_source(tmp_path, fmt="files")
    items = {r.item.item_id: r.item for r in reads}
    assert set(items) == {"src:bundle.zip!docs/a.txt", "src:bundle.zip!code/b.py"}
    assert items["src:bundle.zip!code/b.py"].media_type == "text/x-python"
    assert items["src:bundle.zip!docs/a.txt"].data == b"alpha"
    assert problems(reads) == {}


def test_zip_slip_member_is_an_error_and_is_not_read(tmp_path: Path) -> None:
    _zip(
        tmp_path / "evil.zip", {"../../etc/passwd": b"root:x", "/abs.txt": b"x", "ok.txt": b"fine"}
    )
    reads = read_source(tmp_path, fmt="files")
    found = problems(reads)
    assert found == {
        "src:evil.zip!../../etc/passwd": ["unsafe-archive-member"],
        "src:evil.zip!/abs.txt": ["unsafe-archive-member"],
    }
    unsafe = next(r.item for r in reads if "passwd" in r.item.item_id)
    assert unsafe.data == b"" and unsafe.sha256 == ""


def test_zip_bomb_member_is_refused_without_inflating_it(tmp_path: Path) -> None:
    # 50 MB of zeros deflates to ~50 KB: a ratio of ~1000, far past the 200x limit.
    _zip(tmp_path / "bomb.zip", {"zeros.bin": b"\x00" * (50 * 1024 * 1024), "note.txt": b"hi"})
    reads = read_source(tmp_path, fmt="files")
    assert problems(reads) == {"src:bomb.zip!zeros.bin": ["zip-bomb"]}
    assert {r.item.item_id for r in reads} == {"src:bomb.zip!zeros.bin", "src:bomb.zip!note.txt"}


def test_archive_budget_stops_overlapping_or_huge_archives(tmp_path: Path) -> None:
    _zip(
        tmp_path / "many.zip",
        {f"f{i}.txt": b"x" * 1000 for i in range(10)},
        compression=zipfile.ZIP_STORED,
    )
    limits = ReadLimits(max_archive_bytes=4000)
    found = problems(read_source(tmp_path, fmt="files", limits=limits))
    assert sorted(found) == [f"src:many.zip!f{i}.txt" for i in range(5, 10)]
    assert {rule for rules in found.values() for rule in rules} == {"archive-budget"}


def test_tar_gz_members_links_and_traversal(tmp_path: Path) -> None:
    path = tmp_path / "pack.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name, data in {"a.txt": b"alpha", "../up.txt": b"up"}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("link")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/shadow"
        archive.addfile(link)
    reads = read_source(tmp_path, fmt="files")
    assert problems(reads) == {
        "src:pack.tar.gz!../up.txt": ["unsafe-archive-member"],
        "src:pack.tar.gz!link": ["unsafe-archive-member"],
    }
    assert next(r.item.data for r in reads if r.item.item_id.endswith("!a.txt")) == b"alpha"


def test_truncated_tar_gz_keeps_members_read_and_reports_the_archive(tmp_path: Path) -> None:
    whole = tmp_path / "whole.tar.gz"
    _tar_gz(whole, {f"m{i}.txt": bytes([65 + i]) * 200_000 for i in range(4)})
    blob = whole.read_bytes()
    whole.unlink()
    (tmp_path / "cut.tar.gz").write_bytes(blob[: len(blob) * 2 // 3])
    reads = read_source(tmp_path, fmt="files")
    found = problems(reads)
    assert found.pop("src:cut.tar.gz") == ["corrupt-archive"]
    assert found == {}
    read_ok = [r.item.item_id for r in reads if not r.problems]
    assert read_ok and all(i.startswith("src:cut.tar.gz!m") for i in read_ok)


def test_corrupt_zip_is_one_error_item(tmp_path: Path) -> None:
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04" + b"garbage" * 10)
    assert problems(read_source(tmp_path, fmt="files")) == {"src:broken.zip": ["corrupt-archive"]}


def test_oversize_file_is_hashed_but_not_loaded(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"a" * 5000)
    reads = read_source(tmp_path, fmt="files", limits=ReadLimits(max_item_bytes=1000))
    (read,) = reads
    assert [rule for rule, _ in read.problems] == ["oversize"]
    assert read.item.size == 5000 and len(read.item.sha256) == 64 and read.item.data == b""


def test_single_gzip_file_that_is_not_tar_is_one_item(tmp_path: Path) -> None:
    (tmp_path / "notes.txt.gz").write_bytes(gzip.compress(b"hello"))
    (read,) = read_source(tmp_path, fmt="files")
    assert read.item.media_type == "application/gzip" and not read.problems
