"""Decision matrices: ranking by weighted mean and the weight change that flips the winner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitrepo import GitRepo
from techlead.cli import main
from techlead.decisions.matrix import (
    MatrixError,
    load_matrix,
    ranking,
    sensitivity,
    weighted_scores,
)

MATRIX = """title = "Choose a queue"
options = ["Kafka", "RabbitMQ", "SQS"]

[criteria]
throughput = 5
operability = 3
cost = 2

[scores.Kafka]
throughput = 5
operability = 2
cost = 3

[scores.RabbitMQ]
throughput = 3
operability = 4
cost = 4

[scores.SQS]
throughput = 3
operability = 5
cost = 2
"""


def write(tmp_path: Path, text: str = MATRIX) -> Path:
    path = tmp_path / "queue.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_ranking_is_the_weighted_mean(tmp_path: Path) -> None:
    # Kafka (25+6+6)/10 = 3.7, RabbitMQ (15+12+8)/10 = 3.5, SQS (15+15+4)/10 = 3.4
    assert ranking(load_matrix(write(tmp_path))) == [
        ("Kafka", 3.7),
        ("RabbitMQ", 3.5),
        ("SQS", 3.4),
    ]


def test_sensitivity_finds_the_nearest_flipping_weight(tmp_path: Path) -> None:
    moves = {m.criterion: m for m in sensitivity(load_matrix(write(tmp_path)))}
    # Kafka leads RabbitMQ by 2 weighted points; each throughput point is worth 2 (5 - 3)
    assert (moves["throughput"].flips_to, moves["throughput"].new_weight) == ("RabbitMQ", 4.0)
    # operability: RabbitMQ catches up when the weight rises by 2 / (4 - 2) = 1
    assert (moves["operability"].flips_to, moves["operability"].new_weight) == ("RabbitMQ", 4.0)
    # cost: RabbitMQ needs +2 (slope 1); SQS is cheaper-scored and can never win by cost
    assert (moves["cost"].flips_to, moves["cost"].new_weight) == ("RabbitMQ", 4.0)


def test_sensitivity_says_tie_at_the_weight_where_the_options_only_tie(tmp_path: Path) -> None:
    matrix = load_matrix(write(tmp_path))
    moves = {m.criterion: m for m in sensitivity(matrix)}
    assert moves["throughput"].describe() == (
        "throughput: RabbitMQ would tie at weight 4 (now 5) and win below it"
    )
    assert (
        moves["cost"].describe() == "cost: RabbitMQ would tie at weight 4 (now 2) and win above it"
    )
    for criterion, weight, side in (("throughput", 4.0, -0.1), ("cost", 4.0, 0.1)):
        at = weighted_scores(matrix, {**matrix.criteria, criterion: weight})
        assert at["Kafka"] == pytest.approx(at["RabbitMQ"])  # a tie, not a win
        beyond = weighted_scores(matrix, {**matrix.criteria, criterion: weight + side})
        assert beyond["RabbitMQ"] > beyond["Kafka"]


def test_scores_outside_one_to_five_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, MATRIX.replace("cost = 3", "cost = 7"))
    with pytest.raises(MatrixError, match=r"scores\.Kafka\.cost: need a whole number from 1 to 5"):
        load_matrix(path)


def test_decide_cli_creates_ranks_and_writes_an_adr(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo.path / "docs" / "adr").mkdir(parents=True)
    assert (
        main(
            [
                "decide",
                "new",
                "Choose a queue",
                "--option",
                "Kafka",
                "--option",
                "SQS",
                "--criterion",
                "throughput:5",
                "--criterion",
                "cost:2",
                "-C",
                str(repo.path),
            ]
        )
        == 0
    )
    matrix = repo.path / "docs/adr/matrices/choose-a-queue.toml"
    text = matrix.read_text().replace(
        "[scores.Kafka]\nthroughput = 3", "[scores.Kafka]\nthroughput = 5"
    )
    matrix.write_text(text)
    capsys.readouterr()
    assert (
        main(["decide", "show", "Choose a queue", "-f", "json", "--adr", "-C", str(repo.path)]) == 0
    )
    report = json.loads(capsys.readouterr().out.split("created")[0])
    assert report["ranking"][0] == {"option": "Kafka", "score": pytest.approx(4.4286, abs=1e-4)}
    record = (repo.path / "docs/adr/0001-choose-a-queue.md").read_text()
    assert 'Chosen option: "Kafka"' in record
    capsys.readouterr()
    # the matrix fills in options and outcome; only the consequences are left to write
    assert main(["adr", "lint", "-C", str(repo.path), "-f", "json"]) == 1
    assert [p["problem"] for p in json.loads(capsys.readouterr().out)] == [
        "the template's text is not replaced in: Consequences ('* Good, because …')"
    ]


def test_duplicate_options_are_refused_and_a_tie_at_zero_weight_is_no_flip(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    from techlead.cli import main

    repo.commit("first", {"a.txt": "a\n"})
    code = main(
        [
            "decide",
            "new",
            "Q",
            "--option",
            "a",
            "--option",
            "a",
            "--criterion",
            "x:1",
            "-C",
            str(repo.path),
        ]
    )
    assert code == 2
    assert "--option 'a': given more than once" in capsys.readouterr().err
    code = main(
        [
            "decide",
            "new",
            "Q",
            "--option",
            "a",
            "--option",
            "b",
            "--criterion",
            "x:1",
            "--criterion",
            "x:2",
            "-C",
            str(repo.path),
        ]
    )
    assert code == 2
    assert "--criterion 'x': given more than once" in capsys.readouterr().err
