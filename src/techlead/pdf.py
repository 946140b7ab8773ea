"""Print an HTML page to PDF with Chromium (Playwright): stakeholder reports, interview kits.

The browser is the system's own when there is one: $TECHLEAD_CHROMIUM, Debian's
/usr/bin/chromium, then a Chromium or Chrome on PATH; failing those, the browser Playwright
downloaded (`playwright install chromium`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from techlead.errors import TechleadError

ENVIRONMENT_VARIABLE = "TECHLEAD_CHROMIUM"
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
ON_PATH = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PDF_EXTRA = "pip install 'techlead[pdf]'"  # Playwright comes with the pdf extra
HOW_TO_GET_ONE = (
    "apt-get install chromium, or pip install 'techlead[pdf]' && playwright install chromium, "
    f"or set {ENVIRONMENT_VARIABLE} to a Chromium or Chrome executable"
)


def find_chromium() -> Path | None:
    """The system's Chromium or Chrome, in the documented order; None when there is none."""
    chosen = os.environ.get(ENVIRONMENT_VARIABLE)
    if chosen:
        path = Path(chosen).expanduser()
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise TechleadError(
                f"{ENVIRONMENT_VARIABLE}={chosen}: not an executable file; point it at a "
                "Chromium or Chrome executable, or unset it to search for one"
            )
        return path
    if DEBIAN_CHROMIUM.is_file() and os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM
    for name in ON_PATH:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def _no_browser() -> TechleadError:
    return TechleadError(f"a PDF needs Chromium and none was found: {HOW_TO_GET_ONE}")


def check_printer() -> None:
    """Refuse a PDF at once, before any work, when nothing could print it: no Playwright, or
    neither a system browser nor Playwright's own."""
    import importlib.util

    chromium = find_chromium()
    if importlib.util.find_spec("playwright") is None:
        how = PDF_EXTRA if chromium else HOW_TO_GET_ONE
        raise TechleadError(f"a PDF needs Playwright to drive Chromium: {how}")
    if chromium is None and not _playwright_chromium_downloaded():
        raise _no_browser()


def _playwright_chromium_downloaded() -> bool:
    """Whether `playwright install chromium` left a browser where Playwright looks for it
    (unsure cases count as yes: the launch then says what is wrong)."""
    import sys

    chosen = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if chosen == "0":  # browsers kept inside the installed package
        return True
    if chosen:
        where = Path(chosen).expanduser()
    elif sys.platform == "darwin":
        where = Path.home() / "Library" / "Caches" / "ms-playwright"
    elif sys.platform == "win32":
        where = Path(os.environ.get("LOCALAPPDATA", Path.home())) / "ms-playwright"
    else:
        where = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ms-playwright"
    return any(where.glob("chromium*"))


def write_pdf(html: str, path: Path) -> None:
    """Print the HTML to PDF with Chromium, vector charts kept."""
    chromium = find_chromium()
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        how = PDF_EXTRA if chromium else HOW_TO_GET_ONE
        raise TechleadError(f"a PDF needs Playwright to drive Chromium: {how}") from None
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(chromium) if chromium else None,
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                ],
            )
            page = browser.new_page()
            page.set_content(html, wait_until="load")
            page.pdf(
                path=str(path),
                format="A4",
                print_background=True,
                margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"},
            )
            browser.close()
    except Error as exc:
        if chromium is None and "Executable doesn't exist" in str(exc):
            raise _no_browser() from None
        raise TechleadError(
            f"--out {path}: Chromium ({chromium or 'Playwright'}) could not print: "
            f"{str(exc).strip().splitlines()[0]}"
        ) from None


def write_document(content: str, out: Path) -> None:
    """Write a page or text to `out`; a `.pdf` is printed from the page."""
    if out.suffix.lower() == ".pdf":
        write_pdf(content, out)
        return
    try:
        out.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise TechleadError(f"--out {out}: cannot write: {exc.strerror}") from None
