"""Who is who: project automation recognised as bots and listed; likely duplicate identities."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitrepo import GitRepo
from techlead.cli import main
from techlead.history import scan
from techlead.team.identities import (
    bot_accounts,
    likely_duplicates,
    normalised_name,
    placeholder_email,
)

PEOPLE_AND_BOTS = [
    ("sqla-tester <sqla-tester@sqlalchemy.org>", True),
    ("project-bot <project-bot@example.org>", True),
    ("Release Bot <release-bot@corp.example>", True),
    ("github-actions <41898282+github-actions[bot]@users.noreply.github.com>", True),
    ("github-actions <action@github.com>", True),
    ("pre-commit-ci <pre-commit-ci@users.noreply.github.com>", True),
    ("acme-ci <builds@acme.example>", True),
    ("Jenkins <jenkins@acme.example>", True),
    ("Gerrit Code Review <gerrit@ci.example.com>", True),
    ("Jan Bot <jan@bot.example>", False),
    ("Wang Ci <wang.ci@example.com>", False),
    ("Abbot Smith <abbot@example.com>", False),
    ("Anne-Marie Tester <amt@example.com>", False),
]


@pytest.mark.parametrize(("identity", "is_bot"), PEOPLE_AND_BOTS)
def test_project_automation_accounts_are_bots_and_people_are_not(
    tmp_path: Path, identity: str, is_bot: bool
) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.commit("one", {"a.py": "1\n"}, author=identity)
    assert scan(repo.path).history.commits.get_column("is_bot").to_list() == [is_bot]


def _bots_and_people(path: Path) -> GitRepo:
    repo = GitRepo(path)
    for n in range(3):
        repo.commit(f"test {n}", {"a.py": f"{n}\n"}, author="sqla-tester <sqla-tester@x.org>")
    repo.commit("deps", {"b.py": "1\n"}, author="dependabot[bot] <1+dependabot[bot]@x.com>")
    repo.commit("work", {"a.py": "9\n"}, author="Ann Lead <ann@example.com>")
    return repo


def test_bots_listing_says_which_pattern_matched(tmp_path: Path) -> None:
    found = bot_accounts(scan(_bots_and_people(tmp_path / "r").path).history)
    assert [(b.name, b.commits) for b in found] == [("sqla-tester", 3), ("dependabot[bot]", 1)]
    assert "tester" in found[0].pattern
    assert found[1].pattern == r"\[bot\]"


def test_bots_command_and_scan_summary_name_the_bots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _bots_and_people(tmp_path / "r")
    assert main(["team", "bots", "-C", str(repo.path), "-q", "-f", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["commits"]) for r in rows] == [("sqla-tester", 3), ("dependabot[bot]", 1)]
    assert main(["scan", str(repo.path), "-q"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "1 person, 2 bots (sqla-tester, dependabot[bot])" in out
    assert main(["scan", str(repo.path), "-q", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["bot_names"] == ["sqla-tester", "dependabot[bot]"]


def test_placeholders_and_normalised_names() -> None:
    assert placeholder_email("none@none")
    assert placeholder_email("noreply@github.com")
    assert placeholder_email("dev@laptop.(none)")
    assert placeholder_email("")
    assert not placeholder_email("CaselIT@users.noreply.github.com")  # one GitHub user's own
    assert normalised_name("Gaëtan  de-Menten") == "gaetan de menten"


def _duplicates(path: Path) -> GitRepo:
    repo = GitRepo(path)
    commits = [
        ("Mike Bayer <mike@zzz.example>", 4),
        ("mike bayer <mike@zzz.example>", 2),  # same e-mail, other spelling
        ("Mike Bayer <classic@zzz.example>", 1),  # same name, other e-mail
        ("Gaëtan de Menten <g@one.example>", 2),
        ("Gaetan de Menten <g@two.example>", 1),  # accents ignored
        ("jeff <none@none>", 1),  # a placeholder e-mail is no evidence
        ("sean <none@none>", 1),
        ("Alexey Shamrin <none@none>", 1),
        ("Alexey Shamrin <alexey@real.example>", 2),  # ... but the name still is
    ]
    n = 0
    for identity, count in commits:
        for _ in range(count):
            n += 1
            repo.commit(f"c{n}", {"a.py": f"{n}\n"}, author=identity)
    return repo


def test_likely_duplicates_with_mailmap_lines(tmp_path: Path) -> None:
    groups = likely_duplicates(scan(_duplicates(tmp_path / "r").path).history)
    found = [[(i.name, i.email, i.commits) for i in g.identities] for g in groups]
    assert found == [
        [
            ("Mike Bayer", "mike@zzz.example", 4),
            ("mike bayer", "mike@zzz.example", 2),
            ("Mike Bayer", "classic@zzz.example", 1),
        ],
        [("Alexey Shamrin", "alexey@real.example", 2), ("Alexey Shamrin", "none@none", 1)],
        [("Gaëtan de Menten", "g@one.example", 2), ("Gaetan de Menten", "g@two.example", 1)],
    ]
    assert groups[0].mailmap == [
        "Mike Bayer <mike@zzz.example> mike bayer <mike@zzz.example>",
        "Mike Bayer <mike@zzz.example> Mike Bayer <classic@zzz.example>",
    ]
    assert groups[0].evidence == ["same name", "same e-mail"]
    assert groups[1].evidence == ["same name"]


def test_mailmap_lines_merge_the_identities(tmp_path: Path) -> None:
    repo = _duplicates(tmp_path / "r")
    lines = [line for g in likely_duplicates(scan(repo.path).history) for line in g.mailmap]
    (repo.path / ".mailmap").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert likely_duplicates(scan(repo.path).history) == []
    names = repo.git("log", "--use-mailmap", "--format=%aN <%aE>").splitlines()
    assert names.count("Mike Bayer <mike@zzz.example>") == 7


def test_identities_command_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _duplicates(tmp_path / "r")
    base = ["team", "identities", "-C", str(repo.path), "-q"]
    assert main(base) == 0
    out = capsys.readouterr().out
    assert "3 people with more than one identity" in out
    assert "Mike Bayer <mike@zzz.example> Mike Bayer <classic@zzz.example>" in out
    assert main([*base, "-f", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3
    assert main([*base, "-f", "csv"]) == 0
    csv_text = capsys.readouterr().out
    assert csv_text.splitlines()[0] == "group,name,email,commits,evidence,mailmap"
    assert "Alexey Shamrin <alexey@real.example> Alexey Shamrin <none@none>" in csv_text
    assert main([*base, "-f", "markdown"]) == 0
    assert "| group | name | email | commits | evidence | mailmap |" in capsys.readouterr().out
