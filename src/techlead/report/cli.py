"""`techlead report ...`: plain-language reports from the evidence."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from techlead import terminal
from techlead.options import QuietOption, RepoOption

app = typer.Typer(help="Reports for people who do not read code.", no_args_is_help=True)


@app.command("stakeholder")
def stakeholder_command(
    ctx: typer.Context,
    period: Annotated[
        str, typer.Option(help="The period reported: a span such as 30d, 6w, 3m, 1q, 1y.")
    ] = "30d",
    out: Annotated[Path, typer.Option(help="report.html (self-contained) or report.pdf.")] = Path(
        "report.html"
    ),
    templates: Annotated[
        Path | None, typer.Option(help="A directory with your own stakeholder.html (Jinja2).")
    ] = None,
    repo: RepoOption = Path("."),
    quiet: QuietOption = False,
) -> None:
    """The delivery outlook, what shipped, incidents, risks, decisions and what the team
    needs, each in a sentence with the chart behind it."""
    from techlead.project import Project
    from techlead.report.stakeholder import render_html, stakeholder_context
    from techlead.shell import opened_store
    from techlead.spans import parse_span

    span = parse_span(period, "--period")
    _check_out(out, templates, "stakeholder.html")
    with opened_store(ctx, repo) as (root, settings, store):
        evidence = Project(root, settings)
        with terminal.ProgressBar(f"Mining {root.name}", quiet=quiet) as bar:
            evidence.refresh(progress=bar)
        html = render_html(stakeholder_context(evidence, store, span), templates)
    _write(html, out)


def _check_out(out: Path, templates: Path | None, template: str) -> None:
    from techlead.errors import TechleadError

    if out.suffix.lower() not in {".html", ".pdf"}:
        raise TechleadError(f"--out {out}: write a .html or a .pdf file")
    if out.is_dir() or not out.absolute().parent.is_dir():
        raise TechleadError(f"--out {out}: not a file in an existing directory")
    if templates is not None and not (templates / template).is_file():
        raise TechleadError(f"--templates {templates}: no {template} in it")
    if out.suffix.lower() == ".pdf":
        from techlead.pdf import check_printer

        check_printer()  # before the report is built, which takes a while on a large history


def _write(html: str, out: Path) -> None:
    from techlead.pdf import write_document

    write_document(html, out)
    terminal.stdout.print(f"wrote {out}", soft_wrap=True)


@app.command("trade-off")
def tradeoff_command(
    ctx: typer.Context,
    decision: Annotated[str, typer.Argument(help="The decision record: ADR-7, 7 or 0007.")],
    out: Annotated[
        Path, typer.Option(help="tradeoff.html (self-contained) or tradeoff.pdf.")
    ] = Path("tradeoff.html"),
    templates: Annotated[
        Path | None, typer.Option(help="A directory with your own tradeoff.html (Jinja2).")
    ] = None,
    repo: RepoOption = Path("."),
) -> None:
    """One decision on one page for people who do not read code: what was decided and why,
    the options, how they compared (the decision matrix, when `techlead decide` made one),
    and what follows from it."""
    from techlead.errors import TechleadError
    from techlead.report.stakeholder import render_html
    from techlead.report.tradeoff import tradeoff_context
    from techlead.shell import project

    match = re.fullmatch(r"(?:adr-?)?0*(\d{1,6})", decision.strip(), re.IGNORECASE)
    if match is None:
        raise TechleadError(f"{decision!r}: name a decision record by number, e.g. ADR-7")
    _check_out(out, templates, "tradeoff.html")
    found = project(ctx, repo)
    context = tradeoff_context(found.root, found.settings, int(match.group(1)))
    _write(render_html(context, templates, "tradeoff.html"), out)
