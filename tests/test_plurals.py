"""One way to write a count in a sentence."""

from __future__ import annotations

import pytest

from techlead.plurals import counted


@pytest.mark.parametrize(
    ("number", "noun", "written"),
    [
        (1, "file", "1 file"),
        (0, "violation", "0 violations"),
        (3, "accepted decision", "3 accepted decisions"),
        (2, "repository", "2 repositories"),
        (2, "directory", "2 directories"),
        (2, "day", "2 days"),  # a vowel before the y
        (2, "match", "2 matches"),
        (2, "box", "2 boxes"),
        (1_204, "commit", "1,204 commits"),  # thousands as tables show them
    ],
)
def test_a_count_and_its_noun(number: int, noun: str, written: str) -> None:
    assert counted(number, noun) == written


def test_irregular_nouns_name_their_plural() -> None:
    assert counted(1, "person", "people") == "1 person"
    assert counted(4, "person", "people") == "4 people"
