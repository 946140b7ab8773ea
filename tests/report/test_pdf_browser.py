"""Which Chromium prints a PDF, and the one line that says how to get one when there is none."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from gitrepo import GitRepo
from techlead import pdf
from techlead.cli import main


def _executable(path: Path, script: str = "#!/bin/sh\nexit 1\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script)
    path.chmod(0o755)
    return path


@pytest.fixture
def no_system_browser(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No $TECHLEAD_CHROMIUM, no /usr/bin/chromium, nothing but git on PATH, no Playwright
    browser."""
    empty = tmp_path / "bin"
    empty.mkdir()
    git = shutil.which("git")
    assert git is not None
    (empty / "git").symlink_to(git)
    monkeypatch.delenv(pdf.ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.setattr(pdf, "DEBIAN_CHROMIUM", tmp_path / "usr-bin-chromium")
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "no-playwright-browsers"))
    return empty


@pytest.fixture
def small(repo: GitRepo) -> GitRepo:
    repo.commit("first", {"app.py": "x = 1\n"})
    return repo


def test_techlead_chromium_comes_before_every_other_browser(
    no_system_browser: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _executable(no_system_browser / "chromium")
    pdf.DEBIAN_CHROMIUM = _executable(tmp_path / "usr-bin-chromium")
    chosen = _executable(tmp_path / "opt" / "my-chrome")
    monkeypatch.setenv(pdf.ENVIRONMENT_VARIABLE, str(chosen))
    assert pdf.find_chromium() == chosen


def test_debian_chromium_then_the_names_on_path_in_order(
    no_system_browser: Path, tmp_path: Path
) -> None:
    assert pdf.find_chromium() is None
    stable = _executable(no_system_browser / "google-chrome-stable")
    assert pdf.find_chromium() == stable
    chrome = _executable(no_system_browser / "google-chrome")
    assert pdf.find_chromium() == chrome
    chromium = _executable(no_system_browser / "chromium-browser")
    assert pdf.find_chromium() == chromium
    pdf.DEBIAN_CHROMIUM = _executable(tmp_path / "usr-bin-chromium")
    assert pdf.find_chromium() == pdf.DEBIAN_CHROMIUM


def test_no_browser_anywhere_is_one_line_saying_how_to_get_one(
    no_system_browser: Path, small: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("playwright", reason="Playwright is not installed")
    out = tmp_path / "report.pdf"
    assert main(["report", "stakeholder", "--out", str(out), "-q", "-C", str(small.path)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1, err
    assert "a PDF needs Chromium and none was found" in err
    for how in ("apt-get install chromium", "playwright install chromium", "TECHLEAD_CHROMIUM"):
        assert how in err
    assert not out.exists()


def test_no_browser_is_said_before_the_report_is_built(
    no_system_browser: Path, small: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("playwright", reason="Playwright is not installed")
    out = tmp_path / "report.pdf"
    assert main(["report", "stakeholder", "--out", str(out), "-C", str(small.path)]) == 2
    assert "a PDF needs Chromium and none was found" in capsys.readouterr().err
    assert not (small.path / ".techlead" / "cache").exists()  # nothing was mined first


def test_a_techlead_chromium_that_is_not_executable_is_one_line(
    small: GitRepo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(pdf.ENVIRONMENT_VARIABLE, str(tmp_path / "nowhere" / "chrome"))
    out = tmp_path / "report.pdf"
    assert main(["report", "stakeholder", "--out", str(out), "-q", "-C", str(small.path)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"error: TECHLEAD_CHROMIUM={tmp_path / 'nowhere' / 'chrome'}: not an executable file; "
        "point it at a Chromium or Chrome executable, or unset it to search for one"
    ]


def test_a_browser_that_cannot_print_is_one_line_naming_it(
    small: GitRepo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("playwright", reason="Playwright is not installed")
    broken = _executable(tmp_path / "broken-chrome")
    monkeypatch.setenv(pdf.ENVIRONMENT_VARIABLE, str(broken))
    out = tmp_path / "report.pdf"
    assert main(["report", "stakeholder", "--out", str(out), "-q", "-C", str(small.path)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1, err
    assert f"Chromium ({broken}) could not print" in err
    assert "Traceback" not in err


def test_the_system_chromium_prints_a_real_pdf(
    small: GitRepo, tmp_path: Path, chromium: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(pdf.ENVIRONMENT_VARIABLE, os.fspath(chromium))
    out = tmp_path / "report.pdf"
    assert main(["report", "stakeholder", "--out", str(out), "-q", "-C", str(small.path)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
