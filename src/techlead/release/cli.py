"""`techlead release ...`: go/no-go checks of a release, sign-offs, and their history."""

from __future__ import annotations

import dataclasses
import enum
import sys
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer

from techlead import sarif as sarif_format
from techlead import terminal
from techlead.options import FormatOption, RepoOption, SarifOption
from techlead.output import OutputFormat, render_frame, to_json
from techlead.shell import opened_store

app = typer.Typer(
    help="Release readiness: gates over CI evidence and the records, sign-offs, history.",
    no_args_is_help=True,
)
_MARK = {"passed": "✅ go", "failed": "❌ no-go", "skipped": "- skipped"}


class CheckFormat(enum.StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"


@app.command("check")
def check_command(
    ctx: typer.Context,
    release: Annotated[
        str | None,
        typer.Option("--release", help="The release's name (default: git describe of HEAD)."),
    ] = None,
    against: Annotated[
        str | None,
        typer.Option(
            help="The previous release (tag) for changed-line coverage (default: the "
            "latest tag matching [release] tag_pattern, else the detected one, before HEAD)."
        ),
    ] = None,
    output: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="table, json, markdown or sarif.")
    ] = CheckFormat.table,
    sarif_file: SarifOption = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            help="JSON file of frozen decision-rule violations (default: [decisions] baseline)."
        ),
    ] = None,
    repo: RepoOption = Path("."),
) -> None:
    """Check a release against its gates (tests, coverage, performance, vulnerabilities, open
    incidents, overdue action items, decision rules, sign-offs); exit 1 on no-go. Every check
    is kept: `techlead release history`."""
    from techlead.history.git import open_repository
    from techlead.release.check import release_name, run_gates
    from techlead.release.records import check_name, record_check

    if sarif_file is not None:
        sarif_format.check_target(sarif_file)
    with opened_store(ctx, repo) as (root, settings, store):
        repository = open_repository(root)
        name = check_name(release if release is not None else release_name(repository))
        head, compared, gates = run_gates(repository, settings, store, name, against, baseline)
        go = record_check(store, name, head, gates)
    result = {
        "release": name,
        "commit": head,
        "compared_with": compared,
        "go": go,
        "gates": [dataclasses.asdict(g) for g in gates],
    }
    if sarif_file is not None:
        sarif_format.write(sarif_file, _sarif(result, root))
    if output is CheckFormat.json:
        sys.stdout.write(to_json(result) + "\n")
    elif output is CheckFormat.sarif:
        sys.stdout.write(sarif_format.text(_sarif(result, root)))
    elif output is CheckFormat.markdown:
        sys.stdout.write(_markdown(result))
    else:
        frame = pl.DataFrame(
            [(g.name, _MARK[g.status], g.evidence, g.source or "") for g in gates],
            schema=["gate", "result", "evidence", "read"],
            orient="row",
        )
        verdict = "GO" if go else "NO-GO"
        render_frame(frame, OutputFormat.table, f"Release {name}: {verdict}")
    if not go:
        raise typer.Exit(1)


def _markdown(result: dict[str, Any]) -> str:
    verdict = "go ✅" if result["go"] else "no-go ❌"
    lines = [
        f"## Release {result['release']}: {verdict}",
        "",
        f"At `{result['commit'][:10]}`"
        + (f", compared with {result['compared_with']}." if result["compared_with"] else "."),
        "",
        "| gate | result | evidence | read |",
        "|---|---|---|---|",
    ]
    for gate in result["gates"]:
        evidence = str(gate["evidence"]).replace("|", "\\|")
        lines.append(
            f"| {gate['name']} | {_MARK[gate['status']]} | {evidence} | {gate['source'] or ''} |"
        )
    return "\n".join(lines) + "\n"


def _evidence_file(source: str | None) -> str:
    """Where a gate's finding points: its (first) evidence file, else the configuration."""
    if source is None or source in {"record store", "decision records", "git history"}:
        return "techlead.toml"
    return source.split(",")[0].strip()


def _sarif(result: dict[str, Any], root: Path) -> dict[str, Any]:
    rules = [{"id": f"techlead/release/{g['name'].replace(' ', '-')}"} for g in result["gates"]]
    results = [
        sarif_format.result(
            f"techlead/release/{g['name'].replace(' ', '-')}",
            "error" if g["status"] == "failed" else "note",
            f"release {result['release']}: {g['name']}: {g['evidence']}",
            _evidence_file(g["source"]),
        )
        for g in result["gates"]
        if g["status"] != "skipped"
    ]
    return sarif_format.log(rules, results, root)


@app.command("signoff")
def signoff_command(
    ctx: typer.Context,
    release: Annotated[str, typer.Argument(help="The release's name (as `check` names it).")],
    role: Annotated[str, typer.Option("--role", help="security, qa, product, ...")],
    by: Annotated[str, typer.Option("--by", help="Who signs off.")],
    note: Annotated[str | None, typer.Option(help="Anything worth keeping with it.")] = None,
    repo: RepoOption = Path("."),
) -> None:
    """Record a sign-off of a release in a role (kept with the time)."""
    from techlead.release.records import signoff

    with opened_store(ctx, repo) as (_, _settings, store):
        signoff(store, release, role, by, note)
    terminal.stdout.print(f"{release}: {role} signed off by {by.strip()}", soft_wrap=True)


@app.command("history")
def history_command(
    ctx: typer.Context, repo: RepoOption = Path("."), output: FormatOption = OutputFormat.table
) -> None:
    """Every release check, newest first, and what blocked it."""
    from techlead.release.records import history

    with opened_store(ctx, repo) as (_, _settings, store):
        past = history(store)
    frame = pl.DataFrame(
        [
            (p.release, p.checked_at, (p.commit or "")[:10], "go" if p.go else "no-go",
             ", ".join(p.blocked_by))
            for p in past
        ],
        schema={
            "release": pl.String,
            "checked_at": pl.Datetime("us", "UTC"),
            "commit": pl.String,
            "verdict": pl.String,
            "blocked_by": pl.String,
        },
        orient="row",
    )  # fmt: skip
    render_frame(frame, output, "Release checks")
