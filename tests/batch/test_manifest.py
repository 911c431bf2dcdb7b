"""The batch manifest: one line per finished unit, and a crash's half line costs one unit."""

from __future__ import annotations

from pathlib import Path

from app.batch import Manifest, ManifestLine


def unit(name: str) -> ManifestLine:
    return ManifestLine(input=name, sha256="ab" * 32, title="cfo", status="ok")


def test_a_line_appended_after_a_crash_cut_one_short_is_still_read(tmp_path: Path) -> None:
    manifest = Manifest(tmp_path)
    manifest.append(unit("a.md"))
    manifest.append(unit("b.md"))
    whole = manifest.path.read_bytes()
    manifest.path.write_bytes(whole[: len(whole) - 40])  # the crash: b.md's line cut short
    manifest.append(unit("c.md"))
    assert [line.input for line in manifest.lines()] == ["a.md", "c.md"]
    manifest.append(unit("b.md"))  # the resumed unit
    assert set(manifest.latest()) == {("a.md", "cfo"), ("b.md", "cfo"), ("c.md", "cfo")}


def test_lines_append_one_per_unit_to_a_new_manifest(tmp_path: Path) -> None:
    manifest = Manifest(tmp_path)
    for name in ("a.md", "b.md"):
        manifest.append(unit(name))
    assert manifest.path.read_text().count("\n") == 2
    assert [line.input for line in manifest.lines()] == ["a.md", "b.md"]
