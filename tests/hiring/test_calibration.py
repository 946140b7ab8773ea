"""Calibration statistics against values computed by hand on small panels."""

from __future__ import annotations

import math

import polars as pl
import pytest

from techlead.hiring.calibration import calibrate, spearman
from techlead.hiring.scorecards import SCORE_SCHEMA


def scores(rows: list[tuple[int, str, str, int, str | None, float | None]]) -> pl.DataFrame:
    """(candidate, interviewer, competency, score, recommendation, outcome) rows."""
    return pl.DataFrame(
        [
            (c, "backend-l3", "hired" if o else "active", o, who, "technical", rec, comp, s)
            for c, who, comp, s, rec, o in rows
        ],
        schema=SCORE_SCHEMA,
        orient="row",
    )


# Two interviewers, three shared units: X scores (1, 3, 2), Y scores (2, 3, 4).
PANEL = scores(
    [
        (1, "x", "debugging", 1, "no", None),
        (1, "y", "debugging", 2, "yes", None),
        (2, "x", "debugging", 3, "yes", None),
        (2, "y", "debugging", 3, "yes", None),
        (3, "x", "debugging", 2, "no", None),
        (3, "y", "debugging", 4, "strong-yes", None),
    ]
)


def test_ordinal_alpha_matches_the_hand_computed_coincidence_matrix() -> None:
    # Coincidences: (1,2) and (2,1) once, (3,3) twice, (2,4) and (4,2) once; n = 6 with
    # n1 = 1, n2 = 2, n3 = 2, n4 = 1. Ordinal distances: d12 = 1.5^2, d24 = 3.5^2, so
    # Do = (2 * 2.25 + 2 * 12.25) / 6 = 29/6; De = 2 * 99 / (6 * 5) = 6.6.
    result = calibrate(PANEL, min_shared=1)
    overall = result.agreement[0]
    assert overall.competency == "all"
    assert overall.alpha == pytest.approx(1 - (29 / 6) / 6.6, abs=1e-4)
    assert (overall.units, overall.values, overall.interviewers) == (3, 6, 2)


def test_leniency_is_the_mean_difference_from_the_rest_of_the_panel_with_its_error() -> None:
    result = calibrate(PANEL, min_shared=1)
    x, y = result.interviewers
    # X: 1-2, 3-3, 2-4 = -1, 0, -2 -> mean -1, sd 1, standard error 1/sqrt(3)
    assert x.leniency == -1.0
    assert x.standard_error == pytest.approx(1 / math.sqrt(3), abs=1e-3)
    assert y.leniency == 1.0
    assert x.shared == y.shared == 3
    # one point below the panel, but within the noise of three scores
    assert x.verdict == "in line"


def test_distribution_mean_and_share_of_yes_per_interviewer() -> None:
    x, y = calibrate(PANEL).interviewers
    assert x.distribution == {1: 1, 2: 1, 3: 1, 4: 0}
    assert (x.mean, y.mean) == (2.0, 3.0)
    assert x.yes_share == pytest.approx(1 / 3, abs=1e-4)
    assert y.yes_share == 1.0
    assert (x.scorecards, x.candidates, x.scores) == (3, 3, 3)


def test_a_consistently_severe_interviewer_is_called_severe_once_enough_scores_are_shared() -> None:
    rows = []
    for candidate in range(1, 7):
        rows += [
            (candidate, "harsh", "testing", 1 + candidate % 2, "no", None),
            (candidate, "kind", "testing", 3 + candidate % 2, "yes", None),
            (candidate, "mid", "testing", 2 + candidate % 2, "yes", None),
        ]
    result = calibrate(scores(rows), min_shared=5)
    verdicts = {i.interviewer: (i.leniency, i.verdict) for i in result.interviewers}
    # harsh is always 1 below mid and 2 below kind: -1.5 against the others' mean
    assert verdicts["harsh"] == (-1.5, "severe")
    assert verdicts["kind"] == (1.5, "lenient")
    assert verdicts["mid"] == (0.0, "in line")
    assert calibrate(scores(rows), min_shared=7).interviewers[0].verdict == (
        "too few shared scores"
    )


def test_three_raters_on_a_unit_compare_each_with_the_mean_of_the_other_two() -> None:
    result = calibrate(
        scores(
            [
                (1, "a", "debugging", 1, "no", None),
                (1, "b", "debugging", 2, "no", None),
                (1, "c", "debugging", 4, "yes", None),
            ]
        )
    )
    lenient = {i.interviewer: i.leniency for i in result.interviewers}
    assert lenient == {"a": -2.0, "b": -0.5, "c": 2.5}


def test_one_interviewer_scoring_a_unit_in_two_stages_counts_once_as_their_mean() -> None:
    frame = pl.concat(
        [
            PANEL,
            scores([(1, "x", "debugging", 3, "no", None)]).with_columns(stage=pl.lit("screen")),
        ]
    )
    x = calibrate(frame, min_shared=1).interviewers[0]
    # X's unit 1 is now (1 + 3) / 2 = 2: differences 0, 0, -2
    assert x.leniency == pytest.approx(-2 / 3, abs=1e-3)
    assert x.scorecards == 4


def test_agreement_is_undefined_without_shared_units_or_without_variation() -> None:
    lone = calibrate(scores([(1, "x", "testing", 2, "no", None)]))
    assert lone.agreement[0].alpha is None
    assert lone.agreement[0].units == 0
    assert lone.interviewers[0].leniency is None
    same = calibrate(
        scores([(1, "x", "testing", 3, "yes", None), (1, "y", "testing", 3, "yes", None)])
    )
    assert same.agreement[0].alpha is None  # no variation: not "perfect agreement"
    assert same.agreement[0].units == 1


def test_outcomes_are_ranked_against_scores_with_their_sample_size() -> None:
    # panel means 2, 3, 4 against later ratings 1, 3, 2: d = 0, -1, 1 -> 1 - 6*2/(3*8) = 0.5
    rows = [
        (1, "x", "testing", 2, "no", 1.0),
        (2, "x", "testing", 3, "yes", 3.0),
        (3, "x", "testing", 4, "yes", 2.0),
        (4, "x", "testing", 1, "no", None),
    ]
    result = calibrate(scores(rows))
    assert result.hires_rated == 3
    assert result.panel_outcome_rho == 0.5
    assert (result.interviewers[0].outcome_rho, result.interviewers[0].outcome_n) == (0.5, 3)


def test_spearman_needs_three_pairs_and_variation() -> None:
    assert spearman([1.0, 2.0], [1.0, 2.0]) is None
    assert spearman([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) is None
    assert spearman([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]) == -1.0
