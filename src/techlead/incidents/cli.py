"""`techlead incident ...`, `techlead action ...`, `techlead runbook ...`: the CLI shells."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import polars as pl
import typer
from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from techlead import terminal
from techlead.config import load_settings
from techlead.history.git import open_repository
from techlead.incidents.runbooks import (
    find_runbook,
    for_service,
    load_runbooks,
    mark_reviewed,
    runbook_directory,
    runbook_text,
    write_runbook,
)
from techlead.incidents.times import duration, optional_time, parse_date, parse_since, show
from techlead.options import FormatOption, QuietOption, RepoOption
from techlead.output import OutputFormat, print_wrapped, render_frame, render_problems, to_json
from techlead.shell import opened_store

if TYPE_CHECKING:
    from techlead.incidents import service

AtOption = Annotated[
    str | None,
    typer.Option("--at", help='When it happened, e.g. "2026-11-20 14:03 UTC" (default: now).'),
]
IdArgument = Annotated[str, typer.Argument(help="Incident id (7 or INC-7).")]


def _id(value: str) -> int:
    from techlead.incidents import service

    return service.parse_id(value)


app = typer.Typer(
    help="Production incidents: open, respond, resolve, learn (post-mortems).",
    no_args_is_help=True,
)


@app.command("open")
def open_command(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What is wrong, in a few words.")],
    severity: Annotated[str, typer.Option("--severity", "-s", help="SEV1 (worst) to SEV5.")],
    service_name: Annotated[
        str | None, typer.Option("--service", help="The affected service.")
    ] = None,
    commander: Annotated[str | None, typer.Option(help="Incident commander.")] = None,
    at: AtOption = None,
    started: Annotated[
        str | None, typer.Option(help="When impact began, if before detection (--at).")
    ] = None,
    summary: Annotated[str | None, typer.Option(help="A first description.")] = None,
    repo: RepoOption = Path("."),
) -> None:
    """Open an incident (status investigating); lists the runbooks of its service."""
    from techlead.incidents import service

    with opened_store(ctx, repo) as (root, settings, store):
        level = service.check_severity(severity, settings.incidents.severities)
        books = for_service(runbook_directory(root, settings), service_name) if service_name else []
        incident = service.open_incident(
            store,
            title,
            level,
            service=service_name,
            commander=commander,
            detected_at=optional_time(at, "--at"),
            started_at=optional_time(started, "--started"),
            summary=summary,
        )
        major = settings.incidents.severities[level].major
        terminal.stdout.print(
            f"opened incident {incident.id}: {incident.title} ({level}"
            + (", major: a post-mortem will be needed" if major else "")
            + ")"
        )
        if service_name:
            for book in books:
                where = book.path.relative_to(root) if book.path.is_relative_to(root) else book.path
                terminal.stdout.print(f"runbook for {service_name}: {book.title} ({where})")
            if not books:
                terminal.stdout.print(f"no runbook for {service_name}")


@app.command("ack")
def ack_command(
    ctx: typer.Context,
    incident: IdArgument,
    by: Annotated[str | None, typer.Option(help="Who acknowledges.")] = None,
    at: AtOption = None,
    repo: RepoOption = Path("."),
) -> None:
    """Acknowledge an incident (someone is on it)."""
    from techlead.incidents import service

    with opened_store(ctx, repo) as (_, _settings, store):
        found = service.acknowledge(store, _id(incident), by, optional_time(at, "--at"))
        waited = (
            duration(found.acknowledged_at - found.detected_at) if found.acknowledged_at else "—"
        )
        terminal.stdout.print(f"incident {found.id} acknowledged {waited} after detection")


@app.command("update")
def update_command(
    ctx: typer.Context,
    incident: IdArgument,
    text: Annotated[str, typer.Argument(help="What happened or was learned.")],
    by: Annotated[str | None, typer.Option(help="Who reports it.")] = None,
    at: AtOption = None,
    repo: RepoOption = Path("."),
) -> None:
    """Add an entry to an incident's timeline."""
    from techlead.incidents import service

    with opened_store(ctx, repo) as (_, _settings, store):
        entry = service.add_update(store, _id(incident), text, by, optional_time(at, "--at"))
        terminal.stdout.print(f"incident {entry.incident_id}: noted at {show(entry.at)}")


@app.command("role")
def role_command(
    ctx: typer.Context,
    incident: IdArgument,
    role: Annotated[str, typer.Argument(help="commander, deputy, scribe, comms or sme.")],
    name: Annotated[str, typer.Argument(help="Who takes it.")],
    at: AtOption = None,
    repo: RepoOption = Path("."),
) -> None:
    """Give someone an incident role (commander, deputy, scribe and comms have one holder)."""
    from techlead.incidents import service

    with opened_store(ctx, repo) as (_, _settings, store):
        service.assign_role(store, _id(incident), role, name, optional_time(at, "--at"))
        terminal.stdout.print(f"incident {_id(incident)}: {name} is {role.lower()}")


@app.command("status")
def status_command(
    ctx: typer.Context,
    incident: IdArgument,
    status: Annotated[
        str, typer.Argument(help="investigating, identified, mitigated, resolved or closed.")
    ],
    at: AtOption = None,
    repo: RepoOption = Path("."),
) -> None:
    """Move an incident forward; closing needs it resolved (and a post-mortem if major)."""
    from techlead.incidents import service

    with opened_store(ctx, repo) as (root, settings, store):
        found = service.change_status(
            store,
            _id(incident),
            status,
            settings.incidents.severities,
            at=optional_time(at, "--at"),
            root=root,
        )
        terminal.stdout.print(f"incident {found.id}: {found.status}")


@app.command("link")
def link_command(
    ctx: typer.Context,
    incident: IdArgument,
    commit: Annotated[
        list[str] | None, typer.Option(help="A commit (id or prefix) in the mined history.")
    ] = None,
    adr: Annotated[list[str] | None, typer.Option(help="A decision record number.")] = None,
    runbook: Annotated[list[str] | None, typer.Option(help="A runbook name.")] = None,
    other: Annotated[
        list[str] | None, typer.Option("--incident", help="Another incident's id.")
    ] = None,
    note: Annotated[str | None, typer.Option(help='Why, e.g. "caused it".')] = None,
    repo: RepoOption = Path("."),
    quiet: QuietOption = False,
) -> None:
    """Link an incident to commits, decision records, runbooks or other incidents."""
    from techlead.incidents import service
    from techlead.incidents.evidence import verify_adr, verify_commit

    if not (commit or adr or runbook or other):
        raise service.IncidentError("give --commit, --adr, --runbook or --incident")
    with opened_store(ctx, repo) as (root, settings, store):
        number = _id(incident)
        service.get(store, number)
        targets: list[tuple[str, str, str]] = []
        for given in commit or []:
            full, subject = verify_commit(root, settings, given, quiet)
            targets.append(("commit", full, subject))
        for given in adr or []:
            title = verify_adr(root, settings, given)
            targets.append(("adr", title.split(" ", 1)[0], title))
        for given in runbook or []:
            book = find_runbook(runbook_directory(root, settings), given)
            targets.append(("runbook", book.name, book.title))
        targets.extend(("incident", given, given) for given in other or [])
        for kind, target, label in targets:
            service.add_link(store, number, kind, target, note)
            terminal.stdout.print(f"incident {number}: linked {kind} {label}")


def _incident_rows(views: list[service.IncidentView]) -> pl.DataFrame:
    from techlead.incidents.detail import incident_row

    return pl.DataFrame(
        [incident_row(v).model_dump() for v in views],
        schema={
            "id": pl.Int64,
            "severity": pl.String,
            "status": pl.String,
            "title": pl.String,
            "service": pl.String,
            "commander": pl.String,
            "detected_at": pl.Datetime("us", "UTC"),
            "resolved_at": pl.Datetime("us", "UTC"),
        },
    )


@app.command("list")
def list_command(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Only unresolved incidents.")] = False,
    severity: Annotated[str | None, typer.Option(help="Only this severity.")] = None,
    service_name: Annotated[
        str | None, typer.Option("--service", help="Only this service.")
    ] = None,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """Incidents, newest first."""
    from techlead.incidents import service

    with opened_store(ctx, repo) as (_, settings, store):
        level = (
            service.check_severity(severity, settings.incidents.severities) if severity else None
        )
        views = service.list_incidents(
            store, open_only=open_only, severity=level, service=service_name
        )
        render_frame(_incident_rows(views), output, "Incidents")


@app.command("show")
def show_command(
    ctx: typer.Context,
    incident: IdArgument,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """One incident: its facts, roles, links, action items and latest timeline entries."""
    from techlead.incidents import service

    with opened_store(ctx, repo) as (_, _settings, store):
        view = service.get(store, _id(incident))
    if output is not OutputFormat.table:
        if output is OutputFormat.json:
            from techlead.incidents.detail import incident_detail

            sys.stdout.write(to_json(incident_detail(view).model_dump()) + "\n")
            return
        render_frame(_incident_rows([view]), output)
        return
    print_wrapped(_incident_card(view))


def _incident_card(view: service.IncidentView) -> Group:
    """One incident as its heading, its facts and its latest timeline entries, each value
    wrapped beside its label."""
    i = view.incident
    facts: list[tuple[str, str]] = []
    if i.external_id:
        facts.append(("imported as", i.external_id))
    if i.summary:
        facts.append(("summary", i.summary))
    for name in (
        "started",
        "detected",
        "acknowledged",
        "identified",
        "mitigated",
        "resolved",
        "closed",
    ):
        moment = getattr(i, f"{name}_at")
        if moment is not None:
            facts.append((name, show(moment)))
    facts += [(role.role, role.name) for role in view.roles]
    facts += [
        (f"linked {link.kind}", link.target + (f" — {link.note}" if link.note else ""))
        for link in view.links
    ]
    facts += [("linked from", f"incident {other}") for other in view.linked_from]
    if i.postmortem_path:
        facts.append(("post-mortem", str(i.postmortem_path)))
    facts += [(f"action {a.id}", f"[{a.status}] {a.text}") for a in view.actions]
    timeline = [(show(entry.at), entry.text) for entry in view.entries[-10:]]
    return Group(
        Text(f"Incident {i.id}: {i.title}", style="bold"),
        Text(f"{i.severity} · {i.status}" + (f" · {i.service}" if i.service else "")),
        Padding(_grid(facts, 13, 1), (0, 0, 0, 2), expand=False),
        Text("Timeline (latest 10; all with: techlead incident timeline):"),
        Padding(_grid(timeline, 0, 2), (0, 0, 0, 2), expand=False),
    )


def _grid(rows: list[tuple[str, str]], label_width: int, gap: int) -> Table:
    grid = Table.grid(padding=(0, gap))
    grid.add_column(no_wrap=True, min_width=label_width)
    grid.add_column(overflow="fold")
    for row in rows:
        grid.add_row(*row)
    return grid


@app.command("timeline")
def timeline_command(
    ctx: typer.Context,
    incident: IdArgument,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """An incident's timeline in time order (UTC)."""
    from techlead.incidents import service

    with opened_store(ctx, repo) as (_, _settings, store):
        view = service.get(store, _id(incident))
    frame = pl.DataFrame(
        [(e.at, e.kind, e.text, e.author) for e in view.entries],
        schema={
            "at": pl.Datetime("us", "UTC"),
            "kind": pl.String,
            "text": pl.String,
            "author": pl.String,
        },
        orient="row",
    )
    render_frame(frame, output, f"Incident {view.incident.id}: {view.incident.title}")


@app.command("stats")
def stats_command(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            help="Only incidents detected since this time or date, or a span back from now: "
            "90d, 6w, 3m, 2q, 1y."
        ),
    ] = None,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """Counts by severity and service, MTTD/MTTA/MTTM/MTTR, post-mortems and action items."""
    from techlead.incidents.stats import incident_stats, stats_document

    with opened_store(ctx, repo) as (root, settings, store):
        stats = incident_stats(
            store,
            root,
            settings.incidents.severities,
            parse_since(since) if since else None,
            dt.date.today(),
        )
    rate = stats.postmortem_rate
    if output is OutputFormat.json:
        document = stats_document(stats)
        sys.stdout.write(to_json(document) + "\n")
        return
    rows = [
        ("incidents", str(stats.incidents), f"{stats.open} open"),
        *((f"severity {name}", str(count), "") for name, count in stats.by_severity.items()),
        *((f"service {name}", str(count), "") for name, count in stats.by_service.items()),
        *(
            (
                iv.name,
                f"mean {duration(iv.mean)}, median {duration(iv.median)}",
                f"{iv.definition}; n={iv.count}",
            )
            for iv in stats.intervals
        ),
        (
            "post-mortems",
            "—" if rate is None else f"{rate:.0%}",
            f"{stats.major_with_postmortem} of {stats.major_done} resolved major incidents",
        ),
        ("open action items", str(stats.open_actions), f"{stats.overdue_actions} overdue"),
    ]
    frame = pl.DataFrame(rows, schema=["measure", "value", "detail"], orient="row")
    render_frame(frame, output, "Incident statistics" + (f" since {since}" if since else ""))


@app.command("search")
def search_command(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Words to look for.")],
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 10,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """Similar incidents: full text over titles, timelines, action items and post-mortems."""
    from techlead.incidents.search import search

    with opened_store(ctx, repo) as (root, _settings, store):
        hits = search(store, root, text, limit)
    frame = pl.DataFrame(
        [
            (
                h.rank,
                h.incident.id,
                h.score,
                h.engine_score,
                h.incident.severity,
                h.incident.status,
                h.incident.title,
                h.incident.detected_at,
            )
            for h in hits
        ],
        schema={
            "rank": pl.Int64,
            "id": pl.Int64,
            "score": pl.Float64,
            "engine_score": pl.Float64,
            "severity": pl.String,
            "status": pl.String,
            "title": pl.String,
            "detected_at": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )
    if output is OutputFormat.table:  # rows are in rank order; BM25 on a few incidents is
        shown = [_relevance(share) for share in frame.get_column("score")]  # ~1e-6
        frame = frame.drop("rank", "engine_score").with_columns(pl.Series("score", shown))
    render_frame(frame, output, f"Incidents like {text!r}")


def _relevance(share: float) -> str:
    """A hit's score against the best one's, as a percentage that is never shown as 0."""
    return "<1%" if share < 0.005 else f"{share:.0%}"


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV export (columns: see docs/incidents.md).")],
    repo: RepoOption = Path("."),
) -> None:
    """Import incidents from a CSV export; re-importing updates them (all rows or none)."""
    from techlead.incidents import service
    from techlead.incidents.importer import import_csv
    from techlead.inputs.files import check_file

    check_file(file, error=service.IncidentError)  # before the record store is opened
    with opened_store(ctx, repo) as (_, settings, store):
        done = import_csv(
            store, file, settings.incidents.severities, settings.files.max_input_bytes
        )
    noun = "incident" if done.added == 1 else "incidents"
    terminal.stdout.print(
        f"{file}: {done.added} {noun} added, {done.updated} updated, {done.unchanged} unchanged"
    )


@app.command("postmortem")
def postmortem_command(
    ctx: typer.Context,
    incident: IdArgument,
    repo: RepoOption = Path("."),
) -> None:
    """Write a blameless post-mortem draft, or refresh the generated parts of the existing one."""
    from techlead.incidents import service
    from techlead.incidents.postmortem import write_postmortem

    with opened_store(ctx, repo) as (root, settings, store):
        view = service.get(store, _id(incident))
        existing = service.postmortem_file(view.incident, root)
        directory = (root / settings.incidents.postmortem_directory).resolve()
        if not directory.is_relative_to(root.resolve()):
            raise service.IncidentError(
                f"incidents.postmortem_directory {settings.incidents.postmortem_directory}: "
                f"outside the repository {root}; post-mortems are kept with the code"
            )
        path, content, missing, refreshed = write_postmortem(
            view, settings.incidents.severities, directory, existing, root
        )
        relative = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        service.set_postmortem(store, view.incident.id, relative, content)
    verb = "refreshed" if refreshed else "wrote"
    terminal.stdout.print(f"{verb} {relative}")
    for name in missing:
        terminal.stderr.print(f"note: the {name} block's markers were removed; left as it is")


action_app = typer.Typer(help="Action items from incidents and post-mortems.", no_args_is_help=True)


def _action_rows(items: list[Any]) -> pl.DataFrame:
    return pl.DataFrame(
        [(a.id, a.incident_id, a.type, a.text, a.owner, a.due, a.status) for a in items],
        schema={
            "id": pl.Int64,
            "incident": pl.Int64,
            "type": pl.String,
            "action": pl.String,
            "owner": pl.String,
            "due": pl.Date,
            "status": pl.String,
        },
        orient="row",
    )


@action_app.command("add")
def action_add_command(
    ctx: typer.Context,
    incident: IdArgument,
    text: Annotated[str, typer.Argument(help="What will be done.")],
    kind: Annotated[str, typer.Option("--type", help="mitigate, prevent or process.")] = "prevent",
    owner: Annotated[str | None, typer.Option(help="Who owns it.")] = None,
    due: Annotated[str | None, typer.Option(help="Due date, YYYY-MM-DD.")] = None,
    repo: RepoOption = Path("."),
) -> None:
    """Add an action item to an incident."""
    from techlead.incidents import service

    due_date = parse_date(due, "--due") if due else None
    with opened_store(ctx, repo) as (_, _settings, store):
        item = service.add_action(store, _id(incident), text, kind, owner, due_date)
    terminal.stdout.print(f"action item {item.id} added to incident {item.incident_id}")


@action_app.command("done")
def action_done_command(
    ctx: typer.Context,
    action: Annotated[str, typer.Argument(help="Action item id.")],
    repo: RepoOption = Path("."),
) -> None:
    """Mark an action item done."""
    from techlead.incidents import service

    with opened_store(ctx, repo) as (_, _settings, store):
        item = service.complete_action(store, service.parse_id(action, "action item"))
    terminal.stdout.print(f"action item {item.id} done")


@action_app.command("list")
def action_list_command(
    ctx: typer.Context,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only open items past due.")] = False,
    open_only: Annotated[bool, typer.Option("--open", help="Only open items.")] = False,
    incident: Annotated[str | None, typer.Option(help="Only this incident's items.")] = None,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """Action items, soonest due first."""
    from techlead.incidents import service

    with opened_store(ctx, repo) as (_, _settings, store):
        if incident:
            service.get(store, _id(incident))  # an unknown incident is an error, not "none"
        items = service.list_actions(
            store,
            incident_id=_id(incident) if incident else None,
            open_only=open_only,
            overdue_on=dt.date.today() if overdue else None,
        )
    render_frame(_action_rows(items), output, "Overdue action items" if overdue else "Action items")


runbook_app = typer.Typer(
    help="Runbooks: Markdown with service, alerts, owner, last-reviewed.", no_args_is_help=True
)


def _runbook_settings(ctx: typer.Context, repo: Path) -> tuple[Path, Path, int]:
    obj: dict[str, Any] = ctx.obj or {}
    root = open_repository(repo).root
    settings = load_settings(root, obj.get("config"))
    return root, runbook_directory(root, settings), settings.runbooks.review_days


@runbook_app.command("new")
def runbook_new_command(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help='e.g. "Payments API is slow".')],
    service_name: Annotated[str, typer.Option("--service", help="The service it is for.")],
    owner: Annotated[str, typer.Option(help="Who keeps it current.")],
    alert: Annotated[
        list[str] | None, typer.Option(help="An alert it answers (repeatable).")
    ] = None,
    repo: RepoOption = Path("."),
) -> None:
    """Write a runbook from the template."""
    _, directory, _ = _runbook_settings(ctx, repo)
    path = write_runbook(directory, title, service_name, owner, alert or [], dt.date.today())
    terminal.stdout.print(f"created {path}")


@runbook_app.command("list")
def runbook_list_command(
    ctx: typer.Context,
    service_name: Annotated[
        str | None, typer.Option("--service", help="Only this service.")
    ] = None,
    stale_only: Annotated[
        bool, typer.Option("--stale", help="Only runbooks due for review.")
    ] = False,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """Runbooks with their service, owner, alerts and last review."""
    _, directory, days = _runbook_settings(ctx, repo)
    today = dt.date.today()
    books = [
        b
        for b in load_runbooks(directory)
        if (service_name is None or b.service == service_name)
        and (not stale_only or b.stale(today, days))
    ]
    frame = pl.DataFrame(
        [
            (
                b.name,
                b.title,
                b.service,
                b.owner,
                ", ".join(b.alerts),
                b.last_reviewed,
                b.stale(today, days),
            )
            for b in books
        ],
        schema={
            "runbook": pl.String,
            "title": pl.String,
            "service": pl.String,
            "owner": pl.String,
            "alerts": pl.String,
            "last_reviewed": pl.Date,
            "stale": pl.Boolean,
        },
        orient="row",
    )
    render_frame(frame, output, f"Runbooks in {directory}")


@runbook_app.command("show")
def runbook_show_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Runbook name (file name without .md).")],
    repo: RepoOption = Path("."),
) -> None:
    """Print a runbook."""
    _, directory, _ = _runbook_settings(ctx, repo)
    text = runbook_text(find_runbook(directory, name))
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


@runbook_app.command("lint")
def runbook_lint_command(
    ctx: typer.Context,
    repo: RepoOption = Path("."),
    output: FormatOption = OutputFormat.table,
) -> None:
    """Missing or malformed front matter and runbooks due for review; exit 1 if any."""
    _, directory, days = _runbook_settings(ctx, repo)
    today = dt.date.today()
    problems = [
        (book.path.name, problem)
        for book in load_runbooks(directory)
        for problem in [
            *book.problems,
            *(
                [f"not reviewed for more than {days} days (last {book.last_reviewed})"]
                if book.last_reviewed and book.stale(today, days)
                else []
            ),
        ]
    ]
    render_problems(problems, output, directory)
    if problems:
        raise typer.Exit(1)


@runbook_app.command("reviewed")
def runbook_reviewed_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Runbook name.")],
    repo: RepoOption = Path("."),
) -> None:
    """Record that a runbook was reviewed today."""
    _, directory, _ = _runbook_settings(ctx, repo)
    book = find_runbook(directory, name)
    mark_reviewed(book, dt.date.today())
    terminal.stdout.print(f"{book.path.name}: last-reviewed {dt.date.today().isoformat()}")
