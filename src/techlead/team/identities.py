"""Who is who: accounts treated as bots, and identities that look like one person twice.

Two identities are likely one person when their normalised names are equal (case, accents,
punctuation and spacing ignored) or their e-mails are (case ignored). Placeholder e-mails
(none@none, noreply@github.com, user@localhost, ...) and placeholder names (unknown, root)
are no evidence: many people share them. Each group proposes the identity with most commits
as the proper one, and the `.mailmap` lines that map the others onto it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import polars as pl

from techlead.history.identities import bot_rule
from techlead.history.scan import History

_PLACEHOLDER_LOCAL = frozenset(
    ["none", "noreply", "no-reply", "nobody", "unknown", "root", "user", "you", "anonymous"]
)
_PLACEHOLDER_DOMAINS = frozenset(["none", "(none)", "localhost", "localhost.localdomain"])
_PLACEHOLDER_NAMES = frozenset(["unknown", "root", "none", "nobody", "anonymous", "your name"])


def placeholder_email(email: str) -> bool:
    """An e-mail many people share (or none at all): no evidence of who someone is."""
    local, at, domain = email.strip().lower().rpartition("@")
    if not at or not local:
        return True
    return (
        local in _PLACEHOLDER_LOCAL or domain in _PLACEHOLDER_DOMAINS or domain.endswith(".(none)")
    )


def normalised_name(name: str) -> str:
    """Case, accents, punctuation and spacing removed: 'Gaëtan  de-Menten' -> 'gaetan de menten'."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


@dataclass(frozen=True)
class Identity:
    name: str
    email: str
    commits: int


@dataclass(frozen=True)
class DuplicateGroup:
    """Identities that are likely one person; `proper` first in `identities`."""

    identities: list[Identity]
    evidence: list[str]
    mailmap: list[str] = field(default_factory=list)

    @property
    def proper(self) -> Identity:
        return self.identities[0]


def _identities(history: History) -> list[Identity]:
    people = (
        history.commits.filter(~pl.col("is_bot"))
        .group_by("author_name", "author_email")
        .agg(commits=pl.len())
        .sort(["commits", "author_name", "author_email"], descending=[True, False, False])
    )
    return [Identity(n, e, c) for n, e, c in people.iter_rows()]


def _mailmap_line(proper: Identity, other: Identity) -> str:
    return f"{proper.name} <{proper.email}> {other.name} <{other.email}>"


def likely_duplicates(history: History) -> list[DuplicateGroup]:
    """Groups of identities sharing a normalised name or an e-mail, largest first."""
    people = _identities(history)
    parent = list(range(len(people)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    first_by_key: dict[tuple[str, str], int] = {}
    for index, person in enumerate(people):
        keys = []
        name = normalised_name(person.name)
        if name and name not in _PLACEHOLDER_NAMES:
            keys.append(("name", name))
        if not placeholder_email(person.email):
            keys.append(("email", person.email.strip().lower()))
        for key in keys:
            other = first_by_key.setdefault(key, index)
            parent[root(index)] = root(other)
    members: dict[int, list[int]] = {}
    for index in range(len(people)):
        members.setdefault(root(index), []).append(index)
    groups = []
    for indices in members.values():
        if len(indices) < 2:
            continue
        found = [people[i] for i in sorted(indices)]  # most commits first: the proper one
        groups.append(_group(found))
    return sorted(groups, key=lambda g: (-sum(i.commits for i in g.identities), g.proper.name))


def _group(found: list[Identity]) -> DuplicateGroup:
    proper = found[0]
    evidence = []
    names = {normalised_name(i.name) for i in found}
    emails = {i.email.lower() for i in found}
    if len(names) < len(found):
        evidence.append("same name")
    if len(emails) < len(found):
        evidence.append("same e-mail")
    lines = [_mailmap_line(proper, other) for other in found[1:]]
    return DuplicateGroup(found, evidence, lines)


@dataclass(frozen=True)
class BotAccount:
    """An identity the bot patterns matched, its commits and the pattern that matched."""

    name: str
    email: str
    commits: int
    pattern: str


def bot_accounts(history: History) -> list[BotAccount]:
    """Every identity treated as a bot, most commits first."""
    bots = (
        history.commits.filter(pl.col("is_bot"))
        .group_by("author_name", "author_email")
        .agg(commits=pl.len())
        .sort(["commits", "author_name", "author_email"], descending=[True, False, False])
    )
    settings = history.settings.identities
    return [
        BotAccount(name, email, commits, bot_rule(f"{name} <{email}>", settings) or "")
        for name, email, commits in bots.iter_rows()
    ]


def duplicates_frame(groups: list[DuplicateGroup]) -> pl.DataFrame:
    """One row per identity: its group, commits, the evidence, and the `.mailmap` line that
    maps it onto its group's proper identity (empty for the proper one)."""
    rows = [
        (
            number,
            identity.name,
            identity.email,
            identity.commits,
            ", ".join(group.evidence),
            "" if index == 0 else group.mailmap[index - 1],
        )
        for number, group in enumerate(groups, start=1)
        for index, identity in enumerate(group.identities)
    ]
    schema = {
        "group": pl.Int64,
        "name": pl.String,
        "email": pl.String,
        "commits": pl.Int64,
        "evidence": pl.String,
        "mailmap": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def bots_frame(bots: list[BotAccount]) -> pl.DataFrame:
    schema = {"name": pl.String, "email": pl.String, "commits": pl.Int64, "pattern": pl.String}
    rows = [(b.name, b.email, b.commits, b.pattern) for b in bots]
    return pl.DataFrame(rows, schema=schema, orient="row")
