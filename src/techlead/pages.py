"""What every dashboard page shares: templates, charts in the page, JSON, and the request's
repository with its settings, evidence and record store (sanitised Markdown is in
`techlead.sanitised_markdown`, which the reports use too).

Pages are server-rendered Jinja2 templates (autoescaped). Charts travel as Vega-Lite specs in
non-executable `<script type="application/json">` blocks that the static `techlead.js` hands
to vega-embed, so a page carries no inline script and user text can never become code.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Annotated, Any

import polars as pl
from fastapi import Depends, Request
from fastapi import Path as PathParameter
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.exceptions import HTTPException

from techlead.config import REPOSITORY_NAME, Settings
from techlead.output import _cell, to_json
from techlead.project import Project
from techlead.store.database import Store

WEB = Path(__file__).parent / "web"
templates = Jinja2Templates(directory=WEB / "templates")
templates.env.filters["cell"] = _cell


def csrf_field(request: Request) -> Markup:
    """The hidden CSRF token of a form, when the server protects forms (team mode)."""
    token = getattr(request.state, "csrf_token", None)
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(token)


templates.env.globals["csrf_field"] = csrf_field
_chart_ids = itertools.count(1)


def page(
    request: Request, template: str, title: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A whole HTML page (or, for an htmx request, the same template: it extends the base)."""
    name = request.path_params.get("repository")
    known = name in request.app.state.evidence
    base = f"/repos/{name}" if known else ""
    path = request.url.path
    if not known:
        twin = "/api/repos"
    elif path.rstrip("/") == base:
        twin = f"/api{base}/overview"
    else:
        twin = f"/api{path}"
    query = request.url.query
    shared = {
        "title": title,
        "nav": request.app.state.nav,
        "repo": name if known else None,
        "base": base,
        "repositories": visible_repositories(request),
        "twin": twin + (f"?{query}" if query else ""),
        "may_change": may_change(request),
    }
    return templates.TemplateResponse(
        request, template, {**shared, **context}, status_code=status_code
    )


def may_change(request: Request) -> bool:
    """Whether the request's user may change records (always, without sign-in)."""
    user = getattr(request.state, "user", None)
    return user is None or bool(user.may("editor"))


def base_of(request: Request) -> str:
    """Where the pages of the request's repository start: `/repos/NAME`."""
    return f"/repos/{request.path_params['repository']}"


def visible_repositories(request: Request) -> list[str]:
    """The names of the served repositories the request's user may see, in order."""
    user = getattr(request.state, "user", None)
    names: list[str] = list(request.app.state.evidence)
    return [name for name in names if user is None or user.sees(name)]


async def repository(
    request: Request,
    repository: Annotated[
        str, PathParameter(pattern=REPOSITORY_NAME, description="Repository name.")
    ],
) -> str:
    """FastAPI dependency of every repository's route: its name, if the server has it and the
    user may see it (otherwise 404, whether it exists or not)."""
    if repository not in visible_repositories(request):
        raise HTTPException(404, f"no repository named {repository!r} here")
    return repository


RepositoryName = Annotated[str, Depends(repository)]


def api(value: Any, status_code: int = 200) -> Response:
    """A JSON twin of a page: dataclasses, dates and frames as plain JSON."""
    if isinstance(value, pl.DataFrame):
        value = value.to_dicts()
    return Response(to_json(value), status_code=status_code, media_type="application/json")


def rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dicts()


def chart(spec: dict[str, Any], label: str) -> Markup:
    """A chart container and its spec; `label` describes the chart for screen readers."""
    number = next(_chart_ids)
    data = json.dumps(spec).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(
        f'<figure class="chart" role="img" aria-label="{Markup.escape(label)}">'
        f'<div class="chart-view" data-spec="chart-{number}"></div>'
        f'<script type="application/json" id="chart-{number}">{data}</script></figure>'
    )


async def settings_of(request: Request, name: RepositoryName) -> Settings:
    """FastAPI dependency: the settings of the request's repository."""
    settings: Settings = request.app.state.settings[name]
    return settings


async def evidence(request: Request, name: RepositoryName) -> Project:
    """FastAPI dependency: the evidence of the repository the request is about."""
    found: Project = request.app.state.evidence[name]
    return found


async def record_store(request: Request, name: RepositoryName) -> Store:
    """FastAPI dependency: the record store of the request's repository (its records only;
    stores on the same database share one engine and connection pool)."""
    store: Store = request.app.state.stores[name]
    return store


def spring_layout(
    nodes: list[str], edges: list[tuple[str, str, float]], seed: int = 1
) -> dict[str, tuple[float, float]]:
    """Positions in [0, 1]^2 for a small graph (Fruchterman-Reingold), stable for a seed."""
    import numpy as np

    count = len(nodes)
    if count == 0:
        return {}
    index = {name: i for i, name in enumerate(nodes)}
    rng = np.random.default_rng(seed)
    position = rng.random((count, 2))
    ideal = 1 / np.sqrt(count)
    temperature = 0.1
    for _ in range(150):
        delta = position[:, None, :] - position[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=2), 1e-3)
        force = (ideal**2 / distance**2)[:, :, None] * delta
        for source, target, weight in edges:
            a, b = index[source], index[target]
            pull = delta[a, b] * distance[a, b] / ideal * max(weight, 0.1)
            force[a, b] -= pull
            force[b, a] += pull
        move = force.sum(axis=1)
        length = np.maximum(np.linalg.norm(move, axis=1), 1e-9)
        position += move / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature *= 0.97
    low, high = position.min(axis=0), position.max(axis=0)
    scaled = (position - low) / np.maximum(high - low, 1e-9)
    return {name: (float(x), float(y)) for name, (x, y) in zip(nodes, scaled, strict=True)}


def network_spec(
    nodes: list[dict[str, Any]], edges: list[tuple[str, str, float]], title: str
) -> dict[str, Any]:
    """A node-link chart: `nodes` have `id`, `label`, `group`, optional `href`; edges weigh 0-1."""
    import altair as alt

    places = spring_layout([node["id"] for node in nodes], edges)
    points = [{**node, "x": places[node["id"]][0], "y": places[node["id"]][1]} for node in nodes]
    lines = [
        {
            "x": places[a][0],
            "y": places[a][1],
            "x2": places[b][0],
            "y2": places[b][1],
            "weight": weight,
        }
        for a, b, weight in edges
    ]
    axis = alt.Axis(labels=False, ticks=False, grid=False, title=None, domain=False)
    scale = alt.Scale(domain=[-0.05, 1.05])
    links = (
        alt.Chart(alt.InlineData(values=lines))
        .mark_rule(color="#999")
        .encode(
            x=alt.X("x:Q", axis=axis, scale=scale),
            y=alt.Y("y:Q", axis=axis, scale=scale),
            x2="x2:Q",
            y2="y2:Q",
            strokeWidth=alt.StrokeWidth("weight:Q", legend=None, scale=alt.Scale(range=[1, 5])),
        )
    )
    dots = (
        alt.Chart(alt.InlineData(values=points))
        .mark_circle(size=160, opacity=0.9)
        .encode(
            x=alt.X("x:Q", axis=axis, scale=scale),
            y=alt.Y("y:Q", axis=axis, scale=scale),
            color=alt.Color("group:N", title=None),
            tooltip=["label:N", "group:N"],
            href="href:N",
        )
    )
    labels = (
        alt.Chart(alt.InlineData(values=points))
        .mark_text(dy=-11, fontSize=10, color="#333")
        .encode(x="x:Q", y="y:Q", text="label:N")
    )
    spec: dict[str, Any] = (
        alt.layer(links, dots, labels)
        .properties(title=title, width=640, height=420)
        .configure_view(stroke=None)
        .to_dict()
    )
    return spec
