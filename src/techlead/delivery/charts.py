"""The trend of each DORA key per period (a Vega-Lite spec, built with Altair)."""

from __future__ import annotations

from typing import Any

LABELS = {
    "deployments": "Deployments",
    "per_week": "Deployments per week",
    "lead_time_median_h": "Lead time, median (h)",
    "lead_time_p85_h": "Lead time, P85 (h)",
    "change_failure_rate": "Change failure rate",
    "recovery_median_h": "Recovery, median (h)",
    "rework_rate": "Rework rate",
}


def keys_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """`rows`: one per period (`period` and the keys); the overall row is left out."""
    import altair as alt

    values = [
        {"period": row["period"], "key": label, "value": row[key]}
        for row in rows
        if row["period"] != "all"
        for key, label in LABELS.items()
        if key != "deployments" and row.get(key) is not None
    ]
    spec: dict[str, Any] = (
        alt.Chart(alt.InlineData(values=values))
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title=None),
            y=alt.Y("value:Q", title=None),
            tooltip=["period:O", "key:N", alt.Tooltip("value:Q", format=",.2f")],
        )
        .properties(width=300, height=120)
        .facet(facet=alt.Facet("key:N", title=None), columns=2)
        .resolve_scale(y="independent")
        .properties(title="DORA keys per period")
        .to_dict()
    )
    return spec
