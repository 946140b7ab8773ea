"""Everything `techlead review` says about a change (BASE..HEAD)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from pathspec import GitIgnoreSpec

from techlead.config import Settings
from techlead.debt.complexity import functions_of
from techlead.errors import TechleadError
from techlead.history.files import CurrentFiles
from techlead.history.git import Repository, commit_of, lines_added, run_git
from techlead.history.test_paths import is_test_code, spec_of_tests
from techlead.plurals import counted
from techlead.review.reviewers import Reviewer
from techlead.risk.features import METRICS
from techlead.risk.szz import is_source


class ReviewError(TechleadError):
    """The change to review cannot be found."""


@dataclass(frozen=True)
class CommitRisk:
    commit: str
    subject: str
    author: str
    ai_assisted: bool
    risk: float | None
    risky: bool
    reasons: list[str]


@dataclass(frozen=True)
class Finding:
    kind: str  # rule, security, complexity, coupling, hotspot, tests, ai
    level: str  # error, warning, note
    file: str | None
    line: int | None
    message: str


@dataclass(frozen=True)
class Gate:
    name: str
    passed: bool
    reason: str


@dataclass
class Review:
    base: str
    head: str
    model: str | None
    commits: list[CommitRisk] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    reviewers: list[Reviewer] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)
    frozen_rules: int = 0  # rule violations in the changed files frozen in the baseline
    baseline: str | None = None  # the baseline read, as configured or given

    @property
    def risk(self) -> float | None:
        known = [c.risk for c in self.commits if c.risk is not None]
        return max(known) if known else None

    @property
    def passed(self) -> bool:
        return all(gate.passed for gate in self.gates)


def resolve_range(repo: Repository, given: str | None, pr: bool) -> tuple[str, str]:
    """(base, head) commit ids of `BASE..HEAD`, or of the current branch against the merge base
    with the default branch (`--pr`)."""
    if pr:
        head = _commit(repo, "HEAD")
        for candidate in ("origin/HEAD", "origin/main", "origin/master", "main", "master"):
            found = run_git(repo.root, ["rev-parse", "--verify", "-q", candidate], check=False)
            if found.returncode == 0:
                merged = run_git(
                    repo.root, ["merge-base", head, found.stdout.decode().strip()], check=False
                )
                if merged.returncode == 0:
                    return merged.stdout.decode().strip(), head
        raise ReviewError(
            "--pr: no default branch (origin/HEAD, main or master) to compare with",
            hint="give the range instead: techlead review BASE..HEAD",
        )
    if not given:
        raise ReviewError("give the change to review: BASE..HEAD (e.g. main..HEAD), or --pr")
    if ".." not in given or given.count("..") != 1 or "..." in given:
        raise ReviewError(f"{given!r}: give a range BASE..HEAD (or --pr)")
    base, head = given.split("..")
    return _commit(repo, base or "HEAD"), _commit(repo, head or "HEAD")


def _commit(repo: Repository, revision: str) -> str:
    found = commit_of(repo, revision)
    if found is None:
        raise ReviewError(f"{revision!r}: no such commit in {repo.root}")
    return found


def _since_base(repo: Repository, base: str, head: str) -> str:
    """Where HEAD's side of the change starts: the merge base of the two (BASE itself when it
    is an ancestor), so that a reversed or diverged range shows only what HEAD added."""
    found = run_git(repo.root, ["merge-base", base, head], check=False)
    return found.stdout.decode().strip() if found.returncode == 0 else base


def changed_files(repo: Repository, base: str, head: str) -> list[str]:
    start = _since_base(repo, base, head)
    out = run_git(repo.root, ["diff", "--name-only", "-z", "--no-renames", start, head]).stdout
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


def range_commits(repo: Repository, base: str, head: str) -> list[str]:
    out = run_git(repo.root, ["rev-list", "--no-merges", f"{base}..{head}"]).stdout
    return out.decode().split()


def explain(row: dict[str, Any], history: pl.DataFrame) -> list[str]:
    """Up to three reasons in words, the most unusual first (against this repository)."""

    def share_below(name: str) -> float:
        column = history.get_column(name)
        return float((column < row[name]).mean() or 0.0)

    reasons: list[tuple[float, str]] = []
    if row["nf"] > 1 and max(share_below("nf"), share_below("nd")) >= 0.9:
        reasons.append(
            (
                max(share_below("nf"), share_below("nd")),
                f"touches {int(row['nf'])} files in {counted(int(row['nd']), 'directory')}",
            )
        )
    churn = row["la"] + row["ld"]
    below = float(((history.get_column("la") + history.get_column("ld")) < churn).mean() or 0)
    if below >= 0.8:
        reasons.append(
            (below, f"changes {int(churn):,} lines (more than {below:.0%} of changes here)")
        )
    if row["exp"] == 0:
        reasons.append((1.0, "the author's first commit in this repository"))
    elif row["sexp"] == 0:
        reasons.append((0.95, "the author's first change in these parts of the code"))
    if row["ndev"] >= 2 and share_below("ndev") >= 0.9:
        reasons.append(
            (share_below("ndev"), f"its files were changed by {int(row['ndev'])} people before")
        )
    if row["fix"]:
        reasons.append((0.5, "a bug fix: fixes are often followed by fixes"))
    if row["entropy"] > 0 and share_below("entropy") >= 0.9:
        reasons.append((share_below("entropy"), "the change is spread evenly over its files"))
    reasons.sort(key=lambda item: -item[0])
    return [text for _, text in reasons[:3]]


def commit_risks(
    commits: list[str],
    metrics: pl.DataFrame,
    history_commits: pl.DataFrame,
    model: Any | None,
    max_risk: float,
) -> list[CommitRisk]:
    wanted = metrics.filter(pl.col("commit").is_in(commits))
    facts = {
        row["commit"]: row
        for row in history_commits.filter(pl.col("commit").is_in(commits))
        .select("commit", "subject", "author_name", "is_ai_assisted")
        .to_dicts()
    }
    risks: dict[str, float] = {}
    if model is not None and wanted.height:
        values = model.predict_proba(wanted.select(METRICS).to_numpy())[:, 1]
        risks = dict(zip(wanted.get_column("commit").to_list(), map(float, values), strict=True))
    rows = {row["commit"]: row for row in wanted.to_dicts()}
    found = []
    for commit in commits:
        fact = facts.get(commit, {})
        row = rows.get(commit)
        risk = risks.get(commit)
        found.append(
            CommitRisk(
                commit,
                str(fact.get("subject", "")),
                str(fact.get("author_name", "")),
                bool(fact.get("is_ai_assisted", False)),
                risk,
                risk is not None and risk > max_risk,
                explain(row, metrics) if row else ["not in the mined history"],
            )
        )
    return found


def hotspot_findings(hotspots: pl.DataFrame, files: list[str], top: int = 20) -> list[Finding]:
    ranked = hotspots.head(top).with_row_index("rank", offset=1)
    return [
        Finding(
            "hotspot",
            "note",
            path,
            None,
            f"hotspot #{rank} of the repository (score {score:.2f}): complex and often changed",
        )
        for rank, path, score in ranked.select("rank", "path", "score").iter_rows()
        if path in files
    ]


def coupling_findings(pairs: pl.DataFrame, files: list[str], degree: int) -> list[Finding]:
    touched = set(files)
    found: dict[str, Finding] = {}
    for path, other, strength in pairs.select("path", "coupled", "degree").iter_rows():
        if strength < degree:
            continue
        for mine, partner in ((path, other), (other, path)):
            if mine in touched and partner not in touched and partner not in found:
                found[partner] = Finding(
                    "coupling",
                    "warning",
                    mine,
                    None,
                    f"usually changes with {partner} ({strength:.0f}% of the time), "
                    "which this change does not touch",
                )
    return list(found.values())


def test_findings(files: list[str], tests_spec: GitIgnoreSpec) -> list[Finding]:
    sources = [f for f in files if is_source(f) and not is_test_code(tests_spec, f)]
    tests = [f for f in files if is_test_code(tests_spec, f)]
    if sources and not tests:
        return [
            Finding(
                "tests",
                "warning",
                None,
                None,
                f"source changed ({len(sources)} files) without any test change",
            )
        ]
    return []


def _blob(repo: Repository, revision: str, path: str) -> bytes | None:
    shown = run_git(repo.root, ["show", f"{revision}:{path}"], check=False)
    return shown.stdout if shown.returncode == 0 else None


def _blob_ids(repo: Repository, names: list[str]) -> list[str | None]:
    """Blob ids of `REV:PATH` names (None where there is no such file)."""
    if not names:
        return []
    out = run_git(
        repo.root, ["cat-file", "--batch-check"], stdin="".join(f"{n}\n" for n in names).encode()
    ).stdout.decode("utf-8", "surrogateescape")
    found: list[str | None] = []
    for line in out.splitlines():
        parts = line.split()
        found.append(parts[0] if len(parts) == 3 and parts[1] == "blob" else None)
    return found


def complexity_findings(
    repo: Repository, base: str, head: str, files: list[str], cache_dir: Path
) -> list[Finding]:
    """Functions whose cyclomatic complexity grew (lizard), per changed source file, or new
    ones of complexity 10 or more. Each file version is measured once, by the measuring
    service (cached per blob in `cache_dir`); functions are told apart by name and parameters,
    the last of a name counting."""
    sources = [path for path in files if is_source(path)]
    versions = [(rev, path) for path in sources for rev in (base, head)]
    blobs = _blob_ids(repo, [f"{rev}:{path}" for rev, path in versions])
    paths = {blob: path for blob, (_, path) in zip(blobs, versions, strict=True) if blob}
    latest = (
        functions_of(repo, paths, cache_dir)
        .group_by("blob", "long_name", maintain_order=True)
        .agg(pl.col("complexity").last())
    )
    changed = pl.DataFrame(
        {"path": sources, "before": blobs[0::2], "after": blobs[1::2]},
        schema={"path": pl.String, "before": pl.String, "after": pl.String},
    ).drop_nulls("after")
    compared = (
        changed.join(  # in the order of the files, then of the functions in each
            latest.rename({"blob": "after"}), on="after", maintain_order="left_right"
        )
        .join(
            latest.rename({"blob": "before", "complexity": "was"}),
            on=["before", "long_name"],
            how="left",
            maintain_order="left",
        )
        .filter(
            (pl.col("complexity") > pl.col("was"))
            | (pl.col("was").is_null() & (pl.col("complexity") >= 10))
        )
    )
    found = []
    for path, name, ccn, was in compared.select(
        "path", "long_name", "complexity", "was"
    ).iter_rows():
        level = "warning" if ccn >= 15 else "note"
        grown = f"{was} → " if was is not None else "new, "
        found.append(Finding("complexity", level, path, None, f"{name}: complexity {grown}{ccn}"))
    return found


def added_lines(repo: Repository, base: str, head: str) -> dict[str, set[int]]:
    """Lines HEAD added since the merge base of the two."""
    return lines_added(repo, _since_base(repo, base, head), head)


def security_findings(
    repo: Repository, head: str, lines: dict[str, set[int]], tests_spec: GitIgnoreSpec
) -> list[Finding]:
    """ruff's flake8-bandit rules (S) on the lines added to changed Python files that are not
    test code ([review] test_paths): asserts and fixed passwords are what tests are made of."""
    python = [p for p in lines if p.endswith(".py") and not is_test_code(tests_spec, p)]
    if not python:
        return []
    with tempfile.TemporaryDirectory(prefix="techlead-review-") as scratch:
        for path in python:
            blob = _blob(repo, head, path)
            if blob is not None:
                target = Path(scratch) / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(blob)
        result = subprocess.run(
            [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--select", "S",
             "--output-format", "json", "--exit-zero", "."],
            cwd=scratch,
            capture_output=True,
            check=False,
        )  # fmt: skip
    if result.returncode != 0:
        return [Finding("security", "note", None, None, "security check unavailable (ruff)")]
    found = []
    for item in json.loads(result.stdout or b"[]"):
        written = Path(item["filename"]).resolve()
        relative = written.relative_to(Path(scratch).resolve()).as_posix()
        line = int(item["location"]["row"])
        if line in lines.get(relative, set()):
            found.append(
                Finding("security", "warning", relative, line, f"{item['code']}: {item['message']}")
            )
    return found


@dataclass(frozen=True)
class RuleFindings:
    """New decision-rule violations in the changed files, and how many there are frozen."""

    findings: list[Finding]
    frozen: int
    baseline: str | None


def rule_findings(
    repo: Repository, settings: Settings, files: list[str], baseline: Path | None = None
) -> RuleFindings:
    """Decision-rule violations in the files this change touches that the baseline ([decisions]
    baseline, or `baseline`) does not freeze."""
    from techlead.decisions.frozen import checked_rules, shown
    from techlead.decisions.report import BaselineError
    from techlead.decisions.store import decision_directory

    if not decision_directory(repo.root, settings.decisions.directory).is_dir():
        return RuleFindings([], 0, None)
    try:
        result = checked_rules(repo, settings, baseline)
    except BaselineError:
        raise  # a baseline that cannot be read is a setting to fix, not a finding
    except TechleadError as exc:
        note = Finding("rule", "note", None, None, f"decision rules not checked: {exc.message}")
        return RuleFindings([note], 0, None)
    touched = set(files)
    found = [
        Finding(
            "rule",
            "error",
            v.file,
            v.line,
            f"{v.message}: breaks {v.rule.name} of ADR {v.adr.number} ({v.adr.title})",
        )
        for v in result.new
        if v.file in touched
    ]
    frozen = sum(1 for v in result.frozen if v.file in touched)
    named = shown(result.baseline, repo.root) if result.baseline is not None else None
    return RuleFindings(found, frozen, named)


def ai_findings(
    commits: list[CommitRisk], repo: Repository, settings: Settings
) -> tuple[list[Finding], bool]:
    """AI-assisted commits, and whether one touches a path the policy calls sensitive."""
    import pathspec

    sensitive = pathspec.GitIgnoreSpec.from_lines(settings.review.ai_sensitive_paths)
    found, strict = [], False
    for commit in commits:
        if not commit.ai_assisted:
            continue
        out = run_git(
            repo.root, ["diff-tree", "--no-commit-id", "--name-only", "-r", "-z", commit.commit]
        ).stdout
        paths = [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]
        hits = [p for p in paths if settings.review.ai_sensitive_paths and sensitive.match_file(p)]
        strict = strict or bool(hits)
        where = f"; touches {', '.join(hits[:3])}" if hits else ""
        found.append(
            Finding("ai", "warning" if hits else "note", hits[0] if hits else None, None,
                    f"{commit.commit[:10]} is AI-assisted{where}")
        )  # fmt: skip
    return found, strict


def counted_reviewers(given: list[str], authors: set[str], settings: Settings) -> list[str]:
    """The reviewers that count for gates: distinct, named, not an author of the change and not
    an AI assistant."""
    assistants = [re.compile(p, re.IGNORECASE) for p in settings.identities.ai_patterns()]
    found: list[str] = []
    for name in given:
        clean = name.strip()
        if (
            clean
            and clean.lower() not in {f.lower() for f in found}
            and clean.lower() not in {a.lower() for a in authors}
            and not any(p.search(clean) for p in assistants)
        ):
            found.append(clean)
    return found


def gates(review: Review, settings: Settings, reviewers_given: int, ai_strict: bool) -> list[Gate]:
    rules = settings.review
    risky = [c for c in review.commits if c.risky]
    result = [
        Gate(
            "risk",
            not risky or reviewers_given >= rules.risky_reviewers,
            f"{len(risky)} risky commit(s) (risk > {rules.max_risk}) need "
            f"{rules.risky_reviewers} reviewers; {reviewers_given} given"
            if risky
            else "no commit above the risk threshold",
        )
    ]
    violations = [f for f in review.findings if f.kind == "rule" and f.level == "error"]
    if rules.fail_on_rules:
        reason = f"{len(violations)} decision-rule violation(s)"
        if review.baseline is not None:
            reason = (
                f"{len(violations)} new decision-rule violation(s); {review.frozen_rules} "
                f"frozen in the baseline {review.baseline}"
            )
        result.append(Gate("rules", not violations, reason))
    security = [f for f in review.findings if f.kind == "security" and f.level == "warning"]
    if rules.fail_on_security:
        result.append(
            Gate("security", not security, f"{len(security)} security finding(s) on added lines")
        )
    if ai_strict:
        result.append(
            Gate(
                "ai-policy",
                reviewers_given >= rules.ai_reviewers,
                f"AI-assisted changes to sensitive paths need {rules.ai_reviewers} human "
                f"reviewers; {reviewers_given} given",
            )
        )
    return result


def review_change(
    files: CurrentFiles,
    settings: Settings,
    base: str,
    head: str,
    metrics: pl.DataFrame,
    model: tuple[Any, str] | None,
    hotspots: pl.DataFrame,
    pairs: pl.DataFrame,
    reviewers_given: list[str],
    spread: bool = False,
    baseline: Path | None = None,
) -> Review:
    from techlead.review.reviewers import codeowners, suggest

    repo = files.history.repo
    history = files.history.commits
    commits = range_commits(repo, base, head)
    changed = changed_files(repo, base, head)
    review = Review(base, head, model[1] if model else None, files=changed)
    review.commits = commit_risks(
        commits, metrics, history, model[0] if model else None, settings.review.max_risk
    )
    authors = {c.author for c in review.commits}
    review.reviewers = suggest(
        files.changes,
        history,
        changed,
        authors,
        codeowners(repo.root, changed),
        dt.datetime.now(dt.UTC),
        settings.review.familiarity_days,
        settings.review.reviewers,
        spread,
    )
    ai, strict = ai_findings(review.commits, repo, settings)
    tests_spec = spec_of_tests(settings.review)
    rules = rule_findings(repo, settings, changed, baseline)
    review.frozen_rules, review.baseline = rules.frozen, rules.baseline
    review.findings = [
        *rules.findings,
        *security_findings(repo, head, added_lines(repo, base, head), tests_spec),
        *complexity_findings(repo, base, head, changed, files.cache_dir),
        *coupling_findings(pairs, changed, settings.review.coupling_degree),
        *hotspot_findings(hotspots, changed),
        *test_findings(changed, tests_spec),
        *ai,
    ]
    counted = counted_reviewers(reviewers_given, authors, settings)
    review.gates = gates(review, settings, len(counted), strict)
    return review


def merged_branches(
    repo: Repository, history: pl.DataFrame, last: int
) -> list[tuple[dt.datetime, str, set[str], list[str]]]:
    """The last merges of branches into HEAD's first-parent line: when, who merged, who wrote
    the branch, which files it changed."""
    merges = (
        run_git(repo.root, ["rev-list", "--first-parent", "--merges", "-n", str(last), "HEAD"])
        .stdout.decode()
        .split()
    )
    facts = {
        commit: (when, name, parents)
        for commit, when, name, parents in history.select(
            "commit", "author_time", "author_name", "parents"
        ).iter_rows()
    }
    found = []
    for merge in merges:
        if merge not in facts or len(facts[merge][2]) < 2:
            continue
        when, merger, parents = facts[merge]
        branch = (
            run_git(repo.root, ["rev-list", "--no-merges", f"{parents[0]}..{parents[1]}"])
            .stdout.decode()
            .split()
        )
        authors = {facts[c][1] for c in branch if c in facts}
        found.append((when, merger, authors, changed_files(repo, parents[0], merge)))
    return found
