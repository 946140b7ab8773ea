"""Which commits are bug fixes: the subject line and fix trailers, not any mention of "fix" in a
body; for the FIX metric, SZZ's starting points and `techlead review`'s reasons alike."""

from __future__ import annotations

import json

import pytest

from gitrepo import GitRepo
from techlead.cli import main
from techlead.config import RiskSettings
from techlead.risk.features import is_fix

ANA = "Ana <ana@acme.test>"
BEN = "Ben <ben@acme.test>"
REFACTOR_BODY = "Split the tokenizer out.\n\nThis will make it easier to fix #12 later."


def test_a_body_that_mentions_fixing_makes_no_fix() -> None:
    fixes = is_fix(RiskSettings())
    assert not fixes("Refactor parser", REFACTOR_BODY)
    assert fixes("Fix crash on empty input")
    assert fixes("Handle empty input", "Longer story.\n\nFixes: #12")
    assert fixes("Handle empty input", "Closes #12")
    assert fixes("Handle empty input", "fixes owner/repo#12\nSigned-off-by: Ana")
    assert fixes("Handle empty input", "Resolves SHOP-12")
    assert fixes("Handle empty input", 'Fixes: 54e9ad3 ("Parse headers lazily")')  # kernel
    assert not fixes("Handle empty input", "We closed the gap in the docs.\nSee #12.")
    assert not fixes("Add prefix option", "prefixes: #3")


def test_fix_scope_is_configurable() -> None:
    whole = is_fix(RiskSettings(fix_scope="message"))
    assert whole("Refactor parser", REFACTOR_BODY)  # the behaviour before ADR 0021
    subject = is_fix(RiskSettings(fix_scope="subject"))
    assert not subject("Handle empty input", "Fixes: #12")
    assert subject("Fix crash on empty input", "")
    custom = RiskSettings(fix_trailer_patterns=[r"(?m)^Bug-Id: \d+"])
    assert is_fix(custom)("Handle empty input", "Bug-Id: 7")
    assert not is_fix(custom)("Handle empty input", "Fixes: #12")


def test_an_invalid_fix_scope_is_a_one_line_error(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("start", {"a.py": "a = 1\n"})
    repo.write("techlead.toml", '[risk]\nfix_scope = "body"\n')
    assert main(["risk", "changes", "-q", "-C", str(repo.path)]) == 2
    assert "risk.fix_scope" in capsys.readouterr().err


def _history(repo: GitRepo) -> dict[str, str]:
    """Old code, then a refactoring that says "fix" only in passing, a fix by its subject and
    a fix by its trailer, each changing a line another commit wrote."""
    lines = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(6))
    made = {
        "start": repo.commit(
            "Add the parser", {"parser.py": lines}, author=ANA, date="2024-01-01T12:00:00+00:00"
        )
    }
    steps = [
        ("refactor", f"Refactor parser\n\n{REFACTOR_BODY}", 0),
        ("subject", "Fix crash on empty input", 2),
        ("trailer", "Handle empty input\n\nFixes: #12", 4),
    ]
    text = lines
    for day, (name, message, function) in enumerate(steps, start=2):
        text = text.replace(f"return x + {function}\n", f"return x - {function}\n")
        made[name] = repo.commit(
            message, {"parser.py": text}, author=BEN, date=f"2024-01-0{day}T12:00:00+00:00"
        )
    return made


def test_fix_metric_and_szz_read_subjects_and_trailers(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    made = _history(repo)
    assert main(["risk", "changes", "-f", "json", "-q", "-C", str(repo.path)]) == 0
    rows = {row["commit"]: row for row in json.loads(capsys.readouterr().out)}
    fix = {name: rows[commit[:10]]["fix"] for name, commit in made.items()}
    assert fix == {"start": 0, "refactor": 0, "subject": 1, "trailer": 1}
    # both fixes changed lines of "Add the parser"; the refactoring blamed nobody
    assert rows[made["start"][:10]]["label"] == 1
    assert rows[made["refactor"][:10]]["label"] == 0


def test_review_does_not_call_a_refactoring_a_bug_fix(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    made = _history(repo)
    for commit, is_a_fix in ((made["refactor"], False), (made["trailer"], True)):
        argv = ["review", f"{commit}~1..{commit}", "-f", "json", "-q", "-C", str(repo.path)]
        main(argv)
        (reviewed,) = json.loads(capsys.readouterr().out)["commits"]
        said = "a bug fix: fixes are often followed by fixes" in reviewed["reasons"]
        assert said is is_a_fix, reviewed["reasons"]
