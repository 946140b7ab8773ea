"""Login sessions: a random token in an HttpOnly cookie, its SHA-256 and a CSRF token stored."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, select

from techlead.accounts.users import Account, account_of, token_hash
from techlead.store.database import Store
from techlead.store.models import LoginSession, User

SESSION_HOURS = 12


def start_session(store: Store, account: Account) -> tuple[str, str]:
    """A new session for `account`: its cookie token and its CSRF token."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = dt.datetime.now(dt.UTC)
    with store.session() as session:
        session.execute(delete(LoginSession).where(LoginSession.expires_at < now))
        session.add(
            LoginSession(
                user_id=account.id,
                token_hash=token_hash(token),
                csrf_token=csrf,
                created_at=now,
                expires_at=now + dt.timedelta(hours=SESSION_HOURS),
            )
        )
    return token, csrf


def session_account(store: Store, token: str) -> tuple[Account, str] | None:
    """The signed-in account and the session's CSRF token, if the session is live."""
    with store.session() as session:
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
