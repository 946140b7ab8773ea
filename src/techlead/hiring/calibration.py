"""Interviewer calibration over submitted scores: distributions, leniency against the panel,
inter-rater agreement (Krippendorff's alpha) and how scores relate to hires' later outcomes.

A unit is one competency of one candidate; when an interviewer scored it in two stages, their
mean counts once. Every figure comes with the number of scores or candidates behind it.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import polars as pl

SCALE = (1, 2, 3, 4)
YES = ("yes", "strong-yes")
Z95 = 1.96


@dataclass(frozen=True)
class InterviewerCalibration:
    interviewer: str
    scorecards: int
    candidates: int
    scores: int
    distribution: dict[int, int]
    mean: float
    yes_share: float | None
    shared: int  # units the panel scored too
    leniency: float | None  # mean of (own score - the others' mean) over shared units
    standard_error: float | None
    verdict: str
    outcome_n: int = 0
    outcome_rho: float | None = None


@dataclass(frozen=True)
class Agreement:
    competency: str  # "all" for every competency together
    alpha: float | None
    units: int  # units scored by two interviewers or more
    values: int  # scores in those units
    interviewers: int


@dataclass(frozen=True)
class Calibration:
    candidates: int
    interviewers: list[InterviewerCalibration]
    agreement: list[Agreement]
    hires_rated: int
    panel_outcome_rho: float | None


def units(scores: pl.DataFrame) -> pl.DataFrame:
    """One value per interviewer, candidate and competency (their mean over stages)."""
    return scores.group_by("candidate", "competency", "interviewer").agg(
        value=pl.col("score").mean()
    )


def leniency(unit_values: pl.DataFrame) -> pl.DataFrame:
    """Per interviewer value in a shared unit, its difference from the other raters' mean."""
    sums = unit_values.group_by("candidate", "competency").agg(
        total=pl.col("value").sum(), raters=pl.len()
    )
    return (
        unit_values.join(sums, on=["candidate", "competency"])
        .filter(pl.col("raters") > 1)
        .with_columns(
            difference=pl.col("value")
            - (pl.col("total") - pl.col("value")) / (pl.col("raters") - 1)
        )
    )


def krippendorff_alpha(unit_values: pl.DataFrame) -> Agreement:
    """Ordinal alpha over the units two interviewers or more scored."""
    shared = unit_values.filter(pl.len().over("candidate", "competency") > 1)
    raters = sorted(set(shared.get_column("interviewer").to_list()))
    keys = sorted(set(zip(shared["candidate"], shared["competency"], strict=True)))
    name = "all"
    if len(keys) == 0:
        return Agreement(name, None, 0, 0, len(raters))
    column = {key: index for index, key in enumerate(keys)}
    row = {rater: index for index, rater in enumerate(raters)}
    matrix = np.full((len(raters), len(keys)), np.nan)
    for rec in shared.iter_rows(named=True):
        matrix[row[rec["interviewer"]], column[(rec["candidate"], rec["competency"])]] = rec[
            "value"
        ]
    return Agreement(name, _alpha(matrix), len(keys), shared.height, len(raters))


def _alpha(matrix: np.ndarray) -> float | None:
    import krippendorff

    present = matrix[~np.isnan(matrix)]
    if len(np.unique(present)) < 2:
        return None  # no variation at all: agreement is undefined, not perfect
    domain = sorted(set(SCALE) | set(present.tolist()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = krippendorff.alpha(
            reliability_data=matrix, value_domain=domain, level_of_measurement="ordinal"
        )
    return None if math.isnan(value) else round(float(value), 4)


def spearman(x: list[float], y: list[float]) -> float | None:
    """Spearman's rank correlation; None for fewer than three pairs or no variation."""
    from scipy.stats import spearmanr

    if len(x) < 3 or len(set(x)) < 2 or len(set(y)) < 2:
        return None
    return round(float(spearmanr(x, y).statistic), 4)


def _verdict(shared: int, mean: float | None, error: float | None, min_shared: int) -> str:
    if shared < min_shared or mean is None:
        return "too few shared scores"
    # half a point on a 4-point scale, and clear of noise
    clear = error is None or abs(mean) > Z95 * error
    if mean >= 0.5 and clear:
        return "lenient"
    if mean <= -0.5 and clear:
        return "severe"
    return "in line"


def _interviewer(
    name: str, scores: pl.DataFrame, differences: pl.DataFrame, min_shared: int
) -> InterviewerCalibration:
    own = scores.filter(pl.col("interviewer") == name)
    cards = own.unique(["candidate", "stage"])
    said = cards.get_column("recommendation").drop_nulls().to_list()
    mine = differences.filter(pl.col("interviewer") == name).get_column("difference")
    shared = mine.len()
    mean = float(mine.mean()) if shared else None  # type: ignore[arg-type]
    error = float(mine.std()) / math.sqrt(shared) if shared > 1 else None  # type: ignore[arg-type]
    outcome = _outcome_pairs(own)
    return InterviewerCalibration(
        interviewer=name,
        scorecards=cards.height,
        candidates=own.get_column("candidate").n_unique(),
        scores=own.height,
        distribution={s: int((own.get_column("score") == s).sum()) for s in SCALE},
        mean=round(float(own.get_column("score").mean()), 2),  # type: ignore[arg-type]
        yes_share=round(sum(r in YES for r in said) / len(said), 4) if said else None,
        shared=shared,
        leniency=round(mean, 3) if mean is not None else None,
        standard_error=round(error, 3) if error is not None else None,
        verdict=_verdict(shared, mean, error, min_shared),
        outcome_n=len(outcome[0]),
        outcome_rho=spearman(*outcome),
    )


def _outcome_pairs(scores: pl.DataFrame) -> tuple[list[float], list[float]]:
    """(mean score, later outcome) per rated hire in `scores`."""
    rated = (
        scores.filter(pl.col("outcome").is_not_null())
        .group_by("candidate")
        .agg(mean=pl.col("score").mean(), outcome=pl.col("outcome").first())
        .sort("candidate")
    )
    return rated.get_column("mean").to_list(), rated.get_column("outcome").to_list()


def calibrate(scores: pl.DataFrame, min_shared: int = 5) -> Calibration:
    """Calibration of every interviewer in `scores` (see `submitted_scores`)."""
    unit_values = units(scores)
    differences = leniency(unit_values)
    names = sorted(set(scores.get_column("interviewer").to_list()))
    agreement = [krippendorff_alpha(unit_values)]
    for competency in sorted(set(scores.get_column("competency").to_list())):
        one = krippendorff_alpha(unit_values.filter(pl.col("competency") == competency))
        agreement.append(Agreement(competency, one.alpha, one.units, one.values, one.interviewers))
    outcome = _outcome_pairs(scores)
    return Calibration(
        candidates=scores.get_column("candidate").n_unique(),
        interviewers=[_interviewer(n, scores, differences, min_shared) for n in names],
        agreement=agreement,
        hires_rated=len(outcome[0]),
        panel_outcome_rho=spearman(*outcome),
    )
