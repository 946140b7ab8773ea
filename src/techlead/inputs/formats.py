"""TOML, YAML and JSON parsed so that what a parser or its callers would choke on is a one-line
error: nesting deeper than any real file (the parsers recurse), YAML aliases (a few lines can
expand to billions of nodes), numbers too long to convert."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import yaml

from techlead.errors import TechleadError
from techlead.inputs.files import ErrorKind, InputError

MAX_DEPTH = 64  # real configuration, front matter and exports nest well under 20 levels


def _nested_too_deeply(path: Path, what: str, error: ErrorKind) -> TechleadError:
    return error(f"{path}: {what} nested too deeply (more than {MAX_DEPTH} levels)")


def _reason(exc: ValueError) -> str:
    text = str(exc)
    if "integer string conversion" in text:
        return "a number of more than 4,300 digits"
    return text.splitlines()[0] if text else type(exc).__name__


def check_depth(value: Any, path: Path, what: str, error: ErrorKind = InputError) -> None:
    """Refuse lists and mappings nested more than MAX_DEPTH deep. `value` is a tree, as the
    parsers here return (YAML aliases are refused, so nothing is shared); it is walked level by
    level, without recursion (a cycle ends at the limit)."""
    level, frontier = 0, [value]
    while frontier:
        containers = [v for v in frontier if type(v) is dict or type(v) is list]
        if not containers:
            return
        level += 1
        if level > MAX_DEPTH:
            raise _nested_too_deeply(path, what, error)
        frontier = []
        for container in containers:
            frontier.extend(container.values() if type(container) is dict else container)


def parse_toml(text: str, path: Path, error: ErrorKind = InputError) -> dict[str, Any]:
    try:
        found = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: invalid TOML: {exc}") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise error(f"{path}: invalid TOML: {_reason(exc)}") from None
    except RecursionError:
        raise _nested_too_deeply(path, "TOML", error) from None
    check_depth(found, path, "TOML", error)
    return found


class _RepeatedKeyError(ValueError):
    """An object names one key twice (json.loads would keep only the last)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _RepeatedKeyError(key)
        found[key] = value
    return found


def parse_json(
    text: str,
    path: Path,
    what: str = "JSON",
    error: ErrorKind = InputError,
    *,
    unique_keys: bool = False,
) -> Any:
    """JSON nested at most the depth limit; with `unique_keys`, an object naming a key twice
    is an error instead of keeping the last."""
    try:
        found = json.loads(text, object_pairs_hook=_unique_keys if unique_keys else None)
    except _RepeatedKeyError as exc:
        raise error(f"{path}: {exc.args[0]!r} appears twice") from None
    except json.JSONDecodeError as exc:
        raise error(f"{path}: not {what} (line {exc.lineno}: {exc.msg})") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise error(f"{path}: not {what}: {_reason(exc)}") from None
    except RecursionError:
        raise _nested_too_deeply(path, what, error) from None
    check_depth(found, path, what, error)
    return found


class _NoAliases(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML has no type hints
    """PyYAML's safe loader without anchors and aliases, which front matter does not need."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "an alias (*name) is not allowed here", event.start_mark
            )
        return super().compose_node(parent, index)


def parse_yaml(
    text: str, path: Path, what: str, first_line: int = 1, error: ErrorKind = InputError
) -> Any:
    """YAML (`what` says which part of the file it is; its lines start at `first_line`)."""
    try:
        found = yaml.load(text, Loader=_NoAliases)  # a SafeLoader: plain data only
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        problem = getattr(exc, "problem", None)
        where = f"line {line + first_line}" if line is not None else ""
        detail = ": ".join(part for part in (where, problem) if part)
        raise error(
            f"{path}: {what} is not valid YAML" + (f" ({detail})" if detail else "")
        ) from None
    except RecursionError:
        raise _nested_too_deeply(path, what, error) from None
    except ValueError as exc:  # a well-formed but impossible value, such as 2026-02-30
        raise error(f"{path}: {what} has an impossible value: {_reason(exc)}") from None
    check_depth(found, path, what, error)
    return found
