"""`plan backtest` states how many forecasts it checked and does not call fewer than 10 a
calibration: one forecast that held is "1 of 1", not "100%"."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from gitrepo import GitRepo
from techlead.cli import main


@pytest.fixture
def steady(repo: GitRepo) -> GitRepo:
    """One commit a day for 50 days."""
    start = dt.date(2026, 1, 1)
    for day in range(50):
        when = start + dt.timedelta(days=day)
        repo.commit(f"work {day}", {"a.txt": f"{day}\n"}, date=f"{when}T12:00:00+00:00")
    return repo


def _backtest(
    capsys: pytest.CaptureFixture[str], repo: GitRepo, *argv: str
) -> tuple[int, str, str]:
    code = main(["plan", "backtest", "-n", "10", "--history-days", "30", "--source", "git",
                 "-q", "-C", str(repo.path), *argv])  # fmt: skip
    out, err = capsys.readouterr()
    return code, out, err


def test_one_forecast_is_not_called_a_calibration(
    steady: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _backtest(capsys, steady, "--every", "100")
    assert code == 0
    assert "1 forecast, too few to call a calibration (at least 10)" in out
    assert "1 of 1" in out
    assert "100%" not in out.replace("should hold", "")
    assert "warning: only 1 forecast could be checked" in err
    code, out, _ = _backtest(capsys, steady, "--every", "100", "-f", "json")
    summary = json.loads(out)
    assert (summary["forecasts"], summary["calibration"], summary["min_forecasts"]) == (
        1,
        False,
        10,
    )
    assert summary["held"] == {"50": 1, "85": 1, "95": 1}


def test_ten_or_more_forecasts_are_a_calibration_with_their_counts(
    steady: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _backtest(capsys, steady, "--every", "1")
    assert code == 0
    assert "Forecast calibration (walk-forward backtest)" in out
    assert "100% (11 of 11)" in out
    assert "warning" not in err
