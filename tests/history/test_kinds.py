"""What counts as code: the default file kinds and the settings that reassign them."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitrepo import GitRepo
from techlead.config import FileSettings, load_settings
from techlead.errors import ConfigError
from techlead.history import scan
from techlead.history.files import current_files
from techlead.history.kinds import classify, kind_of
from techlead.history.selection import select_files


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("lib/sqlalchemy/orm/session.py", "code"),
        ("lib/sqlalchemy/cyextension/util.pyx", "code"),
        ("src/app/main.ts", "code"),
        ("web/templates/page.html", "code"),
        ("scripts/release.sh", "code"),
        ("db/schema.sql", "code"),
        ("doc/build/orm/session.rst", "docs"),
        ("README.md", "docs"),
        ("LICENSE", "docs"),
        ("AUTHORS", "docs"),
        ("doc/build/sqla_arch_small.png", "image"),
        ("docs/logo.svg", "image"),
        (".github/workflows/tests.yaml", "config"),
        ("pyproject.toml", "config"),
        ("setup.cfg", "config"),
        ("tox.ini", "config"),
        ("requirements-dev.txt", "config"),
        ("package.json", "config"),
        ("poetry.lock", "config"),
        (".gitignore", "config"),
        ("Makefile", "build"),
        ("docker/Dockerfile", "build"),
        ("CMakeLists.txt", "build"),
        ("test/binary_data_one.dat", "data"),
        ("fixtures/users.csv", "data"),
        ("fonts/inter.woff2", "other"),
    ],
)
def test_default_kind_of_a_path(path: str, kind: str) -> None:
    assert kind_of(path) == kind


def test_kind_patterns_reassign_paths_first_match_wins() -> None:
    patterns = {"code": ["tools/*.txt"], "docs": ["doc/build/conf.py", "tools/"]}
    kinds = classify(["tools/gen.txt", "doc/build/conf.py", "tools/x.py", "a.py"], patterns)  # type: ignore[arg-type]
    assert kinds == ["code", "docs", "docs", "code"]


def test_unknown_kind_in_config_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "techlead.toml").write_text('[files]\nkinds = ["code", "sourcecode"]\n')
    with pytest.raises(ConfigError, match=r"files\.kinds"):
        load_settings(tmp_path)


def _project(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "p")
    repo.commit(
        "start",
        {
            "src/app.py": "def f():\n    return 1\n",
            "docs/guide.rst": "Guide\n",
            "pyproject.toml": "[project]\n",
            "logo.png": b"\x89PNG\0\0binary",
        },
    )
    return repo


def test_selection_keeps_code_and_counts_what_it_left_out(tmp_path: Path) -> None:
    files = current_files(scan(_project(tmp_path).path))
    selection = select_files(files)
    assert selection.paths == {"src/app.py"}
    assert set(selection.files.changes.get_column("file")) == {"src/app.py"}
    assert selection.note == (
        "3 non-code files left out (config 1, docs 1, image 1): --all-files includes them"
    )
    everything = select_files(files, all_files=True)
    assert len(everything.paths) == 4
    assert everything.note is None


def test_configured_kinds_and_patterns_widen_the_selection(tmp_path: Path) -> None:
    files = current_files(scan(_project(tmp_path).path))
    settings = FileSettings(kinds=["code", "docs"], kind_patterns={"code": ["pyproject.toml"]})
    selection = select_files(files, settings)
    assert selection.paths == {"src/app.py", "docs/guide.rst", "pyproject.toml"}
    assert selection.note == ("1 non-code/docs file left out (image 1): --all-files includes them")


def test_path_narrows_without_counting_as_left_out(tmp_path: Path) -> None:
    files = current_files(scan(_project(tmp_path).path))
    selection = select_files(files, path="docs/", all_files=True)
    assert selection.paths == {"docs/guide.rst"}
    assert selection.note is None
