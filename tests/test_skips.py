"""The README's test command on a machine without Chromium: a skip that says how to include the
test, or a failure under CI=true."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PDF_TEST = "tests/report/test_pdf_browser.py::test_the_system_chromium_prints_a_real_pdf"
NO_DEBIAN_CHROMIUM = """
from pathlib import Path

import techlead.pdf

techlead.pdf.DEBIAN_CHROMIUM = Path("/nonexistent/chromium")
"""


def _run_without_chromium(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    """Run one test needing Chromium where none can be found: only git on PATH."""
    (tmp_path / "no_debian_chromium.py").write_text(NO_DEBIAN_CHROMIUM)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    git = shutil.which("git")
    assert git is not None
    (bin_dir / "git").symlink_to(git)
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CI", "TECHLEAD_CHROMIUM", "PYTEST_XDIST_WORKER", "PYTEST_ADDOPTS")
    }
    environment["PATH"] = str(bin_dir)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(tmp_path), str(ROOT / "src"), environment.get("PYTHONPATH", "")]
    )
    if ci is not None:
        environment["CI"] = ci
    command = [sys.executable, "-m", "pytest", PDF_TEST, "-p", "no_debian_chromium"]
    command += ["-p", "no:cacheprovider", "-q"]
    return subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


def test_without_chromium_the_run_passes_and_ends_saying_what_was_skipped(
    tmp_path: Path,
) -> None:
    result = _run_without_chromium(tmp_path, ci=None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.index("what was skipped") > result.stdout.index("SKIPPED [1]")
    summary = result.stdout.split("what was skipped")[-1]
    assert (
        "1 test skipped: Chromium not found — apt-get install chromium or set TECHLEAD_CHROMIUM"
        in summary
    )


def test_under_ci_a_missing_chromium_fails_the_test(tmp_path: Path) -> None:
    result = _run_without_chromium(tmp_path, ci="true")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "required in CI: Chromium not found" in result.stdout
    assert "what was skipped" not in result.stdout
