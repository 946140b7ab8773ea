"""Login sessions: they end when the password or role changes or the user goes, and an admin
lists and ends them (`techlead user sessions`)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from gitrepo import GitRepo
from techlead.accounts.sessions import (
    SignedIn,
    end_sessions,
    list_sessions,
    session_account,
    sign_in,
    start_checked_session,
)
from techlead.accounts.users import (
    UnknownUserError,
    add_user,
    check_password_of,
    remove_user,
    set_hiring,
    set_password,
    set_role,
)
from techlead.cli import main
from techlead.store.database import Store, open_store

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a new and longer passphrase"


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url, "repo")
    add_user(opened, "ana", "editor", PASSWORD, ["repo"])
    add_user(opened, "ben", "viewer", PASSWORD, ["repo"])
    yield opened
    opened.close()


def signed_in(store: Store, name: str) -> SignedIn:
    signed = sign_in(store, name, PASSWORD)
    assert signed is not None
    return signed


def live(store: Store, signed: SignedIn) -> bool:
    return session_account(store, signed.token) is not None


def test_a_wrong_password_or_an_unknown_name_starts_no_session(store: Store) -> None:
    assert sign_in(store, "ana", "wrong password!!") is None
    assert sign_in(store, "nobody", PASSWORD) is None
    assert list_sessions(store) == []


def test_a_password_change_ends_every_session_of_that_user_only(store: Store) -> None:
    laptop, phone, other = signed_in(store, "ana"), signed_in(store, "ana"), signed_in(store, "ben")
    assert set_password(store, "ana", NEW_PASSWORD) == 2
    assert not live(store, laptop)
    assert not live(store, phone)
    assert live(store, other)
    assert sign_in(store, "ana", PASSWORD) is None
    assert live(store, signed_in_with(store, "ana", NEW_PASSWORD))


def signed_in_with(store: Store, name: str, password: str) -> SignedIn:
    signed = sign_in(store, name, password)
    assert signed is not None
    return signed


def test_a_role_change_ends_the_sessions_and_the_same_role_keeps_them(store: Store) -> None:
    kept = signed_in(store, "ana")
    set_role(store, "ana", "editor")  # no change
    assert live(store, kept)
    set_role(store, "ana", "viewer")
    assert not live(store, kept)


def test_removing_a_user_ends_their_sessions(store: Store) -> None:
    signed = signed_in(store, "ben")
    assert remove_user(store, "ben") == 1
    assert not live(store, signed)
    assert list_sessions(store) == []


def test_a_password_changed_while_the_old_one_was_checked_starts_no_session(
    store: Store,
) -> None:
    checked = check_password_of(store, "ana", PASSWORD)  # right, a moment ago
    assert checked is not None
    set_password(store, "ana", NEW_PASSWORD)
    assert start_checked_session(store, checked) is None
    assert list_sessions(store, "ana") == []
    remove_user(store, "ana")
    assert start_checked_session(store, checked) is None


def test_grants_and_hiring_changes_apply_to_live_sessions_at_once(store: Store) -> None:
    signed = signed_in(store, "ana")
    set_hiring(store, "ana", "interviewer")
    found = session_account(store, signed.token)
    assert found is not None
    assert found[0].hiring_role == "interviewer"


def test_sessions_are_listed_and_ended_by_user_or_by_number(store: Store) -> None:
    first, second, other = signed_in(store, "ana"), signed_in(store, "ana"), signed_in(store, "ben")
    listed = list_sessions(store)
    assert [s.user for s in listed] == ["ana", "ana", "ben"]
    assert all(s.expires_at > s.created_at for s in listed)
    assert [s.user for s in list_sessions(store, "ben")] == ["ben"]
    ended = end_sessions(store, "ana", [listed[1].id])
    assert [s.id for s in ended] == [listed[1].id]
    assert live(store, first)
    assert not live(store, second)
    assert [s.user for s in end_sessions(store)] == ["ana", "ben"]
    assert not live(store, first)
    assert not live(store, other)
    with pytest.raises(UnknownUserError, match="'nobody': no such user"):
        list_sessions(store, "nobody")


def test_user_sessions_command_lists_and_ends(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit("start", {"a.txt": "a"})
    here = str(repo.path)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "ana", "--role", "editor", "--password-stdin", "-C", here]) == 0
    store = open_store(f"sqlite:///{repo.path / '.techlead' / 'techlead.db'}", "repo")
    try:
        signed = [signed_in(store, "ana") for _ in range(3)]
        capsys.readouterr()
        assert main(["user", "sessions", "-C", here, "-f", "csv"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0] == "session,user,started_at,expires_at"
        assert [line.split(",")[1] for line in lines[1:]] == ["ana"] * 3
        first = lines[1].split(",")[0]
        assert main(["user", "sessions", "ana", "--end", "--id", first, "-C", here]) == 0
        assert "ended 1 session of ana" in capsys.readouterr().out
        assert not live(store, signed[0])
        assert live(store, signed[1])
        monkeypatch.setattr("sys.stdin", io.StringIO(NEW_PASSWORD + "\n"))
        assert main(["user", "password", "ana", "--password-stdin", "-C", here]) == 0
        assert "password of ana changed; 2 sessions ended" in capsys.readouterr().out
        assert not live(store, signed[2])
        assert main(["user", "sessions", "nobody", "-C", here]) == 2
        assert "no such user" in capsys.readouterr().err
        assert main(["user", "sessions", "--id", "0", "-C", here]) == 2
    finally:
        store.close()
