"""Users of the team server: roles, argon2 passwords, API tokens; the `techlead user` commands."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from gitrepo import GitRepo
from techlead.accounts.users import (
    AccountError,
    UnknownTokenError,
    UnknownUserError,
    account_for_token,
    add_user,
    authenticate,
    create_token,
    list_tokens,
    list_users,
    remove_user,
    revoke_token,
    set_password,
    set_role,
)
from techlead.cli import main
from techlead.store.database import Store, open_store
from techlead.store.models import ApiToken, User

PASSWORD = "correct horse battery"


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url, "repo")
    yield opened
    opened.close()


def test_passwords_are_hashed_with_argon2_and_checked(store: Store) -> None:
    add_user(store, "ana", "editor", PASSWORD, ["repo"])
    with store.session() as session:
        stored = session.execute(select(User.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    account = authenticate(store, "ana", PASSWORD)
    assert account is not None
    assert (account.name, account.role) == ("ana", "editor")
    assert authenticate(store, "ana", "wrong password!!") is None
    assert authenticate(store, "nobody", PASSWORD) is None


def test_roles_are_ordered(store: Store) -> None:
    viewer = add_user(store, "vic", "viewer", PASSWORD, ["repo"])
    assert viewer.may("viewer")
    assert not viewer.may("editor")
    admin = set_role(store, "vic", "admin")
    assert admin.may("editor")
    assert [a.role for a in list_users(store)] == ["admin"]


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("ana", "owner", PASSWORD, "role 'owner'"),
        ("ana", "viewer", "short", "shorter than 12"),
        ("has space", "viewer", PASSWORD, "user name 'has space'"),
    ],
)
def test_bad_users_are_refused(
    store: Store, name: str, role: str, password: str, message: str
) -> None:
    with pytest.raises(AccountError, match=message):
        add_user(store, name, role, password, ["repo"])
    assert list_users(store) == []


def test_names_are_unique_and_removal_takes_tokens(store: Store) -> None:
    add_user(store, "ana", "viewer", PASSWORD, ["repo"])
    with pytest.raises(AccountError, match="already exists"):
        add_user(store, "ana", "admin", PASSWORD, ["repo"])
    token = create_token(store, "ana", "ci")
    assert account_for_token(store, token) is not None
    remove_user(store, "ana")
    assert account_for_token(store, token) is None
    with pytest.raises(UnknownUserError):
        set_password(store, "ana", PASSWORD)


def test_only_the_hash_of_a_token_is_stored(store: Store) -> None:
    add_user(store, "bot", "viewer", PASSWORD, ["repo"])
    token = create_token(store, "bot", "nightly report")
    with store.session() as session:
        row = session.execute(select(ApiToken)).scalar_one()
        assert row.token_hash != token
        assert token not in row.token_hash
    found = account_for_token(store, token)
    assert found is not None
    assert found.name == "bot"
    assert account_for_token(store, token + "x") is None


def test_user_commands(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    repo.commit("start", {"a.txt": "a"})
    here = str(repo.path)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "ana", "--role", "admin", "--password-stdin", "-C", here]) == 0
    assert "added ana (admin, every repository)" in capsys.readouterr().out
    assert main(["user", "token", "create", "ana", "--label", "ci", "-C", here]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("tl_")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "vic", "--password-stdin", "-C", here]) == 0
    assert "added vic (viewer, repo)" in capsys.readouterr().out  # this repository by default
    assert main(["user", "grant", "vic", "web", "api", "-C", here]) == 0
    assert "vic sees api, repo, web" in capsys.readouterr().out
    assert main(["user", "revoke", "vic", "repo", "-C", here]) == 0
    assert "vic sees api, web" in capsys.readouterr().out
    assert main(["user", "grant", "vic", "../etc", "-C", here]) == 2
    assert "repository '../etc'" in capsys.readouterr().err
    assert main(["user", "list", "-C", here, "-f", "csv"]) == 0
    listed = capsys.readouterr().out
    assert "ana,admin,every repository," in listed
    assert '"api, web"' in listed
    assert main(["user", "role", "ana", "superuser", "-C", here]) == 2
    assert "role 'superuser'" in capsys.readouterr().err
    assert main(["user", "remove", "bob", "-C", here]) == 2
    assert "no such user" in capsys.readouterr().err


def test_hiring_access_is_given_to_editors_and_taken_from_viewers(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    repo.commit("start", {"a.txt": "a"})
    here = str(repo.path)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "ann", "--role", "editor", "--password-stdin", "-C", here]) == 0
    capsys.readouterr()
    assert main(["user", "hiring", "ann", "interviewer", "-C", here]) == 0
    assert "ann: hiring interviewer" in capsys.readouterr().out
    assert main(["user", "hiring", "ann", "recruiter", "-C", here]) == 2
    assert "hiring role 'recruiter'" in capsys.readouterr().err
    assert main(["user", "role", "ann", "viewer", "-C", here]) == 0
    assert main(["user", "list", "-C", here, "-f", "csv"]) == 0
    assert "ann,viewer,repo,-," in capsys.readouterr().out  # a viewer changes nothing
    assert main(["user", "hiring", "ann", "manager", "-C", here]) == 2
    assert "make them an editor first" in capsys.readouterr().err


def test_tokens_are_listed_without_their_value_and_revoked_one_at_a_time(store: Store) -> None:
    add_user(store, "ana", "editor", PASSWORD, ["repo"])
    add_user(store, "bot", "viewer", PASSWORD, ["repo"])
    ci, laptop, other = (
        create_token(store, "ana", "ci"),
        create_token(store, "ana", "laptop"),
        create_token(store, "bot", "nightly"),
    )
    listed = list_tokens(store)
    assert [(t.user, t.label) for t in listed] == [
        ("ana", "ci"),
        ("ana", "laptop"),
        ("bot", "nightly"),
    ]
    assert [t.label for t in list_tokens(store, "bot")] == ["nightly"]
    assert all(t.last_used_at is None for t in listed)
    assert account_for_token(store, ci) is not None
    assert list_tokens(store, "ana")[0].last_used_at is not None
    revoked = revoke_token(store, str(listed[0].id))
    assert (revoked.user, revoked.label) == ("ana", "ci")
    assert account_for_token(store, ci) is None
    assert account_for_token(store, laptop) is not None
    assert revoke_token(store, other).label == "nightly"  # by the token itself
    assert account_for_token(store, other) is None
    with pytest.raises(UnknownTokenError, match="token 999: no such token"):
        revoke_token(store, "999")
    with pytest.raises(UnknownTokenError, match="that token: no such token"):
        revoke_token(store, other)
    with pytest.raises(AccountError, match="give its number"):
        revoke_token(store, "ci")
    with pytest.raises(UnknownUserError):
        list_tokens(store, "nobody")


def test_a_password_change_keeps_the_users_api_tokens(store: Store) -> None:
    add_user(store, "ana", "editor", PASSWORD, ["repo"])
    token = create_token(store, "ana", "ci")
    set_password(store, "ana", "a new and longer passphrase")
    assert account_for_token(store, token) is not None  # revoked only by `user token revoke`


def test_user_token_commands_create_list_and_revoke(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    repo.commit("start", {"a.txt": "a"})
    here = str(repo.path)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "ana", "--role", "admin", "--password-stdin", "-C", here]) == 0
    assert main(["user", "token", "create", "ana", "--label", "ci", "-C", here]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["user", "token", "list", "-C", here, "-f", "csv"]) == 0
    listed = capsys.readouterr().out
    assert listed.splitlines()[0] == "token,user,label,created_at,last_used_at"
    assert ",ana,ci," in listed
    assert token not in listed
    number = listed.splitlines()[1].split(",")[0]
    assert main(["user", "token", "revoke", number, "-C", here]) == 0
    assert f"revoked token {number} of ana (ci)" in capsys.readouterr().out
    assert main(["user", "token", "revoke", number, "-C", here]) == 2
    assert f"token {number}: no such token" in capsys.readouterr().err
