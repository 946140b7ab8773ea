"""Models of defect risk over the 14 change metrics, and the effort-aware measures of a ranking.

* `lr`: logistic regression on Kamei's preprocessing (LA and LD relative to LT, LT and NUC per
  file, ND and REXP dropped as collinear, log1p, standardised), classes balanced.
* `rf`: a random forest on the 14 metrics as they are: 100 trees, each grown on a bootstrap
  sample half the size of the training set, classes balanced per tree (ADR 0024).
* `la`: LApredict, the baseline: logistic regression on log1p(LA) alone.

Rankings put the changes with the highest risk per line first (probability / effort, effort =
LA + LD, at least 1): the order a reviewer with limited time would read them in.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from techlead.risk.features import METRICS

Array = npt.NDArray[np.float64]
MODELS = ("lr", "rf", "la")
_COLUMN = {name: i for i, name in enumerate(METRICS)}


def _kamei(x: Array) -> Array:
    """Kamei's normalisation: relative churn, size per file; ND and REXP left out."""
    c = _COLUMN
    lt = np.maximum(x[:, c["lt"]], 1.0)
    nf = np.maximum(x[:, c["nf"]], 1.0)
    columns = [
        x[:, c["ns"]],
        x[:, c["nf"]],
        x[:, c["entropy"]],
        x[:, c["la"]] / lt,
        x[:, c["ld"]] / lt,
        x[:, c["lt"]] / nf,
        x[:, c["fix"]],
        x[:, c["ndev"]],
        x[:, c["age"]],
        x[:, c["nuc"]] / nf,
        x[:, c["exp"]],
        x[:, c["sexp"]],
    ]
    return np.log1p(np.maximum(np.column_stack(columns), 0.0))


def _added(x: Array) -> Array:
    return np.log1p(np.maximum(x[:, [_COLUMN["la"]]], 0.0))


def build(name: str, seed: int = 0) -> Any:
    """An unfitted scikit-learn model by name (`lr`, `rf` or `la`)."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    if name == "rf":
        return RandomForestClassifier(
            n_estimators=100,
            max_samples=0.5,
            min_samples_leaf=10,
            max_features=0.5,
            class_weight="balanced_subsample",
            n_jobs=-1,
            random_state=seed,
        )
    transform = _kamei if name == "lr" else _added
    return make_pipeline(
        FunctionTransformer(transform),
        StandardScaler(),
        LogisticRegression(class_weight="balanced", max_iter=2000),
    )


@dataclass(frozen=True)
class Scores:
    """How well a ranking of changes finds the defect-inducing ones."""

    auc: float | None
    f1: float
    recall_at_effort: float
    effort_at_recall: float
    popt: float
    ifa: int


def effort_of(x: Array) -> Array:
    return np.maximum(x[:, _COLUMN["la"]] + x[:, _COLUMN["ld"]], 1.0)


def scores(labels: npt.NDArray[np.int_], risk: Array, effort: Array, share: float) -> Scores:
    """AUC and F1 (risk >= 0.5) of the probabilities; Recall@share·Effort, Effort@share·Recall,
    Popt and IFA of the ranking by risk per unit of effort."""
    from sklearn.metrics import f1_score, roc_auc_score

    y = labels.astype(int)
    auc = float(roc_auc_score(y, risk)) if 0 < y.sum() < len(y) else None
    f1 = float(f1_score(y, (risk >= 0.5).astype(int), zero_division=0))
    order = np.lexsort((effort, -risk / effort))  # denser first; ties: smaller first
    found = np.cumsum(y[order]) / max(int(y.sum()), 1)
    spent = np.cumsum(effort[order]) / effort.sum()
    within = spent <= share + 1e-12
    recall = float(found[within][-1]) if within.any() else 0.0
    reached = np.nonzero(found >= share - 1e-12)[0]
    effort_needed = float(spent[reached[0]]) if len(reached) and y.sum() else 1.0
    hits = np.nonzero(y[order])[0]
    ifa = int(hits[0]) if len(hits) else len(y)
    return Scores(auc, f1, recall, effort_needed, _popt(y, effort, order), ifa)


def _area(y: npt.NDArray[np.int_], effort: Array, order: npt.NDArray[np.int_]) -> float:
    """Area under cumulative share of defects found against share of effort spent."""
    x = np.concatenate([[0.0], np.cumsum(effort[order]) / effort.sum()])
    found = np.concatenate([[0.0], np.cumsum(y[order]) / max(int(y.sum()), 1)])
    return float(np.sum((x[1:] - x[:-1]) * (found[1:] + found[:-1]) / 2))


def _popt(y: npt.NDArray[np.int_], effort: Array, order: npt.NDArray[np.int_]) -> float:
    if not y.sum():
        return 0.0
    best = np.lexsort((effort, -y))  # defective first, cheapest first
    worst = np.lexsort((-effort, y))  # clean first, dearest first
    optimal, model, pessimal = (_area(y, effort, o) for o in (best, order, worst))
    if optimal == pessimal:
        return 1.0
    return 1 - (optimal - model) / (optimal - pessimal)


MODEL_FILE = "risk-model.pkl"


def save_model(cache: Path, model: Any, name: str) -> None:
    """Keep a fitted model in the repository's cache (written and read only by techlead)."""
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / (MODEL_FILE + ".partial")
    with partial.open("wb") as handle:
        pickle.dump({"model": model, "name": name}, handle)
    partial.replace(cache / MODEL_FILE)


def load_model(cache: Path) -> tuple[Any, str] | None:
    """The model `risk train` kept, and its name; None when there is none (or it is unreadable)."""
    try:
        with (cache / MODEL_FILE).open("rb") as handle:
            stored = pickle.load(handle)
        return stored["model"], str(stored["name"])
    except (OSError, pickle.UnpicklingError, EOFError, KeyError, AttributeError, TypeError):
        return None


EVALUATION_FILE = "risk-evaluation.json"


def load_evaluation(cache: Path) -> dict[str, Any] | None:
    """The evaluation `risk train` kept beside its model, as plain data."""
    import json

    try:
        found: dict[str, Any] = json.loads((cache / EVALUATION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found
