"""The competency matrix, role profiles and question bank from Markdown and configuration,
and interview kits drawn from them and from the repository's own code and decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis_fixtures import files_of
from gitrepo import GitRepo
from techlead.config import ConfigError, Settings, load_settings
from techlead.decisions.store import load_decisions
from techlead.hiring.documents import kit_html, kit_markdown
from techlead.hiring.kits import build_kit, code_exercise, design_prompt
from techlead.hiring.profiles import HiringError, load_matrix
from techlead.history.test_paths import spec_of_tests

ANCHORS = "anchors:\n  1: lost\n  2: helped\n  3: solid\n  4: leads\n"
ROLE = """---
title: Data engineer
level: 2
competencies: [pipelines, testing]
stages:
  screen: {minutes: 30, competencies: [pipelines]}
---
Builds pipelines.
"""
QUESTION = """---
competency: pipelines
levels: [2]
stages: [screen]
minutes: 10
follow_ups:
  - What if it is late?
good: [Idempotent steps]
poor: [Reruns by hand]
---
How would you backfill a year of events?
"""


def bank(root: Path, **files: str) -> None:
    for name, text in files.items():
        path = root / "docs" / "hiring" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_starter_set_works_with_no_configuration(tmp_path: Path) -> None:
    matrix = load_matrix(tmp_path, Settings())
    role = matrix.role("backend-l3")
    assert role.level == 3
    assert set(role.stages) == {"screen", "technical", "system-design"}
    assert all(sorted(c.anchors) == [1, 2, 3, 4] for c in matrix.competencies.values())
    for stage in role.stages.values():  # every stage competency has a question that fits
        for competency in stage.competencies:
            assert any(
                q.competency == competency and q.fits(3, stage.name) for q in matrix.questions
            ), (stage.name, competency)


def test_every_starter_question_is_drawn_for_some_role_stage(tmp_path: Path) -> None:
    matrix = load_matrix(tmp_path, Settings())
    assert [q.name for q in matrix.questions if not matrix.drawn_for(q)] == []


def test_a_question_no_stage_can_use_is_listed_as_never_drawn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from techlead.cli import main

    GitRepo(tmp_path).commit("start", {"a.txt": "a"})
    bank(
        tmp_path,
        **{"questions/onsite.md": "---\ncompetency: testing\nstages: [onsite]\n---\nWhy?\n"},
    )
    assert main(["hire", "questions", "-C", str(tmp_path)]) == 0
    assert "never drawn (no role stage has its competency at its levels and stages): onsite" in (
        capsys.readouterr().out
    )


def test_markdown_roles_and_questions_add_to_and_replace_the_starter_set(tmp_path: Path) -> None:
    bank(
        tmp_path,
        **{
            "competencies/pipelines.md": f"---\ntitle: Data pipelines\n{ANCHORS}---\nMoves data.\n",
            "competencies/testing.md": f"---\ntitle: Our testing\n{ANCHORS}---\n",
            "roles/data-l2.md": ROLE,
            "questions/backfill.md": QUESTION,
        },
    )
    matrix = load_matrix(tmp_path, Settings())
    assert matrix.competencies["testing"].title == "Our testing"  # replaced by name
    assert matrix.competencies["pipelines"].description == "Moves data."
    assert "backend-l3" in matrix.roles  # the starter roles stay
    role = matrix.role("data-l2")
    assert role.stage("screen").competencies == ("pipelines",)
    question = next(q for q in matrix.questions if q.name == "backfill")
    assert question.text == "How would you backfill a year of events?"
    assert question.fits(2, "screen")
    assert not question.fits(3, "screen")
    assert load_matrix(
        tmp_path, Settings.model_validate({"hiring": {"starter": False}})
    ).roles.keys() == {"data-l2"}


def test_roles_and_competencies_can_live_in_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "techlead.toml").write_text(
        """[hiring.competencies.sql]
title = "SQL"
anchors = {1 = "no", 2 = "some", 3 = "good", 4 = "expert"}

[hiring.roles.analyst]
level = 2
competencies = ["sql", "communication"]
""",
        encoding="utf-8",
    )
    matrix = load_matrix(tmp_path, load_settings(tmp_path))
    role = matrix.role("analyst")
    assert role.stage("technical").competencies == ("sql", "communication")  # default stages
    assert matrix.competencies["sql"].anchors[4] == "expert"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"competencies/x.md": "---\nanchors: {1: a, 2: b, 3: c}\n---\n"}, r"x\.md: anchors"),
        ({"roles/r.md": "---\ncompetencies: [nope]\n---\n"}, "competency 'nope' is not in"),
        ({"roles/r.md": "---\nlevel: eleven\ncompetencies: [testing]\n---\n"}, r"r\.md: level"),
        ({"questions/q.md": "---\ncompetency: testing\n---\n"}, "the question itself"),
        ({"questions/q.md": "---\ncompetency: cooking\n---\nWhy?\n"}, "'cooking' is not in"),
        ({"questions/q.md": "---\ncompetency: [\n---\nWhy?\n"}, r"q\.md: front matter is not"),
        ({"questions/Bad Name.md": "---\ncompetency: testing\n---\nWhy?\n"}, "file name"),
        (
            {
                "roles/r.md": "---\ncompetencies: [testing]\n"
                "stages: {screen: {competencies: [debugging]}}\n---\n"
            },
            "debugging is not one of the role's competencies",
        ),
    ],
)
def test_a_broken_file_is_named_with_what_is_wrong(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    bank(tmp_path, **files)
    with pytest.raises(ConfigError, match=message):
        load_matrix(tmp_path, Settings())


def test_a_kit_fills_the_stage_with_questions_that_fit_its_level_and_stage(tmp_path: Path) -> None:
    matrix = load_matrix(tmp_path, Settings())
    kit = build_kit(matrix, "backend-l3", "screen", seed=1)
    assert sum(slot.minutes for slot in kit.plan) == 30
    assert {q.competency for q in kit.questions} == {
        "problem-solving",
        "communication",
        "ownership",
    }
    assert all(q.fits(3, "screen") for q in kit.questions)
    assert [c.name for c in kit.rubric] == ["problem-solving", "communication", "ownership"]
    assert build_kit(matrix, "backend-l3", "screen", seed=1) == kit  # same seed, same kit
    text = kit_markdown(kit)
    assert "## Scoring rubric" in text
    assert "## Scorecard" in text
    assert text.count("### ") == len(kit.questions)


def test_a_kit_says_which_competencies_have_no_question(tmp_path: Path) -> None:
    bank(
        tmp_path,
        **{"competencies/pipelines.md": f"---\n{ANCHORS}---\n", "roles/data-l2.md": ROLE},
    )
    kit = build_kit(load_matrix(tmp_path, Settings()), "data-l2", "screen")
    assert kit.missing == ("pipelines",)
    assert "no question for: pipelines" in kit_markdown(kit)


def test_unknown_roles_and_stages_are_refused_with_the_known_ones(tmp_path: Path) -> None:
    matrix = load_matrix(tmp_path, Settings())
    with pytest.raises(HiringError, match="known: backend-l2"):
        build_kit(matrix, "chef", "screen")
    with pytest.raises(HiringError, match="has the stages screen, technical, system-design"):
        build_kit(matrix, "backend-l3", "onsite")


def test_code_reading_comes_from_a_hotspots_function_of_readable_size(repo: GitRepo) -> None:
    import polars as pl

    long_branchy = (
        "def parse(x):\n"
        + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(10))
        + "    return None\n"
    )
    tiny = "def one():\n    return 1\n"
    repo.commit(
        "code", {"app/core.py": tiny + "\n\n" + long_branchy, "tests/test_core.py": long_branchy}
    )
    ranked = pl.DataFrame(
        {
            "path": ["tests/test_core.py", "README.md", "app/core.py"],
            "revisions": [9, 9, 3],
            "authors": [2, 2, 1],
        }
    )
    exercise = code_exercise(files_of(repo), ranked, spec_of_tests(Settings().review))
    assert exercise is not None
    assert (exercise.path, exercise.function, exercise.first_line) == ("app/core.py", "parse", 5)
    assert exercise.code.startswith("def parse(x):")
    assert exercise.code.endswith("return None")
    assert exercise.complexity == 11
    matrix = load_matrix(repo.path, Settings())
    text = kit_markdown(build_kit(matrix, "backend-l3", "technical", code=exercise))
    assert "## Code reading" in text
    assert "```py\ndef parse(x):" in text


def test_a_design_discussion_is_seeded_from_an_accepted_decision(repo: GitRepo) -> None:
    adr = repo.path / "docs" / "adr"
    adr.mkdir(parents=True)
    (adr / "0001-use-queues.md").write_text(
        "---\nstatus: accepted\n---\n# Use queues\n\n## Context and Problem Statement\n\n"
        "Orders arrive in bursts.\n\n## Considered Options\n\n* A queue\n* Bigger servers\n\n"
        "## Decision Outcome\n\nA queue.\n",
        encoding="utf-8",
    )
    (adr / "0002-rewrite.md").write_text(
        "---\nstatus: rejected\n---\n# Rewrite\n\n## Context and Problem Statement\n\nNo.\n",
        encoding="utf-8",
    )
    prompt = design_prompt(load_decisions(adr), seed=3)
    assert prompt is not None
    assert (prompt.number, prompt.context, prompt.decision) == (
        1,
        "Orders arrive in bursts.",
        "A queue.",
    )
    kit = build_kit(
        load_matrix(repo.path, Settings()), "backend-l3", "system-design", design=prompt
    )
    text = kit_markdown(kit)
    assert "> Orders arrive in bursts." in text
    assert "reveal after the discussion" in text
    assert sum(slot.minutes for slot in kit.plan) == 60


def test_the_kit_page_shows_markup_from_the_bank_as_text(tmp_path: Path) -> None:
    page = kit_html("# Kit\n\n<script>alert(1)</script>\n", "Kit <b>")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "<title>Kit &lt;b&gt;</title>" in page


def test_editor_lock_and_hidden_files_are_not_definitions(tmp_path: Path) -> None:
    bank(tmp_path, **{"roles/.#data-l2.md": "junk", "roles/.hidden.md": "junk"})
    assert "data-l2" not in load_matrix(tmp_path, Settings()).roles


def test_an_empty_definition_is_named_as_empty(tmp_path: Path) -> None:
    bank(tmp_path, **{"competencies/empty.md": ""})
    with pytest.raises(ConfigError, match=r"empty\.md: empty file"):
        load_matrix(tmp_path, Settings())
