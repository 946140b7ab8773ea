"""Login sessions: a random token in an HttpOnly cookie, its SHA-256 and a CSRF token stored.

A session lasts 12 hours, until its user signs out, or until their password or role changes
or they are removed (users.py ends them in the same transaction); an admin lists and ends
them with `techlead user sessions`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from techlead.accounts.users import (
    Account,
    CheckedPassword,
    UnknownUserError,
    account_of,
    check_password_of,
    token_hash,
)
from techlead.store.database import Store
from techlead.store.models import LoginSession, User

SESSION_HOURS = 12


@dataclass(frozen=True)
class SignedIn:
    """A new session: whose, and the token its cookie carries."""

    account: Account
    token: str


def sign_in(store: Store, name: str, password: str) -> SignedIn | None:
    """Check `name`'s password and start a session; None if the password is wrong."""
    checked = check_password_of(store, name, password)
    return start_checked_session(store, checked) if checked is not None else None


def start_checked_session(store: Store, checked: CheckedPassword) -> SignedIn | None:
    """A session for a password found right, if it is still the user's password.

    Passwords are checked outside any transaction (argon2 takes a good part of a second), so
    the password may have changed since, or the user been removed: then no session starts
    (None). The user's row is locked meanwhile on PostgreSQL (SQLite writes one transaction at
    a time), so a password change either comes first and is seen here, or comes after and
    ends the session started here.
    """
    account = checked.account
    with store.session() as session:
        user = session.execute(
            select(User).where(User.id == account.id).with_for_update()
        ).scalar_one_or_none()
        if user is None or user.password_hash != checked.matched_hash:
            return None
        if checked.rehashed is not None:
            user.password_hash = checked.rehashed
        return SignedIn(account_of(user), _start(session, user.id))


def _start(session: Session, user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    now = dt.datetime.now(dt.UTC)
    session.execute(delete(LoginSession).where(LoginSession.expires_at < now))
    session.add(
        LoginSession(
            user_id=user_id,
            token_hash=token_hash(token),
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + dt.timedelta(hours=SESSION_HOURS),
        )
    )
    return token


def session_account(store: Store, token: str) -> tuple[Account, str] | None:
    """The signed-in account and the session's CSRF token, if the session is live (read in a
    read-only transaction: every request of a browser asks)."""
    with store.reading() as connection, Session(bind=connection) as session:
        found = session.execute(
            select(LoginSession, User)
            .join(User, User.id == LoginSession.user_id)
            .where(LoginSession.token_hash == token_hash(token))
        ).one_or_none()
        if found is None:
            return None
        login, user = found
        if login.expires_at < dt.datetime.now(dt.UTC):
            return None
        return account_of(user), login.csrf_token


def end_session(store: Store, token: str) -> None:
    with store.session() as session:
        session.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))


@dataclass(frozen=True)
class SessionInfo:
    """A live login session as listed (never its token, which is not stored)."""

    id: int
    user: str
    created_at: dt.datetime
    expires_at: dt.datetime


def _live(session: Session, name: str | None, ids: Sequence[int]) -> list[tuple[LoginSession, str]]:
    if (
        name is not None
        and session.execute(select(User.id).where(User.name == name)).first() is None
    ):
        raise UnknownUserError(f"user {name!r}: no such user")
    query = (
        select(LoginSession, User.name)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.expires_at >= dt.datetime.now(dt.UTC))
    )
    if name is not None:
        query = query.where(User.name == name)
    if ids:
        query = query.where(LoginSession.id.in_(ids))
    return [(login, user) for login, user in session.execute(query.order_by(LoginSession.id))]


def list_sessions(
    store: Store, name: str | None = None, ids: Sequence[int] = ()
) -> list[SessionInfo]:
    """The live sessions (of `name`, and those numbered `ids`, when given), oldest first."""
    with store.reading() as connection, Session(bind=connection) as session:
        return [
            SessionInfo(login.id, user, login.created_at, login.expires_at)
            for login, user in _live(session, name, ids)
        ]


def end_sessions(
    store: Store, name: str | None = None, ids: Sequence[int] = ()
) -> list[SessionInfo]:
    """End the live sessions (of `name`, and those numbered `ids`, when given): the ones ended."""
    with store.session() as session:
        found = _live(session, name, ids)
        if found:
            session.execute(
                delete(LoginSession).where(LoginSession.id.in_([login.id for login, _ in found]))
            )
        return [
            SessionInfo(login.id, user, login.created_at, login.expires_at) for login, user in found
        ]
