"""Every capability of techlead, listed once: the commands it adds to the CLI, its pages on the
dashboard, its sections of the settings and the record-store tables that name a repository.

The CLI, the web app and the tests that keep the settings and the store in step read this list.
Everything in it is named by a dotted string, so reading it imports no capability: `techlead
--help` lists the commands from here and imports none of them (ADR 0028, ADR 0031).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """A command of `techlead`: its name, where it lives ("package.module:attribute", a Typer
    app or a command function), the line `techlead --help` shows for it, and its read-only
    subcommands whose answers the result cache may replay over an unchanged HEAD (ADR 0032)."""

    name: str
    target: str
    help: str
    replayed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    """An entry of the dashboard's navigation: a path under /repos/NAME and its label."""

    path: str
    label: str


@dataclass(frozen=True)
class Capability:
    """One capability: its package (`techlead.NAME`), its commands in the order `--help` lists
    them, its web module (a `router` of pages mounted under /repos/NAME and a `twins` router of
    their JSON twins under /api/repos/NAME), its navigation entries, the sections of
    `techlead.toml` it owns and the record-store tables of its records that carry a
    `repository` column."""

    name: str
    commands: tuple[Command, ...] = ()
    web: str | None = None
    pages: tuple[Page, ...] = ()
    settings: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()


# In the order `techlead --help` lists their commands.
CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "history",
        commands=(
            Command(
                "scan",
                "techlead.history.cli:scan_command",
                "Mine a repository's history into the cache (only new commits after the first "
                "time).",
            ),
        ),
        settings=("history",),
    ),
    Capability(
        "review",
        commands=(
            Command(
                "review",
                "techlead.review.cli:review_command",
                "Review a change: defect risk of each commit in words, hotspots and coupled "
                "files, suggested reviewers, decision rules, complexity, tests, security, "
                "AI-assisted commits. Exit 1 when a gate fails (see the review section of "
                "techlead.toml).",
            ),
        ),
        settings=("review",),
    ),
    Capability(
        "web",
        commands=(
            Command(
                "serve",
                "techlead.web.cli:serve_command",
                "Open the dashboard: scans the repositories, then serves their pages on 127.0.0.1.",
            ),
        ),
        web="techlead.web.overview",
        pages=(Page("/", "Overview"),),
    ),
    Capability(
        "debt",
        commands=(
            Command(
                "debt",
                "techlead.debt.cli:app",
                "Where technical debt slows the team down.",
                replayed=("hotspots", "coupling"),
            ),
        ),
        web="techlead.debt.web",
        pages=(Page("/hotspots", "Hotspots"), Page("/coupling", "Coupling")),
        settings=("debt",),
    ),
    Capability(
        "team",
        commands=(
            Command(
                "team",
                "techlead.team.cli:app",
                "Who knows what: ownership, truck factor, off-boarding.",
                replayed=("truck-factor",),
            ),
        ),
        web="techlead.team.web",
        pages=(Page("/team", "Team"),),
    ),
    Capability(
        "decisions",
        commands=(
            Command(
                "adr",
                "techlead.decisions.cli:app",
                "Architecture decision records (MADR and adr-tools compatible).",
            ),
            Command(
                "decide",
                "techlead.decisions.cli:decide_app",
                "Weighted decision matrices with sensitivity analysis.",
            ),
        ),
        web="techlead.decisions.web",
        pages=(Page("/decisions", "Decisions"),),
        settings=("decisions",),
    ),
    Capability(
        "incidents",
        commands=(
            Command(
                "incident",
                "techlead.incidents.cli:app",
                "Production incidents: open, respond, resolve, learn (post-mortems).",
            ),
            Command(
                "action",
                "techlead.incidents.cli:action_app",
                "Action items from incidents and post-mortems.",
            ),
            Command(
                "runbook",
                "techlead.incidents.cli:runbook_app",
                "Runbooks: Markdown with service, alerts, owner, last-reviewed.",
            ),
        ),
        web="techlead.incidents.web",
        pages=(Page("/incidents", "Incidents"),),
        settings=("incidents", "runbooks"),
        tables=("incidents",),
    ),
    Capability(
        "planning",
        commands=(
            Command(
                "plan",
                "techlead.planning.cli:app",
                "Planning: backlog imports, story lint, Monte Carlo forecasts, capacity, "
                "calibration.",
            ),
        ),
        web="techlead.planning.web",
        pages=(Page("/planning", "Planning"),),
        settings=("planning",),
        tables=("work_items",),
    ),
    Capability(
        "risk",
        commands=(
            Command(
                "risk",
                "techlead.risk.cli:app",
                "Defect risk of changes: Kamei's metrics, SZZ labels, a model and its evaluation.",
            ),
        ),
        web="techlead.risk.web",
        pages=(Page("/risk", "Risk"),),
        settings=("risk",),
    ),
    Capability(
        "release",
        commands=(
            Command(
                "release",
                "techlead.release.cli:app",
                "Release readiness: gates over CI evidence and the records, sign-offs, history.",
            ),
        ),
        web="techlead.release.web",
        pages=(Page("/release", "Releases"),),
        settings=("release",),
        tables=("releases",),
    ),
    Capability(
        "delivery",
        commands=(
            Command(
                "delivery",
                "techlead.delivery.cli:app",
                "Delivery performance: DORA keys from tags or a deploy log.",
            ),
        ),
        web="techlead.delivery.web",
        pages=(Page("/delivery", "Delivery"),),
        settings=("delivery",),
    ),
    Capability(
        "docs",
        commands=(
            Command(
                "docs", "techlead.docs.cli:app", "Living documentation: broken links, stale docs."
            ),
        ),
    ),
    Capability(
        "report",
        commands=(
            Command(
                "report", "techlead.report.cli:app", "Reports for people who do not read code."
            ),
        ),
    ),
    Capability(
        "hiring",
        commands=(
            Command(
                "hire",
                "techlead.hiring.cli:app",
                "Technical interviews: competency matrix, kits, scorecards, debriefs, "
                "calibration. Candidates' data stays in the record store, never in git.",
            ),
        ),
        web="techlead.hiring.web",
        pages=(Page("/hire", "Hiring"),),
        settings=("hiring",),
        tables=("candidates",),
    ),
    Capability(
        "org",
        commands=(
            Command(
                "org",
                "techlead.org.cli:app",
                "Many repositories at once on a Dask cluster (a local one by default): scan, "
                "hotspots, truck factors, delivery.",
            ),
        ),
    ),
    Capability(
        "accounts",
        # its web module (sign-in, users) is the team server's gate, at the server's root and
        # only in team mode: techlead.web.app mounts it itself
        commands=(
            Command(
                "user",
                "techlead.accounts.cli:app",
                "Users of the team server (techlead serve --team): roles, passwords, API "
                "tokens, sessions.",
            ),
        ),
        settings=("server",),
        tables=("repository_grants",),
    ),
)

# The capabilities with pages, in the order the dashboard's navigation shows them.
DASHBOARD = (
    "web",
    "debt",
    "team",
    "decisions",
    "incidents",
    "planning",
    "risk",
    "delivery",
    "release",
    "hiring",
)

# Sections of the settings that many capabilities read and none owns.
SHARED_SETTINGS = ("identities", "files", "store")


def on_dashboard() -> tuple[Capability, ...]:
    """The capabilities with pages, in the dashboard's order."""
    by_name = {capability.name: capability for capability in CAPABILITIES}
    return tuple(by_name[name] for name in DASHBOARD)


def replayed_answers() -> frozenset[tuple[str, str]]:
    """(command, subcommand) of every answer the result cache may replay."""
    return frozenset(
        (command.name, sub)
        for capability in CAPABILITIES
        for command in capability.commands
        for sub in command.replayed
    )
