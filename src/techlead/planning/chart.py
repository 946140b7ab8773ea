"""Forecast charts: the distribution of simulated outcomes and the chance of each, as Vega-Lite
(Altair) rendered to SVG or PNG by vl-convert, with no browser and no network."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

from techlead.errors import TechleadError
from techlead.planning.forecast import HowManyForecast, WhenForecast

_BAR = "#4c78a8"
_LINE = "#e45756"
_SUFFIXES = {".svg", ".png"}


class ChartError(TechleadError):
    """A chart that cannot be written."""


def when_chart(forecast: WhenForecast, title: str) -> dict[str, Any]:
    """Histogram of finishing dates with the cumulative chance of being done by each date."""
    values, counts = np.unique(forecast.days, return_counts=True)
    cumulative = np.cumsum(counts) / forecast.trials
    rows = [
        {
            "date": (forecast.start + dt.timedelta(days=int(day) - 1)).isoformat(),
            "share": float(count) / forecast.trials,
            "likelihood": float(chance),
        }
        for day, count, chance in zip(values, counts, cumulative, strict=True)
    ]
    marks = [
        {"label": f"{q}%: {day.isoformat()}", "date": day.isoformat(), "y": 12 + 16 * row}
        for row, (q, day) in enumerate(forecast.percentiles.items())
    ]
    return _layered(rows, marks, "date", "temporal", "Finished on", "Done by this date", title)


def how_many_chart(forecast: HowManyForecast, title: str) -> dict[str, Any]:
    """Histogram of items finished with the chance of finishing at least each count."""
    values, counts = np.unique(forecast.counts, return_counts=True)
    at_least = 1 - (np.cumsum(counts) - counts) / forecast.trials
    rows = [
        {"items": int(value), "share": float(count) / forecast.trials, "likelihood": float(chance)}
        for value, count, chance in zip(values, counts, at_least, strict=True)
    ]
    marks = [
        {"label": f"{q}%: {count}", "items": count, "y": 12 + 16 * row}
        for row, (q, count) in enumerate(forecast.percentiles.items())
    ]
    return _layered(
        rows, marks, "items", "quantitative", "Items finished", "At least this many", title
    )


def _layered(
    rows: list[dict[str, Any]],
    marks: list[dict[str, Any]],
    field: str,
    kind: str,
    axis_title: str,
    likelihood_title: str,
    title: str,
) -> dict[str, Any]:
    import altair as alt

    data = alt.InlineData(values=rows)
    x = (
        alt.X(f"{field}:T", title=axis_title)
        if kind == "temporal"
        else alt.X(f"{field}:Q", title=axis_title, scale=alt.Scale(domainMin=0))
    )
    bars = (
        alt.Chart(data)
        .mark_bar(color=_BAR, opacity=0.7)
        .encode(x=x, y=alt.Y("share:Q", title="Share of trials", axis=alt.Axis(format="%")))
    )
    line = (
        alt.Chart(data)
        .mark_line(color=_LINE, strokeWidth=2, interpolate="step-after")
        .encode(
            x=x,
            y=alt.Y(
                "likelihood:Q",
                title=likelihood_title,
                axis=alt.Axis(format="%", titleColor=_LINE),
                scale=alt.Scale(domain=[0, 1]),
            ),
        )
    )
    rules = (
        alt.Chart(alt.InlineData(values=marks))
        .mark_rule(strokeDash=[4, 3], color="#555")
        .encode(x=x)
    )
    labels = (
        alt.Chart(alt.InlineData(values=marks))
        .mark_text(align="left", dx=3, color="#333", baseline="middle")
        .encode(x=x, y=alt.Y("y:Q", scale=None), text="label:N")
    )
    chart = (
        alt.layer(bars, line, rules, labels)
        .resolve_scale(y="independent")
        .properties(title=title, width=640, height=300)
    )
    spec: dict[str, Any] = chart.to_dict()
    return spec


def check_chart_path(path: Path) -> None:
    """Refuse a chart file that cannot be written, before any work is done."""
    if path.suffix.lower() not in _SUFFIXES:
        raise ChartError(f"--chart {path}: write a .svg or a .png file")
    if path.is_dir():
        raise ChartError(f"--chart {path}: is a directory")
    if not path.parent.is_dir():
        raise ChartError(f"--chart {path}: no such directory {path.parent}")


def write_chart(spec: dict[str, Any], path: Path) -> None:
    """Write the chart as SVG or PNG, chosen by the file's suffix."""
    check_chart_path(path)
    suffix = path.suffix.lower()
    import vl_convert

    try:
        if suffix == ".svg":
            path.write_text(vl_convert.vegalite_to_svg(spec), encoding="utf-8")
        else:
            path.write_bytes(vl_convert.vegalite_to_png(spec, scale=2))
    except OSError as exc:
        raise ChartError(f"--chart {path}: cannot write: {exc.strerror}") from None
