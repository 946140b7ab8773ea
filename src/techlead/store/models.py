"""Tables of the record store (SQLAlchemy 2 declarative models).

Times are stored in UTC: timezone-aware in PostgreSQL, and as UTC in SQLite (which has no time
zones), and always come back timezone-aware.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A point in time, stored in UTC and read back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Incident(Base):
    """A production incident from detection to closure."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repository: Mapped[str] = mapped_column(String(100))
    external_id: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500))
    severity: Mapped[str] = mapped_column(String(20))
    service: Mapped[str | None] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    summary: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    detected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    identified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    mitigated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    postmortem_path: Mapped[str | None] = mapped_column(String(1000))
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    entries: Mapped[list[TimelineEntry]] = relationship(
        back_populates="incident", order_by="(TimelineEntry.at, TimelineEntry.id)"
    )
    roles: Mapped[list[Role]] = relationship(order_by="Role.role")
    links: Mapped[list[Link]] = relationship(order_by="(Link.kind, Link.target)")
    actions: Mapped[list[ActionItem]] = relationship(
        back_populates="incident", order_by="ActionItem.id"
    )

    __table_args__ = (
        UniqueConstraint("repository", "external_id"),
        Index("ix_incidents_repository_updated", "repository", "updated_at"),
    )


class TimelineEntry(Base):
    """Something that happened during an incident, at a time (given or recorded)."""

    __tablename__ = "timeline_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    incident: Mapped[Incident] = relationship(back_populates="entries")

    __table_args__ = (Index("ix_timeline_entries_incident_at", "incident_id", "at"),)


class Role(Base):
    """Who holds an incident role (commander, deputy, scribe, comms, sme)."""

    __tablename__ = "incident_roles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    assigned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("incident_id", "role", "name"),)


class Link(Base):
    """A relation from an incident to a commit, a decision record, a runbook or an incident."""

    __tablename__ = "incident_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("incident_id", "kind", "target"),)


class ActionItem(Base):
    """Follow-up work from an incident's post-mortem."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(20))
    owner: Mapped[str | None] = mapped_column(String(200))
    due: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    incident: Mapped[Incident] = relationship(back_populates="actions")


class WorkItem(Base):
    """A backlog item imported from a tracker (Jira, GitHub issues, Linear)."""

    __tablename__ = "work_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repository: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(1000))
    type: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(20), index=True)
    resolution: Mapped[str | None] = mapped_column(String(100))
    points: Mapped[float | None] = mapped_column(Float)
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    sprints: Mapped[list[str]] = mapped_column(JSON, default=list)
    parent: Mapped[str | None] = mapped_column(String(200))
    assignee: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    acceptance: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    transitions: Mapped[list[ItemTransition]] = relationship(
        order_by="(ItemTransition.at, ItemTransition.id)", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("repository", "source", "key"),)


class ItemTransition(Base):
    """A status change of a work item, from the tracker's change log."""

    __tablename__ = "work_item_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("work_items.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    from_status: Mapped[str | None] = mapped_column(String(100))
    to_status: Mapped[str] = mapped_column(String(100))

    __table_args__ = (Index("ix_work_item_transitions_item_at", "item_id", "at"),)


class User(Base):
    """Someone who may sign in to the team server."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    hiring: Mapped[str | None] = mapped_column(String(20))  # interviewer or manager

    grants: Mapped[list[RepositoryGrant]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="RepositoryGrant.repository"
    )


class ApiToken(Base):
    """A bearer token for scripts; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class LoginSession(Base):
    """A signed-in browser: the cookie holds the token, the table its SHA-256 and CSRF token."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class RepositoryGrant(Base):
    """A repository a (non-admin) user may see on the team server."""

    __tablename__ = "repository_grants"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    repository: Mapped[str] = mapped_column(String(100), primary_key=True)


class Release(Base):
    """A release of a repository, named as the team names them (a tag, a version)."""

    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repository: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    checks: Mapped[list[ReleaseCheck]] = relationship(
        order_by="ReleaseCheck.id", cascade="all, delete-orphan"
    )
    signoffs: Mapped[list[ReleaseSignoff]] = relationship(
        order_by="ReleaseSignoff.id", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("repository", "name"),)


class ReleaseCheck(Base):
    """One `release check`: its verdict and every gate with its evidence."""

    __tablename__ = "release_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("releases.id", ondelete="CASCADE"), index=True
    )
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    commit: Mapped[str | None] = mapped_column(String(64))
    go: Mapped[bool] = mapped_column()
    gates: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)


class ReleaseSignoff(Base):
    """A person's sign-off of a release in a role (security, qa, product, ...)."""

    __tablename__ = "release_signoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("releases.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(50))
    person: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)


class Candidate(Base):
    """Someone interviewing for a role. Name, email and notes are personal data: purged after
    the retention period, while the scores stay for calibration."""

    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repository: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[float | None] = mapped_column(Float)  # a hire's later rating, 1-4
    outcome_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    scorecards: Mapped[list[Scorecard]] = relationship(
        order_by="Scorecard.id", cascade="all, delete-orphan", lazy="selectin"
    )


class Scorecard(Base):
    """One interviewer's assessment of a candidate in one stage; a draft until submitted."""

    __tablename__ = "scorecards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    interviewer: Mapped[str] = mapped_column(String(100), index=True)
    stage: Mapped[str] = mapped_column(String(50))
    recommendation: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    assigned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    scores: Mapped[list[CompetencyScore]] = relationship(
        order_by="CompetencyScore.competency", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (UniqueConstraint("candidate_id", "interviewer", "stage"),)


class CompetencyScore(Base):
    """A score of 1-4 on one competency, with the evidence behind it."""

    __tablename__ = "competency_scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(
        ForeignKey("scorecards.id", ondelete="CASCADE"), index=True
    )
    competency: Mapped[str] = mapped_column(String(100))
    score: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("scorecard_id", "competency"),)


def repository_tables() -> list[Table]:
    """Every table whose rows carry the name of a repository (a `repository` column): the
    records of a repository and the grants to see one."""
    return [table for table in Base.metadata.sorted_tables if "repository" in table.c]
