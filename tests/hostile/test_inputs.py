"""techlead.inputs: how one file is opened and parsed for a user."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from techlead.errors import TechleadError
from techlead.inputs.files import (
    InputError,
    check_file,
    folder,
    inside,
    is_regular_file,
    read_bytes,
    read_text,
    scanned_text,
)
from techlead.inputs.formats import MAX_DEPTH, check_depth, parse_json, parse_toml, parse_yaml


class OwnError(TechleadError):
    """A reader's own kind of error."""


def test_a_symlink_inside_the_root_is_followed_one_leading_out_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (root / "docs/real.md").write_text("inside\n")
    (root / "docs/link.md").symlink_to(root / "docs/real.md")
    (tmp_path / "secret").write_text("outside\n")
    (root / "docs/out.md").symlink_to(tmp_path / "secret")
    assert read_text(root / "docs/link.md", within=root) == "inside\n"
    with pytest.raises(InputError, match=r"out\.md: refused: it leads outside"):
        read_text(root / "docs/out.md", within=root)
    with pytest.raises(InputError, match="refused"):
        read_text(root / "docs/../../secret", within=root)
    assert read_text(root / "docs/out.md") == "outside\n"  # no root: the user's own path


def test_a_symlink_loop_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(InputError, match=r"cannot resolve|no such file"):
        read_text(tmp_path / "a", within=tmp_path)


def test_directories_fifos_and_devices_are_refused_before_they_are_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")  # opening it for reading would block without a writer
    with pytest.raises(InputError, match="fifo: not a regular file \\(a FIFO\\)"):
        read_bytes(tmp_path / "fifo")
    with pytest.raises(InputError, match="is a directory, not a file"):
        read_bytes(tmp_path)
    with pytest.raises(InputError, match="zero: not a regular file \\(a device or socket\\)"):
        read_bytes(Path("/dev/zero"))
    with pytest.raises(InputError, match="nope: no such file"):
        check_file(tmp_path / "nope")
    assert not is_regular_file(tmp_path / "fifo")
    assert not is_regular_file(Path("/dev/zero"))


def test_a_file_above_the_cap_is_refused_with_the_setting_to_raise(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 2048)
    assert read_bytes(big, limit=2048) == b"x" * 2048
    with pytest.raises(InputError, match="larger \\(2,048 bytes\\) than the 2,047 bytes") as raised:
        read_bytes(big, limit=2047)
    assert raised.value.hint is not None
    assert "max_input_mb" in raised.value.hint


def test_utf8_with_or_without_bom_crlf_read_as_lf(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_bytes(b"\xef\xbb\xbfone\r\ntwo\rthree\n")
    assert read_text(path) == "one\ntwo\nthree\n"
    assert read_text(path, newlines=False) == "one\r\ntwo\rthree\n"


def test_what_is_not_utf8_text_is_named_by_byte_line_column_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_bytes(b'a = 1\nname = "caf\xe9"\n')
    with pytest.raises(OwnError) as raised:
        read_text(path, error=OwnError)
    assert raised.value.message == (
        f"{path}: not UTF-8 text (byte 0xe9 at line 2, column 12, offset 17)"
    )
    assert read_text(path, lenient=True) == 'a = 1\nname = "caf\ufffd"\n'
    path.write_bytes(b"a\nb\x00\n")
    with pytest.raises(InputError, match="a NUL byte at line 2: not text"):
        read_text(path)


def test_a_folder_setting_must_stay_in_the_repository_unless_absolute(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    assert folder(root, Path("docs/runbooks"), "[runbooks] directory") == root / "docs/runbooks"
    assert folder(root, tmp_path / "shared", "[runbooks] directory") == tmp_path / "shared"
    with pytest.raises(InputError, match=r"\[runbooks\] directory \.\./x: refused"):
        folder(root, Path("../x"), "[runbooks] directory")
    (root / "docs").symlink_to(tmp_path)
    with pytest.raises(InputError, match="refused"):
        folder(root, Path("docs/runbooks"), "[runbooks] directory")


def test_a_scan_passes_over_what_it_may_not_read(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "secret").write_text("outside")
    (root / "out.md").symlink_to(tmp_path / "secret")
    (root / "latin.md").write_bytes(b"caf\xe9")
    assert scanned_text(root / "out.md", root) is None
    assert scanned_text(root / "gone.md", root) is None
    assert scanned_text(root / "latin.md", root) == "caf\ufffd"
    with pytest.raises(InputError):
        inside(root / "out.md", root)


def test_nesting_beyond_the_limit_is_refused_at_any_depth_of_recursion(tmp_path: Path) -> None:
    path = tmp_path / "x"
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_json(ok, path) is not None
    for depth in (MAX_DEPTH + 1, 5_000, 200_000):
        deep = "[" * depth + "]" * depth
        with pytest.raises(InputError, match="nested too deeply"):
            parse_json(deep, path)
        with pytest.raises(InputError, match="nested too deeply"):
            parse_toml(f"a = {deep}", path)
        with pytest.raises(InputError, match="nested too deeply"):
            parse_yaml(f"a: {deep}", path, "front matter")


def test_depth_check_ends_on_a_cycle_at_the_limit() -> None:
    cyclic: list[object] = []
    cyclic.append(cyclic)
    with pytest.raises(InputError, match="nested too deeply"):
        check_depth(cyclic, Path("x"), "YAML")
    check_depth({"a": [1, {"b": "c"}], "d": ()}, Path("x"), "YAML")


def test_yaml_aliases_are_refused_and_impossible_values_named() -> None:
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    with pytest.raises(InputError, match="line 2: an alias"):
        parse_yaml(bomb, Path("x.md"), "front matter")
    with pytest.raises(InputError, match="impossible value"):
        parse_yaml("date: 2026-02-30\n", Path("x.md"), "front matter")
    with pytest.raises(InputError, match="a number of more than 4,300 digits"):
        parse_yaml("n: " + "9" * 5000 + "\n", Path("x.md"), "front matter")


def test_numbers_too_long_to_convert_are_one_line() -> None:
    with pytest.raises(InputError, match="not JSON: a number of more than 4,300 digits"):
        parse_json('{"number": ' + "7" * 5000 + "}", Path("x.json"))
    with pytest.raises(InputError, match="invalid TOML: a number of more than 4,300 digits"):
        parse_toml("n = " + "7" * 5000, Path("x.toml"))
