"""Counts in sentences: `1 file`, `3 files`, `2 repositories`, `1,204 commits`."""

from __future__ import annotations

_VOWELS = frozenset("aeiou")


def plural(noun: str) -> str:
    """The plural of a regular English noun (of the last word of `noun`): files, repositories,
    days, matches."""
    if noun.endswith("y") and noun[-2:-1] not in _VOWELS:
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def counted(number: int, noun: str, many: str | None = None) -> str:
    """`number` (with thousands separators, as tables show numbers) and `noun`, plural unless
    the number is 1; `many` is the plural of an irregular noun (person, people)."""
    return f"{number:,} {noun if number == 1 else many or plural(noun)}"
