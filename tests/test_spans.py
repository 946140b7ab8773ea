"""One reading of spans of time (`90d`, `6w`, `3m`, `2q`, `1y`) for every command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from analysis_fixtures import build_small_project
from gitrepo import GitRepo
from techlead.cli import main
from techlead.incidents.times import parse_since
from techlead.spans import Span, SpanError, parse_span, read_span, since

NOON = datetime(2026, 5, 31, 12, 0, tzinfo=UTC)
BAD_SPAN = "not a span (a whole number and d, w, m, q or y: 90d, 6w, 3m, 2q, 1y)"


def test_months_quarters_and_years_are_calendar_ones() -> None:
    assert since("1m", now=NOON) == datetime(2026, 4, 30, 12, 0, tzinfo=UTC)  # no 31 April
    assert since("3m", now=NOON) == datetime(2026, 2, 28, 12, 0, tzinfo=UTC)
    assert since("3m", now=NOON.replace(year=2024)) == datetime(2024, 2, 29, 12, 0, tzinfo=UTC)
    assert since("1q", now=NOON) == since("3m", now=NOON)
    year_ago = datetime(2025, 5, 31, 12, 0, tzinfo=UTC)
    assert since("12m", now=NOON) == since("4q", now=NOON) == since("1y", now=NOON) == year_ago
    leap_day = datetime(2024, 2, 29, 9, 30, tzinfo=UTC)
    assert since("1y", now=leap_day) == datetime(2023, 2, 28, 9, 30, tzinfo=UTC)


def test_days_and_weeks_are_fixed_lengths() -> None:
    assert since("90d", now=NOON) == NOON - timedelta(days=90)
    assert since("6w", now=NOON) == NOON - timedelta(weeks=6)
    assert since("0d", now=NOON) == NOON


@pytest.mark.parametrize(
    ("written", "span"),
    [
        ("12m", Span(12, "m")),
        (" 12 months ", Span(12, "m")),
        ("1 Month", Span(1, "m")),
        ("2Q", Span(2, "q")),
        ("3 quarters", Span(3, "q")),
        ("2 years", Span(2, "y")),
        ("7 days", Span(7, "d")),
        ("1 week", Span(1, "w")),
    ],
)
def test_short_and_long_units(written: str, span: Span) -> None:
    assert read_span(written) == span


def test_dates_are_not_spans() -> None:
    assert read_span("2024-06-01") is None
    assert since("2024-06-01") == datetime(2024, 6, 1, tzinfo=UTC)
    assert since("2024-06-01T10:00+02:00") == datetime(2024, 6, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("written", ["2h", "1.5m", "6mo", "3 fortnights", "12x"])
def test_a_span_with_a_unit_there_is_not_is_one_error(written: str) -> None:
    with pytest.raises(SpanError) as raised:
        read_span(written)
    assert str(raised.value) == f"--since {written!r}: {BAD_SPAN}"


def test_a_span_before_the_year_one_is_an_error_not_an_overflow() -> None:
    for written in ("99999y", "99999999999999d"):
        with pytest.raises(SpanError, match="reaches back before the year 1"):
            since(written, now=NOON)


def test_a_period_is_a_span_only() -> None:
    assert parse_span("1q", "--period") == Span(1, "q")
    with pytest.raises(SpanError, match=r"--period '2024-06-01': not a span"):
        parse_span("2024-06-01", "--period")


def test_incident_times_read_spans_the_same_way_and_keep_clock_times() -> None:
    moment = parse_since("12m")
    assert abs(moment - since("12m")) < timedelta(seconds=2)
    assert parse_since("2026-11-20 14:03 UTC") == datetime(2026, 11, 20, 14, 3, tzinfo=UTC)
    # where a time may be given, 3pm is a time of day and 20th a day of the month
    assert read_span("3pm") is None
    assert read_span("20th") is None


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return build_small_project(tmp_path / "project").path


@pytest.mark.parametrize(
    "argv",
    [
        ["debt", "hotspots", "--since", "2h", "-q"],
        ["debt", "coupling", "--since", "2h", "-q"],
        ["team", "ownership", "--since", "2h", "-q"],
        ["team", "offboard", "--since", "2h", "ann@example.com", "-q"],
        ["incident", "stats", "--since", "2h"],
        ["report", "stakeholder", "--period", "2h", "-q"],
    ],
)
def test_every_command_says_the_same_of_a_bad_span(
    project: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "-C", str(project)]) == 2
    option = argv[argv.index("2h") - 1]
    assert capsys.readouterr().err.splitlines()[0] == f"error: {option} '2h': {BAD_SPAN}"


def test_a_bad_configured_window_is_named_as_the_setting(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "techlead.toml").write_text('[debt]\nsince = "a year"\n')
    assert main(["debt", "hotspots", "-q", "-C", str(project)]) == 2
    assert "error: [debt] since 'a year': not a date or a span" in capsys.readouterr().err


def test_a_span_too_long_is_one_line_everywhere(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["debt", "hotspots", "-q"], ["incident", "stats"]):
        assert main([*argv, "--since", "99999y", "-C", str(project)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: --since '99999y': reaches back before the year 1"), err


def test_incident_stats_over_12m_counts_what_hotspots_over_12m_would(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # 362 days ago is within a calendar year back; stats used to take 12m as 360 days
    repo.commit("start", {"app.py": "x = 1\n"})
    detected = (datetime.now(UTC) - timedelta(days=362)).strftime("%Y-%m-%d %H:%M")
    here = ["-C", str(repo.path)]
    assert main(["incident", "open", "Old", "-s", "SEV3", "--at", detected, *here]) == 0
    assert main(["incident", "open", "New", "-s", "SEV3", *here]) == 0
    capsys.readouterr()
    assert main(["incident", "stats", "--since", "12m", "-f", "json", *here]) == 0
    assert '"incidents": 2' in capsys.readouterr().out
    assert main(["incident", "stats", "--since", "11m", "-f", "json", *here]) == 0
    assert '"incidents": 1' in capsys.readouterr().out
