"""Who made a commit: aliases from configuration, bots, and AI assistants among co-authors."""

from __future__ import annotations

import re
from collections.abc import Iterable

import polars as pl

from techlead.config import IdentitySettings


def _matcher(patterns: Iterable[str]) -> re.Pattern[str] | None:
    joined = "|".join(f"(?:{pattern})" for pattern in patterns)
    return re.compile(joined, re.IGNORECASE) if joined else None


def _split_identity(canonical: str) -> tuple[str, str]:
    name, _, rest = canonical.strip().partition("<")
    return name.strip(), rest.rstrip(">").strip()


def _alias_table(settings: IdentitySettings) -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for canonical, aliases in settings.aliases.items():
        name, email = _split_identity(canonical)
        for alias in [*aliases, email]:
            table[alias.strip().lower()] = (name, email)
    return table


def bot_rule(identity: str, settings: IdentitySettings) -> str | None:
    """The first bot pattern that `identity` ("Name <email>") matches, or None."""
    for pattern in settings.bot_patterns():
        if re.search(pattern, identity, re.IGNORECASE):
            return pattern
    return None


def apply_identities(commits: pl.DataFrame, settings: IdentitySettings) -> pl.DataFrame:
    """Commits with aliases resolved and `is_bot` / `is_ai_assisted` columns added."""
    if commits.is_empty():
        return commits.with_columns(
            is_bot=pl.lit(False, pl.Boolean), is_ai_assisted=pl.lit(False, pl.Boolean)
        )
    aliases = _alias_table(settings)
    people = commits.select("author_name", "author_email").unique()
    canonical: list[tuple[str, str]] = []
    for name, email in people.iter_rows():
        canonical.append(aliases.get(email.lower()) or aliases.get(name.lower()) or (name, email))
    bots = _matcher(settings.bot_patterns())
    ai = _matcher(settings.ai_patterns())
    mapping = people.with_columns(
        _name=pl.Series([n for n, _ in canonical], dtype=pl.String),
        _email=pl.Series([e for _, e in canonical], dtype=pl.String),
        is_bot=pl.Series([bool(bots and bots.search(f"{n} <{e}>")) for n, e in canonical]),
        _ai_author=pl.Series([bool(ai and ai.search(f"{n} <{e}>")) for n, e in canonical]),
    )
    co_authors = commits.get_column("co_authors").explode().drop_nulls().unique()
    ai_co_authors = [value for value in co_authors.to_list() if ai and ai.search(value)]
    return (
        commits.join(mapping, on=["author_name", "author_email"], how="left", maintain_order="left")
        .with_columns(
            author_name=pl.col("_name"),
            author_email=pl.col("_email"),
            is_ai_assisted=pl.col("_ai_author")
            | pl.col("co_authors").list.eval(pl.element().is_in(ai_co_authors)).list.any(),
        )
        .drop("_name", "_email", "_ai_author")
    )
