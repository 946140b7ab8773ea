"""The stakeholder report: the delivery outlook, what shipped, incidents and what was learned,
risks, decisions, and what the team needs — each in a sentence, with the chart behind it.

Built from the dashboard's own computations (the same evidence), rendered by a Jinja2 template
the team may override (`[report] templates`), into one self-contained HTML file (charts inline
as SVG, styles inline, no external URL) or a PDF printed from it by Chromium.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from techlead.project import Project
from techlead.spans import Span
from techlead.store.database import Store

TEMPLATES = Path(__file__).parent / "templates"
PALETTE = ["#1b6ca8", "#e07b39", "#3d9970", "#b1365b", "#7a5195"]  # colour-blind friendly


def _svg(spec: dict[str, Any]) -> str:
    import vl_convert

    spec = {**spec, "config": {**spec.get("config", {}), "range": {"category": PALETTE}}}
    svg: str = vl_convert.vegalite_to_svg(spec)
    return svg


def _shipped(ev: Project, since: dt.datetime) -> dict[str, Any]:
    import polars as pl

    history = ev.result().history
    commits = history.commits.filter(
        ~pl.col("is_merge"), ~pl.col("is_bot"), pl.col("author_time") >= since
    )
    tags = history.tags.filter(pl.col("tagged_at") >= since).sort("tagged_at")
    return {
        "commits": commits.height,
        "people": commits.get_column("author_name").n_unique() if commits.height else 0,
        "releases": tags.get_column("tag").to_list(),
    }


def _incidents(store: Store, since: dt.datetime) -> dict[str, Any]:
    from techlead.incidents import service

    views = service.list_incidents(store, since=since)
    overdue = service.list_actions(store, overdue_on=dt.date.today())
    return {
        "count": len(views),
        "items": [
            {
                "id": v.incident.id,
                "title": v.incident.title,
                "severity": v.incident.severity,
                "status": v.incident.status,
                "postmortem": bool(v.incident.postmortem_path),
            }
            for v in views
        ],
        "overdue_actions": [{"id": a.id, "text": a.text, "due": a.due} for a in overdue],
    }


def _decisions(ev: Project, since: dt.date) -> list[dict[str, Any]]:
    from techlead.decisions.store import decision_directory, load_decisions

    directory = decision_directory(ev.repo.root, ev.settings.decisions.directory)
    if not directory.is_dir():
        return []
    found = []
    for record in load_decisions(directory):
        try:
            when = dt.date.fromisoformat(str(record.date)) if record.date else None
        except ValueError:
            when = None
        if when is not None and when >= since:
            found.append({"number": record.number, "title": record.title, "status": record.status})
    return found


def stakeholder_context(ev: Project, store: Store, period: Span) -> dict[str, Any]:
    """Everything the template shows (documented in docs/reports.md), for the `period` up to
    today (from midnight, UTC, that span before today)."""
    from techlead.debt.charts import hotspot_scatter
    from techlead.report.overview import overview

    today = dt.date.today()
    since = period.before(dt.datetime.combine(today, dt.time(), dt.UTC), "--period")
    days = (today - since.date()).days
    data = overview(ev, store)
    forecast = data["forecast"]
    truck = data["truck_factor"]
    incidents = _incidents(store, since)
    context: dict[str, Any] = {
        "repository": ev.repo.root.name,
        "period_days": days,
        "since": since.date(),
        "today": today,
        "forecast": forecast,
        "shipped": _shipped(ev, since),
        "incidents": incidents,
        "truck_factor": truck,
        "hotspots": data["hotspots"][:3],
        "decisions": _decisions(ev, since.date()),
        "charts": {},
    }
    if forecast is not None:
        context["charts"]["throughput"] = _svg(_throughput(forecast))
    if data["hotspots"]:
        from techlead.debt.hotspots import ranked_hotspots

        scatter = hotspot_scatter(ranked_hotspots(ev).head(40), "")
        scatter["encoding"].pop("href", None)  # on paper: no links to dashboard pages
        scatter.pop("transform", None)
        context["charts"]["hotspots"] = _svg(scatter)
    context["needs"] = _needs(context)
    return context


def _throughput(forecast: dict[str, Any]) -> dict[str, Any]:
    import altair as alt

    weeks = [{"week": str(w["from"]), "finished": w["finished"]} for w in forecast["weeks"]]
    spec: dict[str, Any] = (
        alt.Chart(alt.InlineData(values=weeks))
        .mark_bar(color=PALETTE[0])
        .encode(x=alt.X("week:O", title="Week"), y=alt.Y("finished:Q", title="Finished"))
        .properties(width=520, height=160, title="Work finished per week")
        .to_dict()
    )
    return spec


def _needs(context: dict[str, Any]) -> list[str]:
    """What the team needs, one sentence each, from the evidence above."""
    needs = []
    truck = context["truck_factor"]
    if truck["truck_factor"] <= 2 and truck["would_have_to_leave"]:
        people = " and ".join(truck["would_have_to_leave"])
        needs.append(
            f"Time for others to learn what only {people} know: the project would stall if "
            f"{'they' if len(truck['would_have_to_leave']) > 1 else 'this person'} left."
        )
    overdue = context["incidents"]["overdue_actions"]
    if overdue:
        needs.append(
            f"Room in the plan to finish {len(overdue)} overdue follow-up action(s) from "
            "past incidents."
        )
    if context["hotspots"]:
        top = context["hotspots"][0]["path"]
        needs.append(
            f"Time to simplify {top}: of all the code, it changes most and is hardest to change."
        )
    return needs


def render_html(
    context: dict[str, Any], overrides: Path | None, template: str = "stakeholder.html"
) -> str:
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

    from techlead.report.overrides import FolderLoader

    loaders = [FolderLoader(overrides)] if overrides else []
    environment = Environment(
        loader=ChoiceLoader([*loaders, FileSystemLoader(str(TEMPLATES))]),
        autoescape=select_autoescape(["html"]),
    )
    return environment.get_template(template).render(**context)
