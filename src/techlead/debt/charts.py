"""Charts of technical debt for the dashboard (Vega-Lite specs, built with Altair)."""

from __future__ import annotations

from typing import Any

import polars as pl


def hotspot_scatter(frame: pl.DataFrame, base: str) -> dict[str, Any]:
    """Change frequency against complexity, one dot per file, sized by lines of code; a dot
    links to `base`/files/PATH."""
    import altair as alt

    points = (
        frame.select("path", "revisions", "complexity", "loc", "score")
        .drop_nulls("complexity")
        .to_dicts()
    )
    chart = (
        alt.Chart(alt.InlineData(values=points))
        .transform_calculate(href=f"'{base}/files/' + datum.path")
        .mark_circle(opacity=0.7)
        .encode(
            x=alt.X("revisions:Q", title="Changes in the window"),
            y=alt.Y("complexity:Q", title="Complexity"),
            size=alt.Size("loc:Q", title="Lines of code"),
            color=alt.Color("score:Q", title="Hotspot score", scale=alt.Scale(scheme="orangered")),
            tooltip=["path:N", "revisions:Q", "complexity:Q", "loc:Q", "score:Q"],
            href="href:N",
        )
        .properties(width=640, height=360, title="Hotspots: complex files that change often")
    )
    spec: dict[str, Any] = chart.to_dict()
    return spec


def complexity_trend_chart(trend: pl.DataFrame, path: str) -> dict[str, Any]:
    import altair as alt

    values = [
        {"date": row["date"].isoformat(), "complexity": row["complexity"], "loc": row["loc"]}
        for row in trend.to_dicts()
    ]
    base = alt.Chart(alt.InlineData(values=values)).encode(x=alt.X("date:T", title=None))
    chart = alt.layer(
        base.mark_line(point=True, color="#e45756").encode(
            y=alt.Y("complexity:Q", title="Complexity", axis=alt.Axis(titleColor="#e45756"))
        ),
        base.mark_line(point=True, color="#4c78a8", strokeDash=[4, 3]).encode(
            y=alt.Y("loc:Q", title="Lines of code", axis=alt.Axis(titleColor="#4c78a8"))
        ),
    ).resolve_scale(y="independent")
    spec: dict[str, Any] = chart.properties(
        width=640, height=260, title=f"Complexity of {path} over time"
    ).to_dict()
    return spec
