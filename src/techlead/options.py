"""Command-line options that every capability's commands share, spelled the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from techlead.output import OutputFormat

RepoOption = Annotated[
    Path,
    typer.Option("--repo", "-C", help="The repository (or a path inside it). Default: here."),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table, json, csv or markdown.")
]
TopOption = Annotated[int | None, typer.Option(min=1, help="Show this many rows.")]
ByDirectoryOption = Annotated[bool, typer.Option("--by-directory", help="Per directory.")]
DepthOption = Annotated[int, typer.Option(min=1, help="Directory levels to group by.")]
SarifOption = Annotated[
    Path | None, typer.Option("--sarif", help="Also write a SARIF 2.1.0 log to this file.")
]
SinceOption = Annotated[
    str | None,
    typer.Option(help="Count changes since a date (2024-06-01) or span (90d, 6w, 12m, 2y)."),
]
PathOption = Annotated[
    str | None,
    typer.Option(help="Only files matching this gitignore-style pattern (e.g. 'src/**/*.py')."),
]
AllFilesOption = Annotated[
    bool,
    typer.Option(
        "--all-files",
        help="Every kind of file, not only code ([files] kinds): docs, config, images, ...",
    ),
]
