"""Running every gate of a release over the repository, its evidence files and its records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from techlead.config import Settings
from techlead.errors import TechleadError
from techlead.history.git import Repository, commit_of, lines_added, run_git
from techlead.release import gates as g
from techlead.release.records import previous_benchmarks, signoffs
from techlead.store.database import Store


def release_name(repo: Repository) -> str:
    """The default release name: the tag at HEAD, else `git describe` of it."""
    found = run_git(repo.root, ["describe", "--tags", "--always"], check=False)
    return found.stdout.decode().strip() or "HEAD"


def previous_release(repo: Repository, pattern: str | None, head: str) -> str | None:
    """The latest release tag before `head` (a tag on `head` itself is this release)."""
    if pattern is None:
        return None
    for start in (head, f"{head}^"):
        found = run_git(
            repo.root,
            ["describe", "--tags", "--abbrev=0", "--match", pattern, start],
            check=False,
        )
        if found.returncode != 0:
            return None
        tag = found.stdout.decode().strip()
        tagged = run_git(repo.root, ["rev-list", "-n", "1", tag], check=False)
        if tagged.stdout.decode().strip() != head:
            return tag
    return None


def release_pattern(repo: Repository, settings: Settings) -> str | None:
    """The release tags' glob: `[release] tag_pattern`, else the one detected from the tags."""
    from techlead.history.tags import detect_pattern, read_tags

    configured = settings.release.tag_pattern
    return configured or detect_pattern(read_tags(repo).get_column("tag").to_list())


def _commit(repo: Repository, revision: str) -> str:
    found = commit_of(repo, revision)
    if found is None:
        raise TechleadError(f"{revision!r}: no such commit or tag in {repo.root}")
    return found


def run_gates(
    repo: Repository,
    settings: Settings,
    store: Store,
    release: str,
    against: str | None,
    baseline: Path | None = None,
) -> tuple[str, str | None, list[g.Gate]]:
    """(HEAD, the release compared with, every gate) for `release` at HEAD."""
    from techlead.incidents import service

    head = _commit(repo, "HEAD")
    since = _commit(repo, against) if against else None
    if since is None:
        tag = previous_release(repo, release_pattern(repo, settings), head)
        since = _commit(repo, tag) if tag else None
        against = tag
    changed = lines_added(repo, since, head) if since else None
    blocking = {s.lower() for s in settings.release.blocking_severities}
    incidents = [
        (v.incident.id, v.incident.severity, v.incident.title)
        for v in service.list_incidents(store, open_only=True)
        if v.incident.severity.lower() in blocking
    ]
    overdue = [
        (a.id, a.text, a.due) for a in service.list_actions(store, overdue_on=dt.date.today())
    ]
    rules = _rule_check(repo, settings, baseline)
    previous_name, previous = previous_benchmarks(store, release, against)
    root = repo.root
    return (
        head,
        against,
        [
            g.tests_gate(root, settings),
            g.coverage_gate(root, settings, changed),
            g.performance_gate(root, settings, previous, previous_name),
            g.vulnerability_gate(root, settings),
            g.incident_gate(incidents, settings),
            g.actions_gate(overdue, settings),
            g.rules_gate(rules, settings),
            g.signoff_gate(signoffs(store, release), settings),
            g.ai_gate(ai_counts(repo, since, head, settings), settings, against),
        ],
    )


def ai_counts(
    repo: Repository, since: str | None, head: str, settings: Settings
) -> tuple[int, int]:
    """(AI-assisted, all) non-merge commits since `since`: a known assistant as author or
    co-author, or a message marker ([delivery] ai_markers)."""
    import re

    people = [re.compile(p, re.IGNORECASE) for p in settings.identities.ai_patterns()]
    markers = [re.compile(p, re.IGNORECASE) for p in settings.delivery.ai_markers]

    def assisted(record: str) -> bool:
        author, _, message = record.partition("\x1f")
        names = [author] + [
            line.split(":", 1)[1].strip()
            for line in message.splitlines()
            if line.lower().startswith("co-authored-by:")
        ]
        return any(p.search(n) for p in people for n in names) or any(
            m.search(message) for m in markers
        )

    span = f"{since}..{head}" if since else head
    out = run_git(
        repo.root, ["log", "--no-merges", "--format=%an <%ae>%x1f%B%x1e", span]
    ).stdout.decode("utf-8", "replace")
    records = [r.strip() for r in out.split("\x1e") if r.strip()]
    return sum(1 for r in records if assisted(r)), len(records)


def _rule_check(repo: Repository, settings: Settings, baseline: Path | None) -> g.RuleEvidence:
    from techlead.decisions.frozen import checked_rules, shown
    from techlead.decisions.store import decision_directory

    if not settings.release.rules:
        return g.RuleEvidence(None, None)
    if not decision_directory(repo.root, settings.decisions.directory).is_dir():
        return g.RuleEvidence(None, None)
    try:
        result = checked_rules(repo, settings, baseline)
    except TechleadError as exc:
        return g.RuleEvidence(None, f"rules could not be checked: {exc.message}")
    return g.RuleEvidence(
        [f"ADR {v.adr.number} {v.rule.name}: {v.file}" for v in result.new],
        None,
        len(result.frozen),
        shown(result.baseline, repo.root) if result.baseline is not None else None,
    )
