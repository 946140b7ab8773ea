"""What made `risk evaluate` and `risk train` fast changes none of their answers: SZZ's diffs
from one git process and its commit-graph, folds of different gaps sharing a fit, the kept
evaluation; and EXP counts the author's commits in the author-time order `risk changes` shows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from gitrepo import GitRepo
from techlead.cli import main
from techlead.config import load_settings
from techlead.history.scan import scan
from techlead.risk import evaluate as evaluate_module
from techlead.risk.evaluate import MIN_DEFECTIVE, MIN_TRAINING, cached_evaluation, evaluate
from techlead.risk.features import METRICS
from techlead.risk.model import MODELS, Scores, build, scores
from techlead.risk.szz import blame_fixes

ANA = "Ana <ana@acme.test>"
BEN = "Ben <ben@acme.test>"


def _labelled(rows: int = 500, seed: int = 3) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    la = rng.integers(1, 400, rows).astype(float)
    data = {name: rng.integers(0, 50, rows).astype(float) for name in METRICS}
    data["la"] = la
    return (
        pl.DataFrame(data)
        .with_columns(
            time=pl.Series([1_500_000_000 + i * 43_200 for i in range(rows)]).cast(pl.Int64) * 1e6,
            label=pl.Series((rng.random(rows) < np.minimum(0.05 + la / 500, 0.9)).astype(int)),
        )
        .with_columns(pl.col("time").cast(pl.Int64).cast(pl.Datetime("us", "UTC")))
    )


def _one_fit_per_fold(
    frame: pl.DataFrame, gaps: list[int], period_days: int
) -> list[tuple[int, str, Scores]]:
    """The walk forward as it was first written: a new model for every fold of every gap."""
    frame = frame.sort("time")
    x = frame.select(METRICS).to_numpy().astype(np.float64)
    y = frame.get_column("label").to_numpy()
    times = frame.get_column("time").dt.epoch("s").to_numpy()
    effort = np.maximum(x[:, METRICS.index("la")] + x[:, METRICS.index("ld")], 1.0)
    period = period_days * 86_400
    found = []
    for gap in gaps:
        folds = []
        start = times[0] + gap * 86_400
        while start <= times[-1]:
            train = times < start - gap * 86_400
            test = (times >= start) & (times < start + period)
            start += period
            if (
                train.sum() >= MIN_TRAINING
                and y[train].sum() >= MIN_DEFECTIVE
                and 0 < y[train].sum() < train.sum()
                and y[test].sum() > 0
            ):
                folds.append((train, test))
        for name in MODELS:
            for train, test in folds:
                model = build(name)
                model.fit(x[train], y[train])
                risk = model.predict_proba(x[test])[:, 1]
                found.append((gap, name, scores(y[test], risk, effort[test], 0.2)))
    return found


def test_folds_sharing_a_fit_give_the_same_measures() -> None:
    frame = _labelled()
    gaps = [30, 60, 45]  # 30 and 60 are whole periods apart, 45 is not
    evaluation = evaluate(frame, gaps, 30, 0.2)
    reference = _one_fit_per_fold(frame, gaps, 30)
    assert [(r.gap_days, r.model) for r in evaluation.results] == [
        (gap, name) for gap in gaps for name in MODELS
    ]
    for result in evaluation.results:
        mine = [s for gap, name, s in reference if (gap, name) == (result.gap_days, result.model)]
        assert result.periods == len(mine) >= 3
        assert result.auc == pytest.approx(np.mean([s.auc for s in mine]), abs=1e-12)
        assert result.popt == pytest.approx(np.mean([s.popt for s in mine]), abs=1e-12)
        assert result.ifa == pytest.approx(np.mean([s.ifa for s in mine]), abs=1e-12)


def test_an_evaluation_is_kept_for_the_same_data_and_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = _labelled(450)
    first = cached_evaluation(frame, [30], 30, 0.2, tmp_path)

    def evaluated_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("evaluated again")

    monkeypatch.setattr(evaluate_module, "evaluate", evaluated_again)
    assert cached_evaluation(frame, [30], 30, 0.2, tmp_path) == first
    for changed in (
        lambda: cached_evaluation(frame, [60], 30, 0.2, tmp_path),  # settings
        lambda: cached_evaluation(frame, [30], 30, 0.3, tmp_path),
        lambda: cached_evaluation(  # one label
            frame.with_columns(label=pl.col("label").shift(1, fill_value=0)),
            [30],
            30,
            0.2,
            tmp_path,
        ),
    ):
        with pytest.raises(AssertionError, match="evaluated again"):
            changed()


def test_train_after_evaluate_reads_the_kept_evaluation(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _history_with_fixes(repo)
    argv = ["-q", "-C", str(repo.path)]
    assert main(["risk", "evaluate", "-f", "json", *argv]) == 0
    evaluated = capsys.readouterr().out

    def evaluated_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("evaluated again")

    monkeypatch.setattr(evaluate_module, "evaluate", evaluated_again)
    assert main(["risk", "evaluate", "-f", "json", *argv]) == 0
    assert capsys.readouterr().out == evaluated
    # too small to train on, but it got that far without evaluating again
    assert main(["risk", "train", *argv]) == 2
    assert "no period had enough history" in capsys.readouterr().err


def _history_with_fixes(repo: GitRepo) -> dict[str, str]:
    """Three files written by Ana; fixes by Ben change some of her lines in one, two or three
    files; an empty fix and a whitespace-only fix blame nothing."""
    text = {f"m{k}.py": "".join(f"v{i} = {i}\n" for i in range(8)) for k in range(3)}
    made = {
        "start": repo.commit(
            "Add modules", dict(text), author=ANA, date="2024-01-01T12:00:00+00:00"
        )
    }
    made["more"] = repo.commit(
        "Add more",
        {"m0.py": text["m0.py"] + "w = 1\n"},
        author=ANA,
        date="2024-01-02T12:00:00+00:00",
    )
    text["m0.py"] += "w = 1\n"
    plan = [("fix one", ["m0.py"], "w = 1\n"), ("fix two", ["m1.py", "m2.py"], "v3 = 3\n")]
    for day, (name, paths, line) in enumerate(plan, start=3):
        for path in paths:
            text[path] = text[path].replace(line, line.replace("=", "=  -"))
        made[name] = repo.commit(
            f"Fix {name}",
            {p: text[p] for p in paths},
            author=BEN,
            date=f"2024-01-0{day}T12:00:00+00:00",
        )
    made["empty"] = repo.commit(
        "Fix nothing", author=BEN, date="2024-01-06T12:00:00+00:00", allow_empty=True
    )
    spaced = text["m1.py"].replace("v0 = 0", "v0  =  0")
    made["spaces"] = repo.commit(
        "Fix spacing", {"m1.py": spaced}, author=BEN, date="2024-01-07T12:00:00+00:00"
    )
    return made


def test_szz_from_one_diff_process_blames_what_it_did_fix_by_fix(repo: GitRepo) -> None:
    made = _history_with_fixes(repo)
    settings = load_settings(repo.path)
    history = scan(repo.path, settings).history
    parents = dict(history.commits.select("commit", pl.col("parents").list.first()).iter_rows())
    fixes = [(made[n], parents[made[n]]) for n in ("fix one", "fix two", "empty", "spaces")]
    cache = repo.path / ".techlead" / "szz-test"
    advanced: list[int] = []
    found = blame_fixes(history.repo, fixes, cache, advanced.append)
    assert sorted(found.rows()) == sorted(
        [
            (made["fix one"], made["more"], "m0.py", 1),
            (made["fix two"], made["start"], "m1.py", 1),
            (made["fix two"], made["start"], "m2.py", 1),
        ]
    )
    assert advanced == [1, 1, 1, 1]
    again: list[int] = []
    assert blame_fixes(history.repo, fixes, cache, again.append).equals(found)
    assert again == []  # every fix kept: nothing blamed twice
    assert not (repo.path / ".git" / "objects" / "info" / "commit-graph").exists()


def test_exp_counts_in_author_time_order(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    """Ana's second commit in git order was authored first (a rebase kept its date): it is her
    first change, and the table, newest first, shows her experience growing with time."""
    march = repo.commit("one", {"a.py": "a = 1\n"}, author=ANA, date="2020-03-01T12:00:00+00:00")
    january = repo.commit(
        "two", {"lib/b.py": "b = 1\n"}, author=ANA, date="2020-01-01T12:00:00+00:00"
    )
    april = repo.commit(
        "three", {"lib/c.py": "c = 1\n"}, author=ANA, date="2020-04-01T12:00:00+00:00"
    )
    assert main(["risk", "changes", "-f", "json", "-q", "-C", str(repo.path)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["commit"] for row in rows] == [c[:10] for c in (april, march, january)]
    assert [row["exp"] for row in rows] == [2, 1, 0]
    assert [row["sexp"] for row in rows] == [1, 0, 0]  # lib/: January's commit came before
