"""Candidates, panels and scorecards in the record store: independence until submitted, the
debrief, and retention (purge removes personal data and keeps anonymous aggregates)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from techlead.config import Settings
from techlead.hiring.calibration import calibrate
from techlead.hiring.debrief import debrief
from techlead.hiring.profiles import HiringError, Matrix, load_matrix
from techlead.hiring.retention import purge
from techlead.hiring.scorecards import (
    RoleLookup,
    Score,
    Submission,
    UnknownCandidateError,
    Viewer,
    add_candidate,
    assign,
    candidate,
    decide,
    list_candidates,
    rate_outcome,
    record_scorecard,
    submitted_scores,
)
from techlead.store.database import Store, open_store
from techlead.store.models import Candidate, Scorecard


@pytest.fixture
def matrix(tmp_path: Path) -> Matrix:
    return load_matrix(tmp_path, Settings())


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'records.db'}", "shop")
    yield opened
    opened.close()


def card(*scores: tuple[str, int], recommend: str = "yes", submit: bool = True) -> Submission:
    return Submission(
        tuple(Score(c, s, f"saw {c} {s}") for c, s in scores), recommend, "notes", submit
    )


def panel(store: Store, matrix: Matrix) -> int:
    """Ada, on the technical panel of ann and bo."""
    number = add_candidate(store, "Ada Lovelace", matrix.role("backend-l3"), "ada@x.test").id
    assign(store, str(number), RoleLookup(matrix.roles), "technical", ["ann", "bo"])
    return number


def test_an_interviewer_sees_the_others_scores_only_after_submitting_their_own(
    store: Store, matrix: Matrix
) -> None:
    number = panel(store, matrix)
    roles = RoleLookup(matrix.roles)
    record_scorecard(store, str(number), roles, "ann", "technical", card(("debugging", 4)))
    bo = Viewer("bo", manager=False)
    before = candidate(store, str(number), bo)
    assert [c.interviewer for c in before.scorecards] == ["bo"]
    assert before.hidden == 1
    record_scorecard(
        store, str(number), roles, "bo", "technical", card(("debugging", 2), submit=False)
    )
    assert candidate(store, str(number), bo).hidden == 1  # a draft unlocks nothing
    record_scorecard(store, str(number), roles, "bo", "technical", card(("debugging", 2)))
    after = candidate(store, str(number), bo)
    assert {c.interviewer for c in after.scorecards} == {"ann", "bo"}
    assert after.hidden == 0


def test_nobody_but_its_author_sees_a_draft_and_managers_see_every_submitted_card(
    store: Store, matrix: Matrix
) -> None:
    number = panel(store, matrix)
    roles = RoleLookup(matrix.roles)
    record_scorecard(store, str(number), roles, "ann", "technical", card(("testing", 3)))
    record_scorecard(
        store, str(number), roles, "bo", "technical", card(("testing", 1), submit=False)
    )
    manager = candidate(store, str(number), Viewer("lee", manager=True))
    assert [c.interviewer for c in manager.scorecards] == ["ann"]
    assert manager.pending == ("bo (technical)",)
    ann = candidate(store, str(number), Viewer("ann", manager=False))
    assert [c.interviewer for c in ann.scorecards] == ["ann"]  # bo's draft stays bo's


def test_someone_off_the_panel_cannot_find_the_candidate(store: Store, matrix: Matrix) -> None:
    number = panel(store, matrix)
    outsider = Viewer("eve", manager=False)
    with pytest.raises(UnknownCandidateError):
        candidate(store, str(number), outsider)
    assert list_candidates(store, outsider) == []
    assert [c.id for c in list_candidates(store, Viewer("ann", False))] == [number]


def test_a_submitted_scorecard_is_final(store: Store, matrix: Matrix) -> None:
    number = panel(store, matrix)
    roles = RoleLookup(matrix.roles)
    record_scorecard(store, str(number), roles, "ann", "technical", card(("testing", 3)))
    with pytest.raises(HiringError, match="final"):
        record_scorecard(store, str(number), roles, "ann", "technical", card(("testing", 4)))


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (card(("testing", 5)), "not one of 1, 2, 3, 4"),
        (card(("juggling", 3)), "not assessed for backend-l3"),
        (card(("testing", 3), recommend="maybe"), "recommendation 'maybe'"),
        (Submission((Score("testing", 3),), None), "needs at least one score and a recommendation"),
        (Submission((), "yes"), "needs at least one score"),
    ],
)
def test_scorecards_are_checked_before_anything_is_stored(
    store: Store, matrix: Matrix, given: Submission, message: str
) -> None:
    number = panel(store, matrix)
    with pytest.raises(HiringError, match=message):
        record_scorecard(store, str(number), RoleLookup(matrix.roles), "ann", "technical", given)
    ann = candidate(store, str(number), Viewer("ann", manager=False))
    assert [(c.interviewer, c.scores, c.submitted) for c in ann.scorecards] == [("ann", (), False)]


def test_an_unknown_stage_for_the_role_is_refused(store: Store, matrix: Matrix) -> None:
    number = add_candidate(store, "Bo", matrix.role("backend-l3")).id
    with pytest.raises(HiringError, match="stage 'onsite'"):
        assign(store, str(number), RoleLookup(matrix.roles), "onsite", ["ann"])


def test_candidates_are_kept_per_repository(store: Store, matrix: Matrix) -> None:
    number = panel(store, matrix)
    other = store.scoped("billing")
    assert list_candidates(other) == []
    with pytest.raises(UnknownCandidateError):
        candidate(other, str(number))


def test_the_debrief_flags_a_spread_of_two_and_split_recommendations(
    store: Store, matrix: Matrix
) -> None:
    number = panel(store, matrix)
    roles = RoleLookup(matrix.roles)
    record_scorecard(
        store,
        str(number),
        roles,
        "ann",
        "technical",
        card(("debugging", 4), ("testing", 3), recommend="strong-yes"),
    )
    record_scorecard(
        store,
        str(number),
        roles,
        "bo",
        "technical",
        card(("debugging", 2), ("testing", 3), recommend="no"),
    )
    result = debrief(candidate(store, str(number)), matrix, disagreement=2)
    assert result.disagreements == ["debugging"]
    debugging = next(r for r in result.competencies if r.competency == "debugging")
    assert (debugging.mean, debugging.spread) == (3.0, 2)
    assert result.split
    assert result.recommendations == {"strong-no": 0, "no": 1, "yes": 0, "strong-yes": 1}
    assert result.mean == 3.0
    assert debrief(candidate(store, str(number)), matrix, disagreement=3).disagreements == []


def test_only_hires_get_an_outcome_on_the_same_scale(store: Store, matrix: Matrix) -> None:
    number = panel(store, matrix)
    with pytest.raises(HiringError, match="not hired"):
        rate_outcome(store, str(number), 3)
    decide(store, str(number), "hired")
    with pytest.raises(HiringError, match="1 to 4"):
        rate_outcome(store, str(number), 5)
    assert rate_outcome(store, str(number), 3.5).outcome == 3.5


def _age(store: Store, number: int, days: int) -> None:
    """Pretend everything about candidate `number` happened `days` ago."""
    then = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    with store.session() as session:
        session.execute(
            update(Candidate).where(Candidate.id == number).values(created_at=then, decided_at=then)
        )
        session.execute(
            update(Scorecard)
            .where(Scorecard.candidate_id == number)
            .values(assigned_at=then, submitted_at=then)
        )


def test_purge_removes_personal_data_and_keeps_anonymous_aggregates(
    store: Store, matrix: Matrix, tmp_path: Path
) -> None:
    roles = RoleLookup(matrix.roles)
    old = panel(store, matrix)
    record_scorecard(store, str(old), roles, "ann", "technical", card(("debugging", 4)))
    record_scorecard(store, str(old), roles, "bo", "technical", card(("debugging", 2)))
    decide(store, str(old), "rejected")
    recent = add_candidate(store, "Grace Hopper", matrix.role("backend-l3"), "grace@x.test").id
    _age(store, old, 400)
    before = calibrate(submitted_scores(store))

    assert purge(store, dt.timedelta(days=365), dry_run=True).candidates == (old,)
    assert candidate(store, str(old)).name == "Ada Lovelace"
    done = purge(store, dt.timedelta(days=365))

    assert done.candidates == (old,)
    gone = candidate(store, str(old))
    assert (gone.name, gone.email, gone.notes, gone.anonymised) == (
        f"anonymised #{old}",
        None,
        None,
        True,
    )
    assert all(c.notes is None for c in gone.scorecards)
    assert all(s.evidence is None for c in gone.scorecards for s in c.scores)
    assert [s.score for c in gone.scorecards for s in c.scores] == [4, 2]
    assert calibrate(submitted_scores(store)) == before
    assert candidate(store, str(recent)).name == "Grace Hopper"
    # nothing of the erased text lingers in the database file or its write-ahead log
    store.close()
    for path in tmp_path.glob("records.db*"):
        content = path.read_bytes()
        assert b"Ada Lovelace" not in content, path
        assert b"ada@x.test" not in content, path
        assert b"saw debugging" not in content, path


def test_purge_with_delete_removes_the_candidate_and_the_scorecards(
    store: Store, matrix: Matrix
) -> None:
    old = panel(store, matrix)
    record_scorecard(
        store, str(old), RoleLookup(matrix.roles), "ann", "technical", card(("testing", 3))
    )
    _age(store, old, 30)
    assert purge(store, dt.timedelta(days=60), delete=True).candidates == ()
    assert purge(store, dt.timedelta(days=20), delete=True).candidates == (old,)
    assert list_candidates(store) == []
    assert submitted_scores(store).height == 0


def test_an_anonymised_candidates_records_are_closed(store: Store, matrix: Matrix) -> None:
    number = panel(store, matrix)
    _age(store, number, 400)
    purge(store, dt.timedelta(days=365))
    roles = RoleLookup(matrix.roles)
    with pytest.raises(HiringError, match="was anonymised"):
        record_scorecard(store, str(number), roles, "ann", "technical", card(("testing", 3)))
    with pytest.raises(HiringError, match="was anonymised"):
        assign(store, str(number), roles, "screen", ["cy"])
    with pytest.raises(HiringError, match="was anonymised"):
        decide(store, str(number), "hired")


def test_a_draft_is_submitted_with_its_scores_or_replaced_by_a_whole_form(
    store: Store, matrix: Matrix
) -> None:
    number = panel(store, matrix)
    roles = RoleLookup(matrix.roles)
    draft = card(("testing", 3), ("debugging", 2), submit=False)
    record_scorecard(store, str(number), roles, "ann", "technical", draft)
    # submitting later with only a recommendation keeps the draft's scores
    record_scorecard(store, str(number), roles, "ann", "technical", Submission((), "yes"))
    ann = candidate(store, str(number), Viewer("ann", False)).scorecards[0]
    assert [(s.competency, s.score) for s in ann.scores] == [("debugging", 2), ("testing", 3)]
    record_scorecard(store, str(number), roles, "bo", "technical", draft)
    whole = Submission((Score("testing", 4),), "yes", None, True, replace=True)
    record_scorecard(store, str(number), roles, "bo", "technical", whole)
    bo = candidate(store, str(number), Viewer("bo", False))
    mine = next(c for c in bo.scorecards if c.interviewer == "bo")
    assert [(s.competency, s.score) for s in mine.scores] == [("testing", 4)]


def test_only_the_stages_competencies_are_scored_and_each_once(
    store: Store, matrix: Matrix
) -> None:
    number = panel(store, matrix)
    roles = RoleLookup(matrix.roles)
    with pytest.raises(HiringError, match="code-quality, debugging, testing in the technical"):
        record_scorecard(store, str(number), roles, "ann", "technical", card(("ownership", 3)))
    with pytest.raises(HiringError, match="testing is scored twice"):
        record_scorecard(
            store, str(number), roles, "ann", "technical", card(("testing", 3), ("testing", 1))
        )


def test_scoring_off_the_panel_adds_the_interviewer_and_says_so(
    store: Store, matrix: Matrix
) -> None:
    number = panel(store, matrix)
    roles = RoleLookup(matrix.roles)
    _, added = record_scorecard(store, str(number), roles, "ann", "technical", card(("testing", 3)))
    assert not added
    _, added = record_scorecard(store, str(number), roles, "eve", "technical", card(("testing", 3)))
    assert added


def test_a_reversed_hire_loses_its_outcome_and_calibration_ignores_it(
    store: Store, matrix: Matrix
) -> None:
    number = panel(store, matrix)
    roles = RoleLookup(matrix.roles)
    record_scorecard(store, str(number), roles, "ann", "technical", card(("testing", 3)))
    decide(store, str(number), "hired")
    rate_outcome(store, str(number), 3)
    assert calibrate(submitted_scores(store)).hires_rated == 1
    assert decide(store, str(number), "rejected").outcome is None
    assert calibrate(submitted_scores(store)).hires_rated == 0


def test_contact_details_and_notes_are_for_the_hiring_manager_only(
    store: Store, matrix: Matrix
) -> None:
    number = add_candidate(
        store, "Ada", matrix.role("backend-l3"), "ada@x.test", "asked for a remote role"
    ).id
    assign(store, str(number), RoleLookup(matrix.roles), "technical", ["ann"])
    ann = candidate(store, str(number), Viewer("ann", False))
    assert (ann.email, ann.notes) == (None, None)
    lead = candidate(store, str(number))
    assert (lead.email, lead.notes) == ("ada@x.test", "asked for a remote role")


@pytest.mark.parametrize(
    ("name", "email", "message"),
    [
        ("Ada\u202eecalovel", None, "text-direction"),
        ("Ada", "not-an-address", "not an address"),
        ("x" * 300, None, "one line of 1 to 200"),
    ],
)
def test_names_and_emails_are_checked(
    store: Store, matrix: Matrix, name: str, email: str | None, message: str
) -> None:
    with pytest.raises(HiringError, match=message):
        add_candidate(store, name, matrix.role("backend-l3"), email)


def test_an_interviewer_keeps_the_first_spelling_of_their_name(
    store: Store, matrix: Matrix
) -> None:
    number = panel(store, matrix)  # ann and bo
    roles = RoleLookup(matrix.roles)
    record_scorecard(store, str(number), roles, "ANN", "technical", card(("testing", 3)))
    other = add_candidate(store, "Grace", matrix.role("backend-l3")).id
    assign(store, str(other), roles, "screen", ["Bo  "])
    names = {c.interviewer for c in candidate(store, str(other)).scorecards} | set(
        candidate(store, str(other)).pending
    )
    assert names == {"bo (screen)"}
    assert calibrate(submitted_scores(store)).interviewers[0].interviewer == "ann"
