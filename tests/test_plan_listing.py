"""Planning lists local folders with ``os.scandir`` instead of fsspec's ``find``; the files,
sizes, mtimes and order must be fsspec's, or shard ids (and so ``--resume``) would change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clearance.readers.base import FileRef
from clearance.readers.fs import filesystem, join_url
from clearance.readers.plan import _list_files, _list_local, _mtime, plan_sources
from clearance.sources.manifest import Source


def _fsspec_listing(root: str) -> list[FileRef]:
    """What ``_list_files`` gave before it had a local path: fsspec's find, filtered."""
    fs, path = filesystem(root)
    infos = fs.find(path, detail=True, withdirs=False)
    return [
        FileRef(path=join_url(fs, name), size=int(info.get("size") or 0), mtime=_mtime(info))
        for name, info in sorted(infos.items())
        if info.get("type", "file") == "file"
    ]


def _tree(root: Path) -> Path:
    (root / "a" / "b" / "c").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / ".hidden").mkdir()
    (root / "top.txt").write_text("top")
    (root / "a" / "one.py").write_text("print(1)\n" * 50)
    (root / "a" / "b" / "two.jsonl").write_text('{"text": "x"}\n')
    (root / "a" / "b" / "c" / "deep.bin").write_bytes(os.urandom(3000))
    (root / ".hidden" / ".dotfile").write_text("secret-ish")
    (root / "a" / "Z-upper.md").write_text("# title")
    (root / "a" / "é-non-ascii.txt").write_text("été")
    (root / "zero").write_bytes(b"")
    os.symlink(root / "top.txt", root / "link-to-file")
    os.symlink(root / "a", root / "link-to-dir")
    os.symlink(root / "missing", root / "broken-link")
    os.mkfifo(root / "a" / "pipe")
    os.utime(root / "top.txt", (1_600_000_000.25, 1_600_000_000.75))
    return root


def test_local_listing_is_fsspec_listing(tmp_path: Path) -> None:
    root = _tree(tmp_path / "src")
    ours = _list_local(str(root))
    assert ours == _fsspec_listing(str(root))
    names = [Path(ref.path).relative_to(root).as_posix() for ref in ours]
    assert "top.txt" in names and "a/b/c/deep.bin" in names and ".hidden/.dotfile" in names
    assert not any("link" in name or name.endswith("pipe") for name in names)
    top = next(ref for ref in ours if ref.path.endswith("/top.txt"))
    assert top.mtime == 1_600_000_000.75 and top.size == 3


def test_local_listing_through_a_linked_root_and_a_single_file(tmp_path: Path) -> None:
    root = _tree(tmp_path / "src")
    link = tmp_path / "root-link"
    os.symlink(root, link)
    fs, path = filesystem(str(link))
    assert _list_files(fs, path) == _fsspec_listing(str(link))
    fs, path = filesystem(str(root / "top.txt"))
    assert [ref.path for ref in _list_files(fs, path)] == [str(root / "top.txt")]


@pytest.mark.parametrize("target", [1024, 32 * 1024 * 1024])
def test_shard_ids_do_not_change_with_the_listing(
    tmp_path: Path, target: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path / "src")
    source = Source(name="s", path=str(root))
    ours = [spec.shard_id for spec in plan_sources([source], target_bytes=target)]
    monkeypatch.setattr("clearance.readers.plan._list_local", _fsspec_listing)
    assert ours == [spec.shard_id for spec in plan_sources([source], target_bytes=target)]
