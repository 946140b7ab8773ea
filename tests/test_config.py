"""Configuration: every setting has a default; bad files give one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from techlead.config import Settings, load_settings
from techlead.errors import ConfigError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_every_default(tmp_path: Path) -> None:
    assert load_settings(tmp_path) == Settings()


def test_techlead_toml_wins_over_pyproject(tmp_path: Path) -> None:
    write(tmp_path / "techlead.toml", "[history]\nworkers = 3\n")
    write(tmp_path / "pyproject.toml", "[tool.techlead.history]\nworkers = 5\n")
    assert load_settings(tmp_path).history.workers == 3


def test_pyproject_without_a_techlead_section_gives_defaults(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    assert load_settings(tmp_path) == Settings()


def test_relative_cache_dir_is_relative_to_the_config_file(tmp_path: Path) -> None:
    write(tmp_path / "techlead.toml", '[history]\ncache_dir = "../cache"\n')
    assert load_settings(tmp_path).history.cache_dir == (tmp_path.parent / "cache").resolve()


def test_unknown_key_is_rejected_with_its_location(tmp_path: Path) -> None:
    write(tmp_path / "techlead.toml", "[history]\nworker = 3\n")
    with pytest.raises(ConfigError, match=r"techlead\.toml: history\.worker: Extra inputs"):
        load_settings(tmp_path)


def test_invalid_regular_expression_is_rejected(tmp_path: Path) -> None:
    write(tmp_path / "techlead.toml", '[identities]\nbots = ["(unclosed"]\n')
    with pytest.raises(ConfigError, match=r"identities\.bots.*unclosed"):
        load_settings(tmp_path)


def test_alias_key_must_be_name_and_email(tmp_path: Path) -> None:
    write(tmp_path / "techlead.toml", '[identities.aliases]\n"just a name" = ["x"]\n')
    with pytest.raises(ConfigError, match="Name <email>"):
        load_settings(tmp_path)


def test_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path, tmp_path / "nope.toml")
