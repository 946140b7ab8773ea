"""Deployments: from release tags, a deploy log (CSV or JSON), or GitHub's deployments JSON."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from techlead.csv_files import MalformedCsvError, csv_records
from techlead.errors import TechleadError
from techlead.history.git import Repository, commit_of
from techlead.history.scan import History
from techlead.history.tags import ReleaseTags, release_tags
from techlead.inputs.files import read_text
from techlead.inputs.formats import parse_json


class DeploymentError(TechleadError):
    """A deploy log that cannot be read."""


@dataclass(frozen=True)
class Deployment:
    name: str  # the tag or version
    commit: str
    at: dt.datetime
    environment: str | None = None
    succeeded: bool = True
    status: str | None = None  # as the deploy log writes it


def from_tags(tags: pl.DataFrame) -> list[Deployment]:
    """Each tag (of the release tags) is a deployment at its tag time, oldest first."""
    found = [
        Deployment(tag, commit, when)
        for tag, commit, when in tags.select("tag", "commit", "tagged_at").iter_rows()
        if when is not None
    ]
    return sorted(found, key=lambda d: (d.at, d.name))


@dataclass(frozen=True)
class Deployments:
    """The deployments counted, and where they came from."""

    deployments: list[Deployment]
    source: str  # "deploy log deploys.csv" or "tags v[0-9]* (detected: ...)"
    release: ReleaseTags | None = None  # when they are release tags


def find_deployments(
    history: History, log: Path | None, environment: str | None, tags: str | None
) -> Deployments:
    """The deployments of a deploy log (`environment` of it), else the release tags (`tags`,
    else `[release] tag_pattern`, else detected); an error when there are none."""
    if log is not None:
        chosen = environment or history.settings.delivery.environment
        found = from_log(log, history.repo, chosen, history.settings.files.max_input_bytes)
        if not found:
            raise DeploymentError(
                f"no deployments in {log}" + (f" for environment {chosen!r}" if chosen else ""),
                hint="check --environment against the log's environment column",
            )
        return Deployments(found, f"deploy log {log.name}")
    rules = history.settings.release
    release = release_tags(history.tags, tags or rules.tag_pattern, rules.prereleases)
    if release is None:
        raise DeploymentError(
            f"no release tags: none of the {history.tags.height} tags looks like a version",
            hint="give the release tags with --tags or [release] tag_pattern, "
            "or a deploy log with --log",
        )
    if release.tags.is_empty():
        left = f" ({release.prereleases_left_out} pre-releases left out)"
        raise DeploymentError(
            f"no release tag matches {release.pattern!r}"
            + (left if release.prereleases_left_out else ""),
            hint="give the release tags with --tags or [release] tag_pattern, "
            "or a deploy log with --log",
        )
    return Deployments(from_tags(release.tags), release.description, release)


_TIME = ("time", "timestamp", "deployed_at", "created_at", "date")
_VERSION = ("commit", "sha", "version", "ref", "tag")
_ENVIRONMENT = ("environment", "env")
_STATUS = ("status", "state", "result")
_FAILED = {"failure", "failed", "error", "rolled_back", "rollback", "inactive"}


def from_log(
    path: Path, repo: Repository, environment: str | None, limit: int | None = None
) -> list[Deployment]:
    """A deploy log: CSV (a header row) or JSON (a list of objects, or GitHub's deployments
    list), with a time, a commit or version (a tag, branch or id git knows), optionally an
    environment and a status."""
    text = read_text(path, limit=limit, error=DeploymentError, newlines=False)
    rows: list[tuple[int, dict[str, Any]]]
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        data = parse_json(text, path, "JSON", DeploymentError)
        if isinstance(data, dict):
            data = data.get("deployments", data.get("items"))
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise DeploymentError(f"{path}: expected a list of deployments")
        rows = list(enumerate(data, start=1))
    else:
        rows = _csv_rows(path, text)
    found = []
    for number, row in rows:
        lower = {str(k).strip().lower(): v for k, v in row.items()}
        when = _pick(lower, _TIME)
        ref = _pick(lower, _VERSION)
        if when is None or ref is None:
            raise DeploymentError(
                f"{path}:{number}: needs a time ({', '.join(_TIME)}) and a commit or version "
                f"({', '.join(_VERSION)})"
            )
        env = _pick(lower, _ENVIRONMENT)
        if environment is not None and str(env).strip().lower() != environment.strip().lower():
            continue
        status = str(_pick(lower, _STATUS) or "success").strip().lower()
        found.append(
            Deployment(
                str(ref),
                _resolve(repo, str(ref), path, number),
                _time(str(when), path, number),
                str(env) if env is not None else None,
                status not in _FAILED,
                status,
            )
        )
    unique = {(d.commit, d.at): d for d in found}  # a row logged twice is one deployment
    return sorted(unique.values(), key=lambda d: (d.at, d.name))


def _csv_rows(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    """(line, {column: value}) of each row of a CSV deploy log."""
    try:
        records = [(line, cells) for line, cells in csv_records(text) if any(cells)]
    except MalformedCsvError as exc:
        raise DeploymentError(f"{path}:{exc.line}: malformed CSV: {exc.reason}") from None
    if not records:
        return []
    header = records[0][1]
    for line, cells in records[1:]:
        if len(cells) != len(header):
            raise DeploymentError(
                f"{path}:{line}: {len(cells)} fields where the header has {len(header)}"
            )
    return [(line, dict(zip(header, cells, strict=True))) for line, cells in records[1:]]


def _pick(row: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = row.get(name)
        if value not in (None, ""):
            return value
    return None


def _time(text: str, path: Path, line: int) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        wrong = "has an offset of 24 hours or more" if "offset" in str(exc) else "is not ISO 8601"
        raise DeploymentError(f"{path}:{line}: time {text!r} {wrong}") from None
    if value.tzinfo is None:
        raise DeploymentError(f"{path}:{line}: time {text!r} has no time zone")
    moment = value.astimezone(dt.UTC)
    if moment > dt.datetime.now(dt.UTC) + dt.timedelta(days=1):
        raise DeploymentError(f"{path}:{line}: time {text!r} is in the future")
    return moment


def _resolve(repo: Repository, ref: str, path: Path, line: int) -> str:
    found = commit_of(repo, ref)
    if found is None:
        raise DeploymentError(f"{path}:{line}: {ref!r} is no commit, tag or branch here")
    return found
