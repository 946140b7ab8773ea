"""Print an HTML page to PDF with Chromium (Playwright): stakeholder reports, interview kits."""

from __future__ import annotations

from pathlib import Path


def write_pdf(html: str, path: Path) -> None:
    """Print the HTML to PDF with Chromium (Playwright), vector charts kept."""
    from techlead.errors import TechleadError

    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise TechleadError(
            "a PDF needs Playwright and Chromium",
            hint="pip install playwright; apt install chromium",
        ) from None
    chromium = Path("/usr/bin/chromium")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(chromium) if chromium.exists() else None,
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
        raise TechleadError(
            f"--out {path}: Chromium could not print: {str(exc).splitlines()[0]}"
        ) from None


def write_document(content: str, out: Path) -> None:
    """Write a page or text to `out`; a `.pdf` is printed from the page."""
    from techlead.errors import TechleadError

    if out.suffix.lower() == ".pdf":
        write_pdf(content, out)
        return
    try:
        out.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise TechleadError(f"--out {out}: cannot write: {exc.strerror}") from None
