"""Sprint capacity: the items the team can expect to finish in a sprint, given who is away.

The team's daily throughput is resampled as for a forecast; absences thin each simulated
day's items in proportion to the person-days available (each item is kept with probability
equal to the availability), which is how a team with one of five people away finishes about
four fifths of its usual work.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from techlead.planning.forecast import PERCENTILES, ForecastError, items_finished
from techlead.planning.throughput import Counts


@dataclass(frozen=True)
class Capacity:
    sprint_days: int
    team_size: int
    absent_days: float
    availability: float
    full_team: dict[int, int]  # percentile -> items, everyone present
    expected: dict[int, int]  # percentile -> items, with the absences


def sprint_capacity(
    throughput: Counts,
    sprint_days: int,
    team_size: int,
    absences: dict[str, float],
    trials: int,
    seed: int,
) -> Capacity:
    if sprint_days < 1:
        raise ForecastError("--sprint-days must be at least 1")
    if team_size < 1:
        raise ForecastError("--team-size must be at least 1")
    for name, days in absences.items():
        if not 0 <= days <= sprint_days:
            raise ForecastError(
                f"--absence {name}:{days:g}: between 0 and the sprint's {sprint_days} days"
            )
    absent = float(sum(absences.values()))
    person_days = team_size * sprint_days
    if absent > person_days:
        raise ForecastError(
            f"{absent:g} days of absence exceed the sprint's {person_days} person-days "
            f"({team_size} people x {sprint_days} days)"
        )
    rng = np.random.default_rng(seed)
    finished = items_finished(throughput, sprint_days, trials, rng)
    availability = 1 - absent / person_days
    thinned = rng.binomial(finished, availability)
    return Capacity(
        sprint_days,
        team_size,
        absent,
        availability,
        {q: _at_least(finished, q) for q in PERCENTILES},
        {q: _at_least(thinned, q) for q in PERCENTILES},
    )


def _at_least(counts: Counts, likelihood: int) -> int:
    """The count reached in `likelihood`% of trials."""
    return int(np.percentile(counts, 100 - likelihood, method="inverted_cdf"))
