"""Time-aware evaluation: train on the past, test on the next period, walking forward.

For a test period starting at T, the model learns from the changes made before T - W, where
W is the label latency (gap): a younger change may not have shown its bug yet, so its label
would be wrong. Periods with too few changes to learn from or without a defect-inducing change
to find are skipped. Every measure is the mean over the periods evaluated.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

from techlead.errors import TechleadError
from techlead.risk.features import METRICS
from techlead.risk.model import MODELS, Scores, build, effort_of, scores

MIN_TRAINING = 200  # changes
MIN_DEFECTIVE = 20  # defect-inducing changes among them


class EvaluationError(TechleadError):
    """The data cannot be evaluated (too little of it, no labels, a malformed file)."""


@dataclass(frozen=True)
class Result:
    """One model at one gap: the mean measures over the periods tested."""

    model: str
    gap_days: int
    periods: int
    tested: int
    defective_share: float | None  # None: no period could be tested
    auc: float | None
    f1: float | None
    recall_at_effort: float | None
    effort_at_recall: float | None
    popt: float | None
    ifa: float | None


@dataclass(frozen=True)
class Evaluation:
    changes: int
    defective: int
    first: dt.datetime
    last: dt.datetime
    period_days: int
    effort_share: float
    results: list[Result] = field(default_factory=list)

    def best(self) -> str | None:
        """The better of logistic regression and random forest: mean AUC over the gaps (None
        when neither could be tested)."""

        def mean_auc(model: str) -> float:
            values = [r.auc for r in self.results if r.model == model and r.auc is not None]
            return statistics.fmean(values) if values else -1.0

        best = max(("lr", "rf"), key=mean_auc)
        return best if mean_auc(best) >= 0 else None


def evaluate(
    frame: pl.DataFrame,
    gaps: Sequence[int],
    period_days: int,
    effort_share: float,
    models: Sequence[str] = MODELS,
    progress: Callable[[int], None] | None = None,
) -> Evaluation:
    """Walk forward through `frame` (columns: the 14 metrics, `time`, `label`)."""
    frame = frame.drop_nulls(["time", "label"]).sort("time")
    if frame.height == 0:
        raise EvaluationError("no labelled changes to evaluate")
    if frame.get_column("label").sum() == 0:
        raise EvaluationError(
            "no change is labelled defect-inducing: nothing to learn",
            hint="on a repository, SZZ needs fix commits ([risk] fix_patterns) that change "
            "older code",
        )
    x = frame.select(METRICS).to_numpy().astype(np.float64)
    y = frame.get_column("label").cast(pl.Int64).to_numpy()
    times = frame.get_column("time").dt.epoch("s").to_numpy()
    effort = effort_of(x)
    period = period_days * 86_400
    evaluation = Evaluation(
        frame.height,
        int(y.sum()),
        frame.get_column("time").min(),  # type: ignore[arg-type]
        frame.get_column("time").max(),  # type: ignore[arg-type]
        period_days,
        effort_share,
    )
    planned = {gap: _folds(times, y, gap, period) for gap in gaps}
    for name in models:
        found = _fit_and_score(name, x, y, effort, effort_share, planned, progress)
        for gap in gaps:
            scored = found[gap]
            tested = sum(count for _, count, _ in scored)
            defective = sum(bad for _, _, bad in scored)
            result = _mean(name, gap, [s for s, _, _ in scored], tested, defective)
            evaluation.results.append(result)
    order = {gap: i for i, gap in enumerate(gaps)}
    evaluation.results.sort(key=lambda r: order[r.gap_days])  # by gap, then model
    return evaluation


EVALUATION_FORMAT = "2"  # of the kept evaluations: bump when the measures change


def evaluation_key(
    frame: pl.DataFrame,
    gaps: Sequence[int],
    period_days: int,
    effort_share: float,
    models: Sequence[str] = MODELS,
) -> str:
    """What an evaluation depends on: the labelled changes themselves (so the history, the
    fix settings, SZZ and the imported bug reports are all in it) and the settings."""
    import hashlib

    digest = hashlib.sha1(usedforsecurity=False)
    settings = [EVALUATION_FORMAT, *map(str, gaps), "/", str(period_days), repr(effort_share)]
    digest.update("\0".join([*settings, "/", *models]).encode())
    data = frame.select(*METRICS, pl.col("time").dt.epoch("us"), pl.col("label").cast(pl.Int64))
    for column in data.iter_columns():
        digest.update(column.to_numpy().tobytes())
        digest.update(b"\0" if column.null_count() == 0 else column.is_null().to_numpy().tobytes())
    return digest.hexdigest()[:16]


def cached_evaluation(
    frame: pl.DataFrame,
    gaps: Sequence[int],
    period_days: int,
    effort_share: float,
    cache: Path,
    progress: Callable[[int], None] | None = None,
) -> Evaluation:
    """`evaluate`, kept in `cache` under `evaluation_key`: `risk train` right after `risk
    evaluate` (same history and settings) reads the evaluation instead of making it again."""
    import pickle

    file = cache / f"evaluation-{evaluation_key(frame, gaps, period_days, effort_share)}.pkl"
    try:
        with file.open("rb") as handle:
            kept = pickle.load(handle)
        if isinstance(kept, Evaluation):
            return kept
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        pass  # none yet, or unreadable: evaluated below
    evaluation = evaluate(frame, gaps, period_days, effort_share, progress=progress)
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob("evaluation-*.pkl"):
        old.unlink(missing_ok=True)
    partial = file.with_suffix(".partial")
    with partial.open("wb") as handle:
        pickle.dump(evaluation, handle)
    partial.replace(file)
    return evaluation


Fold = tuple[int, npt.NDArray[np.bool_]]  # training rows (the oldest n), test rows


def _folds(
    times: npt.NDArray[np.int64], y: npt.NDArray[np.int64], gap: int, period: int
) -> list[Fold]:
    """The test periods of one gap that can be evaluated, oldest first. The rows are sorted
    by time, so a period's training set is always the oldest `n` rows."""
    folds: list[Fold] = []
    start = times[0] + gap * 86_400
    while start <= times[-1]:
        n = int(np.searchsorted(times, start - gap * 86_400, side="left"))
        test = (times >= start) & (times < start + period)
        start += period
        learned = int(y[:n].sum())
        if n >= MIN_TRAINING and learned >= MIN_DEFECTIVE and learned < n and y[test].sum() > 0:
            folds.append((n, test))
    return folds


def _fit_and_score(
    name: str,
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.int64],
    effort: npt.NDArray[np.float64],
    effort_share: float,
    planned: dict[int, list[Fold]],
    progress: Callable[[int], None] | None,
) -> dict[int, list[tuple[Scores, int, int]]]:
    """Scores of model `name` on every planned fold, per gap in fold order. Folds of different
    gaps that learn from the same rows share one fit (the models are seeded, so a second fit
    would be the same model): with gaps a whole number of periods apart that is most of them."""
    by_training: dict[int, list[tuple[int, int]]] = {}
    for gap, folds in planned.items():
        for index, (n, _) in enumerate(folds):
            by_training.setdefault(n, []).append((gap, index))
    found: dict[int, list[tuple[Scores, int, int] | None]] = {
        gap: [None] * len(folds) for gap, folds in planned.items()
    }
    for n in sorted(by_training):
        model = build(name)
        model.fit(x[:n], y[:n])
        for gap, index in by_training[n]:
            test = planned[gap][index][1]
            risk = model.predict_proba(x[test])[:, 1]
            scored = scores(y[test], risk, effort[test], effort_share)
            found[gap][index] = (scored, int(test.sum()), int(y[test].sum()))
            if progress is not None:
                progress(1)
    return {gap: [item for item in items if item is not None] for gap, items in found.items()}


def _mean(name: str, gap: int, found: list[Scores], tested: int, defective: int) -> Result:
    if not found:
        return Result(name, gap, 0, 0, None, None, None, None, None, None, None)
    aucs = [s.auc for s in found if s.auc is not None]
    return Result(
        name,
        gap,
        len(found),
        tested,
        defective / tested if tested else 0.0,
        statistics.fmean(aucs) if aucs else None,
        statistics.fmean(s.f1 for s in found),
        statistics.fmean(s.recall_at_effort for s in found),
        statistics.fmean(s.effort_at_recall for s in found),
        statistics.fmean(s.popt for s in found),
        statistics.fmean(s.ifa for s in found),
    )


def folds_planned(frame: pl.DataFrame, gaps: Sequence[int], period_days: int) -> int:
    """An upper bound of the model fits `evaluate` makes (for a progress bar)."""
    if frame.height == 0:
        return 0
    seconds = frame.get_column("time").dt.epoch("s")
    days = (int(seconds.max()) - int(seconds.min())) // 86_400  # type: ignore[arg-type]
    return sum(max((days - gap) // period_days + 1, 0) for gap in gaps) * len(MODELS)


_ALIASES = {"entrophy": "entropy"}
_DATES = ("date", "author_date", "commit_date", "time", "timestamp", "author_time")
_LABELS = ("bug", "buggy", "contains_bug", "is_buggy", "defective", "label")


def read_features(
    path: str, date_column: str | None, label_column: str | None
) -> tuple[pl.DataFrame, int]:
    """An external dataset: a CSV with the 14 metrics (any case; `entrophy` accepted), a date
    (Unix seconds, milliseconds or ISO 8601) and a 0/1 (or true/false) label. Rows with an
    empty or NaN metric are left out; how many is returned beside the data."""
    if not Path(path).is_file():
        raise EvaluationError(f"{path}: no such file")
    try:
        raw = pl.read_csv(path, infer_schema_length=10_000)
    except (OSError, pl.exceptions.PolarsError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EvaluationError(f"{path}: cannot read as CSV: {first}") from None
    names = {_ALIASES.get(c.strip().lower(), c.strip().lower()): c for c in raw.columns}
    missing = [m for m in METRICS if m not in names]
    if missing:
        raise EvaluationError(f"{path}: no column for {', '.join(missing)}")
    date = _pick(path, names, date_column, _DATES, "date", "--date-column")
    label = _pick(path, names, label_column, _LABELS, "label", "--label-column")
    if label in {names[m] for m in METRICS}:
        raise EvaluationError(f"{path}: the label column {label!r} is one of the 14 metrics")
    try:
        frame = raw.select(
            *(pl.col(names[m]).cast(pl.Float64).alias(m) for m in METRICS),
            _time(raw.get_column(date)).alias("time"),
            _label(raw.get_column(label)).alias("label"),
        )
    except (pl.exceptions.PolarsError, ValueError, OverflowError) as exc:
        raise EvaluationError(f"{path}: {exc}".splitlines()[0]) from None
    for metric in METRICS:
        negative = frame.filter(pl.col(metric) < 0).height
        if negative:
            raise EvaluationError(
                f"{path}: column {names[metric]!r} has {negative} negative values"
            )
    complete = frame.filter(
        pl.all_horizontal(pl.col(m).is_not_null() & pl.col(m).is_not_nan() for m in METRICS)
    )
    return complete, frame.height - complete.height


def _pick(
    path: str,
    names: dict[str, str],
    given: str | None,
    usual: tuple[str, ...],
    what: str,
    option: str,
) -> str:
    if given is not None:
        for column in names.values():
            if column.strip().lower() == given.strip().lower():
                return column
        raise EvaluationError(f"{path}: no column {given!r} ({option})")
    for name in usual:
        if name in names:
            return names[name]
    raise EvaluationError(f"{path}: which column is the {what}? name it with {option}")


def _time(column: pl.Series) -> pl.Series:
    if column.dtype.is_numeric():
        seconds = column.cast(pl.Float64)
        largest = seconds.abs().max()
        if isinstance(largest, float) and largest > 1e14:  # microseconds
            seconds = seconds / 1_000_000
        elif isinstance(largest, float) and largest > 1e11:  # milliseconds (past year 5138 in s)
            seconds = seconds / 1_000
        return (seconds * 1_000_000).cast(pl.Int64).cast(pl.Datetime("us", "UTC"))
    return column.cast(pl.String).str.to_datetime(time_zone="UTC", time_unit="us")


def _label(column: pl.Series) -> pl.Series:
    if column.dtype == pl.Boolean:
        return column.cast(pl.Int64)
    if column.dtype.is_numeric():
        values = column.cast(pl.Float64)
        if not values.drop_nulls().is_in([0.0, 1.0]).all():
            raise ValueError(f"label column {column.name!r} holds values other than 0 and 1")
        return values.cast(pl.Int64)
    text = column.cast(pl.String).str.to_lowercase().str.strip_chars()
    known = {"true": 1, "false": 0, "1": 1, "0": 0, "yes": 1, "no": 0}
    if not text.drop_nulls().is_in(list(known)).all():
        raise ValueError(f"label column {column.name!r}: use 0/1 or true/false")
    return text.replace_strict(known, return_dtype=pl.Int64)
