"""What `pip install .` ships: every file under src/techlead, not only the Python modules."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src"
PACKAGE = SOURCE / "techlead"


def _is_module(path: Path) -> bool:
    """A .py file setuptools ships by itself: every directory down to it has an __init__.py."""
    if path.suffix != ".py":
        return False
    return all((folder / "__init__.py").exists() for folder in _folders(path.parent))


def _folders(folder: Path) -> list[Path]:
    chain = [folder]
    while chain[-1] != PACKAGE:
        chain.append(chain[-1].parent)
    return chain


def _shipped_data() -> set[Path]:
    """The files [tool.setuptools.package-data] matches, as setuptools globs them."""
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data: dict[str, list[str]] = settings["tool"]["setuptools"]["package-data"]
    shipped: set[Path] = set()
    for package, patterns in package_data.items():
        folder = SOURCE.joinpath(*package.split("."))
        for pattern in patterns:
            shipped.update(path for path in folder.glob(pattern) if path.is_file())
    return shipped


def test_every_file_under_the_package_is_a_module_or_package_data() -> None:
    files = [
        path
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    ]
    shipped = _shipped_data()
    missing = sorted(
        str(path.relative_to(SOURCE))
        for path in files
        if not _is_module(path) and path not in shipped
    )
    assert missing == [], "add these to [tool.setuptools.package-data] in pyproject.toml"


def test_the_report_templates_are_package_data() -> None:
    shipped = {path.relative_to(PACKAGE).as_posix() for path in _shipped_data()}
    assert {"report/templates/stakeholder.html", "report/templates/tradeoff.html"} <= shipped
