"""Users, roles, passwords (argon2) and API tokens, kept in the record store.

There is no default account and no default password: the first user is added with
`techlead user add NAME --role admin`. Passwords are hashed with argon2id; API tokens and
session tokens are random and only their SHA-256 is stored, so a copy of the database
lets nobody sign in. Changing a user's password or role, or removing them, ends their login
sessions (tokens stay until revoked: `techlead user token revoke`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from techlead.config import REPOSITORY_NAME
from techlead.errors import NotFoundError, TechleadError
from techlead.store.database import Store
from techlead.store.models import ApiToken, LoginSession, RepositoryGrant, User

ROLES = ("viewer", "editor", "admin")  # each can do what the ones before it can
# Hiring records are personal data: only these may see them (admins are hiring managers).
HIRING_ROLES = ("interviewer", "manager")
MIN_PASSWORD = 12
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
_hasher = PasswordHasher()


class AccountError(TechleadError):
    """A user or token that cannot be created, changed or found."""


class UnknownUserError(AccountError, NotFoundError):
    """No user of that name."""


class UnknownTokenError(AccountError, NotFoundError):
    """No API token with that number (or value)."""


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: str
    created_at: dt.datetime
    repositories: tuple[str, ...] = ()  # granted; admins see every repository
    hiring: str | None = None  # interviewer, manager, or None: no access to candidates

    def may(self, role: str) -> bool:
        """Whether this account has `role` or a stronger one."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def sees(self, repository: str) -> bool:
        """Whether the account may see `repository`'s evidence and records."""
        return self.role == "admin" or repository in self.repositories

    @property
    def hiring_role(self) -> str | None:
        """interviewer, manager (every admin is one), or None."""
        return "manager" if self.role == "admin" else self.hiring


def account_of(user: User) -> Account:
    return Account(
        user.id,
        user.name,
        user.role,
        user.created_at,
        tuple(grant.repository for grant in user.grants),
        user.hiring,
    )


def check_repositories(names: list[str]) -> list[str]:
    for name in names:
        if not re.fullmatch(REPOSITORY_NAME, name):
            raise AccountError(
                f"repository {name!r}: letters, digits, '.', '_' and '-' only (at most 100)"
            )
    return sorted(set(names))


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"role {role!r}: use one of {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password is shorter than {MIN_PASSWORD} characters")
    return password


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(store: Store, name: str, role: str, password: str, repositories: list[str]) -> Account:
    """A new user who may see `repositories` (admins see every repository)."""
    if not _NAME.fullmatch(name):
        raise AccountError(
            f"user name {name!r}: letters, digits, '.', '_', '@' and '-' only (at most 100)"
        )
    user = User(
        name=name,
        role=check_role(role),
        password_hash=_hasher.hash(check_password(password)),
        created_at=dt.datetime.now(dt.UTC),
        grants=[RepositoryGrant(repository=r) for r in check_repositories(repositories)],
    )
    with store.session() as session:
        if session.execute(select(User.id).where(User.name == name)).first() is not None:
            raise AccountError(f"user {name!r} already exists")
        session.add(user)
        session.flush()
        return account_of(user)


def _get(session: Session, name: str) -> User:
    user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
    if user is None:
        raise UnknownUserError(f"user {name!r}: no such user")
    return user


def list_users(store: Store) -> list[Account]:
    with store.session() as session:
        return [account_of(u) for u in session.execute(select(User).order_by(User.name)).scalars()]


def _end_sessions(session: Session, user: User) -> int:
    """End every login session of `user` (in the caller's transaction); how many there were."""
    ended = session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    return int(getattr(ended, "rowcount", 0) or 0)


def set_role(store: Store, name: str, role: str) -> Account:
    """Give `name` another role; a change ends their login sessions."""
    with store.session() as session:
        user = _get(session, name)
        if user.role != check_role(role):
            _end_sessions(session, user)
        user.role = role
        if role == "viewer":
            user.hiring = None  # a viewer changes nothing, so cannot submit a scorecard
        return account_of(user)


def set_password(store: Store, name: str, password: str) -> int:
    """Set `name`'s password and end their login sessions; how many were ended."""
    hashed = _hasher.hash(check_password(password))
    with store.session() as session:
        user = _get(session, name)
        user.password_hash = hashed
        return _end_sessions(session, user)


def grant(store: Store, name: str, repositories: list[str]) -> Account:
    """Let `name` see `repositories` too."""
    wanted = check_repositories(repositories)
    with store.session() as session:
        user = _get(session, name)
        held = {g.repository for g in user.grants}
        user.grants.extend(RepositoryGrant(repository=r) for r in wanted if r not in held)
        session.flush()
        session.refresh(user)
        return account_of(user)


def revoke(store: Store, name: str, repositories: list[str]) -> Account:
    """`name` no longer sees `repositories`."""
    unwanted = set(check_repositories(repositories))
    with store.session() as session:
        user = _get(session, name)
        user.grants = [g for g in user.grants if g.repository not in unwanted]
        session.flush()
        return account_of(user)


def set_hiring(store: Store, name: str, hiring: str | None) -> Account:
    """Make `name` an interviewer or a hiring manager, or (None) take hiring access away."""
    if hiring is not None and hiring not in HIRING_ROLES:
        raise AccountError(f"hiring role {hiring!r}: use one of {', '.join(HIRING_ROLES)} or none")
    with store.session() as session:
        user = _get(session, name)
        if hiring is not None and user.role == "viewer":
            raise AccountError(
                f"{name} is a viewer and cannot submit scorecards: make them an editor first "
                f"(techlead user role {name} editor)"
            )
        user.hiring = hiring
        return account_of(user)


def remove_user(store: Store, name: str) -> int:
    """Remove `name` with their tokens and sessions; how many sessions were ended."""
    with store.session() as session:
        user = _get(session, name)
        ended = _end_sessions(session, user)
        session.delete(user)
        return ended


@dataclass(frozen=True)
class CheckedPassword:
    """A password found right: for whom, the hash it matched, and a stronger hash of it when
    the stored one uses weaker parameters than today's."""

    account: Account
    matched_hash: str
    rehashed: str | None


def check_password_of(store: Store, name: str, password: str) -> CheckedPassword | None:
    """Whether `password` is `name`'s (None if not, or no such user: same time either way).
    The hash is read in a read-only transaction and checked after it, so no lock is held
    while argon2 works (a good part of a second of CPU)."""
    with store.reading() as connection, Session(bind=connection) as session:
        user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        account = account_of(user) if user is not None else None
        stored = user.password_hash if user is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None:
        return None
    rehashed = _hasher.hash(password) if _hasher.check_needs_rehash(stored) else None
    return CheckedPassword(account, stored, rehashed)


def authenticate(store: Store, name: str, password: str) -> Account | None:
    """The account if the password is right; None otherwise (same time either way)."""
    checked = check_password_of(store, name, password)
    if checked is None:
        return None
    if checked.rehashed is not None:
        with store.session() as session:
            user = _get(session, name)
            if user.password_hash == checked.matched_hash:  # not changed meanwhile
                user.password_hash = checked.rehashed
    return checked.account


_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def create_token(store: Store, name: str, label: str) -> str:
    """A new API token for `name`; the token is shown once and never stored."""
    token = "tl_" + secrets.token_urlsafe(32)
    with store.session() as session:
        user = _get(session, name)
        session.add(
            ApiToken(
                user_id=user.id,
                label=label,
                token_hash=token_hash(token),
                created_at=dt.datetime.now(dt.UTC),
            )
        )
    return token


def account_for_token(store: Store, token: str) -> Account | None:
    """The account of an API token, if it exists (and when it was last used, to the minute:
    a script's every request is not a write)."""
    with store.reading() as connection, Session(bind=connection) as session:
        found = session.execute(
            select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == token_hash(token))
        ).one_or_none()
        if found is None:
            return None
        api_token, user = found
        account, token_id, last_used = account_of(user), api_token.id, api_token.last_used_at
    now = dt.datetime.now(dt.UTC)
    if last_used is None or now - last_used > LAST_USED_RESOLUTION:
        with store.session() as session:
            session.execute(
                update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
            )
    return account


LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class TokenInfo:
    """An API token as listed: never the token itself, which is not stored."""

    id: int
    user: str
    label: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


def _token_info(api_token: ApiToken, user: str) -> TokenInfo:
    return TokenInfo(
        api_token.id, user, api_token.label, api_token.created_at, api_token.last_used_at
    )


def list_tokens(store: Store, name: str | None = None) -> list[TokenInfo]:
    """Every API token (of `name`, if given), oldest first."""
    with store.reading() as connection, Session(bind=connection) as session:
        if name is not None:
            _get(session, name)
        query = select(ApiToken, User.name).join(User, User.id == ApiToken.user_id)
        if name is not None:
            query = query.where(User.name == name)
        rows = session.execute(query.order_by(ApiToken.id)).all()
        return [_token_info(api_token, user) for api_token, user in rows]


def revoke_token(store: Store, which: str) -> TokenInfo:
    """Revoke one API token, given by its number (`user token list`) or by the token itself."""
    query = select(ApiToken, User.name).join(User, User.id == ApiToken.user_id)
    if which.startswith("tl_"):
        query = query.where(ApiToken.token_hash == token_hash(which))
        shown = "that token"
    elif which.isdigit() and len(which) <= 18:
        query = query.where(ApiToken.id == int(which))
        shown = f"token {which}"
    else:
        raise AccountError(
            f"token {which!r}: give its number (techlead user token list) or the token (tl_...)"
        )
    with store.session() as session:
        found = session.execute(query).one_or_none()
        if found is None:
            raise UnknownTokenError(f"{shown}: no such token")
        api_token, user = found
        info = _token_info(api_token, user)
        session.delete(api_token)
        return info
