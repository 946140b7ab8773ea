"""Dashboard page and JSON twin of defect risk: the kept evaluation and the latest changes."""

from __future__ import annotations

from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from techlead.pages import api, chart, evidence, page
from techlead.project import Project
from techlead.risk.features import METRICS, cached_metrics, risk_cache
from techlead.risk.model import EVALUATION_FILE, MODEL_FILE, load_evaluation, load_model

router = APIRouter()  # pages, under /repos/NAME
twins = APIRouter()  # their JSON twins, under /api/repos/NAME
EvidenceDependency = Annotated[Project, Depends(evidence)]
TopQuery = Annotated[int, Query(ge=1, le=1000, description="Latest changes to show.")]


def _risk(ev: Project, top: int) -> dict[str, Any]:
    """Cached per HEAD and per kept model: `risk train` while the server runs shows at once."""
    cache = risk_cache(ev.result())
    kept = [
        (cache / name).stat().st_mtime_ns if (cache / name).exists() else 0
        for name in (MODEL_FILE, EVALUATION_FILE)
    ]
    return ev.derived(f"risk:{top}:{kept}", lambda: _risk_now(ev, top))


def _risk_now(ev: Project, top: int) -> dict[str, Any]:
    result = ev.result()
    cache = risk_cache(result)
    metrics = cached_metrics(result, ev.settings.risk, cache)
    latest = metrics.filter(~pl.col("is_bot")).head(top)
    model = load_model(cache)
    if model is not None and latest.height:
        risk = model[0].predict_proba(latest.select(METRICS).to_numpy())[:, 1]
        latest = latest.with_columns(risk=pl.Series(risk))
    columns = ["commit", "author_time", "author", "nf", "la", "ld", "fix", "exp", "sexp"]
    rows = latest.select(*columns, *(["risk"] if "risk" in latest.columns else [])).with_columns(
        pl.col("commit").str.slice(0, 10)
    )
    evaluation = load_evaluation(cache)
    return {
        "model": model[1] if model else None,
        "evaluation": evaluation,
        "changes": rows.to_dicts(),
    }


def auc_chart(results: list[dict[str, Any]]) -> dict[str, Any]:
    """AUC and Recall@20%Effort per model and label gap."""
    import altair as alt

    values = [
        {"model": r["model"], "gap": r["gap_days"], "measure": name, "value": r[key]}
        for r in results
        for name, key in (("AUC", "auc"), ("Recall@20%Effort", "recall_at_effort"))
        if r.get(key) is not None
    ]
    spec: dict[str, Any] = (
        alt.Chart(alt.InlineData(values=values))
        .mark_bar()
        .encode(
            x=alt.X("model:N", title=None),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("model:N", legend=None),
            column=alt.Column("gap:O", title="Label gap (days)"),
            row=alt.Row("measure:N", title=None),
            tooltip=["model:N", "gap:O", "measure:N", alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(width=140, height=120, title="Time-aware evaluation")
        .to_dict()
    )
    return spec


@router.get("/risk", response_class=HTMLResponse, include_in_schema=False)
async def risk_page(request: Request, ev: EvidenceDependency, top: TopQuery = 30) -> HTMLResponse:
    data = _risk(ev, top)
    evaluation = data["evaluation"]
    charts = (
        [chart(auc_chart(evaluation["results"]), "AUC and recall per model and gap")]
        if evaluation and evaluation.get("results")
        else []
    )
    return page(request, "risk.html", "Defect risk", risk=data, charts=charts)


@twins.get("/risk", tags=["risk"], summary="The risk model's evaluation and the latest changes")
async def risk_api(ev: EvidenceDependency, top: TopQuery = 30) -> Response:
    return api(_risk(ev, top))
