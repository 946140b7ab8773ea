"""Settings from `techlead.toml` or `[tool.techlead]` in pyproject.toml; all have defaults."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from techlead.errors import ConfigError

CONFIG_FILE = "techlead.toml"

# Matched, case-insensitively, against "Name <email>" after identities are resolved.
DEFAULT_BOT_PATTERNS = (
    r"\[bot\]",
    # automation services, by the account names they commit as
    r"^(dependabot|dependabot-preview|renovate|greenkeeper|snyk-bot|pre-commit-ci|autofix-ci"
    r"|github-actions|mergify|depfu|pyup-bot|imgbot|allcontributors|semantic-release-bot"
    r"|codecov|coveralls|weblate|transifex|crowdin|deepsource-autofix|restyled-io|sourcery-ai"
    r"|whitesource|mend-bolt|gerrit code review|buildbot|jenkins|travis|circleci)\b",
    r"^(github|gitlab|bot|robot|ci|automation) <",
    # a project's own accounts: one word ending in -bot, -ci, -tester, ... (sqla-tester)
    r"^[\w.]+[-_](bot|robot|ci|tester|automation|builder|deployer|releaser)s? <",
    r"<(bot|bots|robot|ci|buildbot|jenkins|automation)@",
    r"<[^<>@]*[-_+](bot|bots|robot|tester|automation)@",
    r"<actions?@github\.com>",
)
DEFAULT_AI_PATTERNS = (
    r"\bclaude\b",
    r"noreply@anthropic\.com",
    r"\bcopilot\b",
    r"\bcursor(agent)?\b",
    r"\baider\b",
    r"\bcodex\b",
    r"\bchatgpt\b",
    r"\bgemini\b",
    r"\bdevin-ai-integration\b",
)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc
    return patterns


class HistorySettings(_Section):
    """How `techlead scan` mines a repository."""

    cache_dir: Path | None = Field(
        default=None,
        description="Where mined history is cached; default .techlead/cache in the repository.",
    )
    workers: int = Field(default=0, ge=0, description="Concurrent git processes; 0 = one per core.")
    all_refs: bool = Field(default=False, description="Mine every ref, not only HEAD.")


class IdentitySettings(_Section):
    """Who is who: aliases beyond .mailmap, and which identities are bots or AI assistants."""

    aliases: dict[str, list[str]] = Field(
        default_factory=dict,
        description='Canonical "Name <email>" to the names or emails that are the same person.',
    )
    bots: list[str] = Field(
        default_factory=list, description="Extra regular expressions marking bot identities."
    )
    ai_assistants: list[str] = Field(
        default_factory=list,
        description="Extra regular expressions marking AI assistants in Co-authored-by trailers.",
    )

    _valid_bots = field_validator("bots", "ai_assistants")(_check_patterns)

    @field_validator("aliases")
    @classmethod
    def _canonical_has_email(cls, aliases: dict[str, list[str]]) -> dict[str, list[str]]:
        for canonical in aliases:
            if not re.fullmatch(r"[^<>]+<[^<>]+>", canonical.strip()):
                raise ValueError(f'alias key {canonical!r} must look like "Name <email>"')
        return aliases

    def bot_patterns(self) -> list[str]:
        return [*DEFAULT_BOT_PATTERNS, *self.bots]

    def ai_patterns(self) -> list[str]:
        return [*DEFAULT_AI_PATTERNS, *self.ai_assistants]


DEFAULT_EXCLUDES = (
    "vendor/",
    "third_party/",
    "third-party/",
    "node_modules/",
    "*.min.js",
    "*.min.css",
    "*.map",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    "Cargo.lock",
    "Gemfile.lock",
    "composer.lock",
    "go.sum",
    "*_pb2.py",
    "*_pb2_grpc.py",
    "*.pb.go",
    "*.generated.*",
)


FileKind = Literal["code", "build", "config", "docs", "data", "image", "other"]


def _code_only() -> list[FileKind]:
    return ["code"]


class FileSettings(_Section):
    """Which files the analyses leave out (vendored, generated, lock files), and which kinds
    of file the ranked analyses show (techlead.history.kinds says what each kind holds)."""

    exclude: list[str] = Field(
        default_factory=list,
        description="Extra gitignore-style patterns of files to leave out of analyses.",
    )
    use_default_excludes: bool = Field(
        default=True, description="Also leave out vendored, generated and lock files."
    )

    kinds: list[FileKind] = Field(
        default_factory=_code_only,
        min_length=1,
        description="Kinds of file hotspots, coupling, age, ownership and offboard show.",
    )
    kind_patterns: dict[FileKind, list[str]] = Field(
        default_factory=dict,
        description="Kind to gitignore-style patterns of paths of that kind, whatever their name.",
    )

    def patterns(self) -> list[str]:
        return [*(DEFAULT_EXCLUDES if self.use_default_excludes else ()), *self.exclude]


class DebtSettings(_Section):
    """Defaults of `techlead debt`."""

    since: str = Field(default="12m", description="Window of change frequency for hotspots.")
    ticket_pattern: str = Field(
        default=r"\b[A-Z][A-Z0-9]+-\d+\b|#\d+\b",
        description="Regular expression of ticket ids in commit messages (coupling by ticket).",
    )

    _valid_ticket = field_validator("ticket_pattern")(lambda value: _check_patterns([value])[0])


class DecisionSettings(_Section):
    """Where the decision log lives and which statuses it may use."""

    directory: Path | None = Field(
        default=None, description="Decision log directory (default: .adr-dir, else docs/adr)."
    )
    statuses: list[str] = Field(
        default_factory=list, description="Statuses allowed besides the standard five."
    )
    python_path: list[Path] = Field(
        default_factory=lambda: [Path("."), Path("src")],
        description="Directories, relative to the repository, where import rules look for "
        "the packages they name.",
    )
    baseline: Path | None = Field(
        default=None,
        description="JSON file of frozen rule violations (relative to the repository), read by "
        "`adr check`, `review`, `release check` and the dashboard; --baseline overrides it.",
    )


REPOSITORY_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"


class StoreSettings(_Section):
    """Where records (incidents, action items, ...) are kept."""

    url: str | None = Field(
        default=None,
        description="Database URL (sqlite:///PATH or postgresql://...) or an SQLite file path; "
        "default .techlead/techlead.db. --db and TECHLEAD_DATABASE_URL take precedence.",
    )
    repository: str | None = Field(
        default=None,
        description="This repository's name: its records carry it in the store, and the "
        "dashboard's addresses (/repos/NAME/). Default: the repository's directory name. "
        "Repositories sharing one database need different names.",
    )

    @field_validator("repository")
    @classmethod
    def _repository_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(REPOSITORY_NAME, value):
            raise ValueError(
                f"{value!r}: letters, digits, '.', '_' and '-' only, starting with a letter "
                "or digit (at most 100)"
            )
        return value


def repository_name(root: Path, settings: Settings) -> str:
    """The name a repository goes by in the record store and on the dashboard."""
    if settings.store.repository:
        return settings.store.repository
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", root.name).strip("-._") or "repository"
    return name[:100]


class Severity(_Section):
    """One incident severity level."""

    description: str
    major: bool = Field(default=False, description="Major incidents require a post-mortem.")


DEFAULT_SEVERITIES = {
    "SEV1": Severity(
        description="Critical: the service is down or losing data for many customers; "
        "all hands, executives and public status updates.",
        major=True,
    ),
    "SEV2": Severity(
        description="Major: a core function is broken or badly degraded for many customers; "
        "page the owning team at any hour.",
        major=True,
    ),
    "SEV3": Severity(
        description="Minor: a non-core function is broken, or a core one degraded for a few "
        "customers with a workaround; fix in working hours.",
    ),
    "SEV4": Severity(
        description="Low: a cosmetic or small problem with little customer impact; "
        "handled as normal work.",
    ),
    "SEV5": Severity(
        description="Informational: no customer impact (a near miss, a false alarm worth "
        "learning from).",
    ),
}


class IncidentSettings(_Section):
    """Severity levels and where post-mortems are written."""

    severities: dict[str, Severity] = Field(
        default_factory=lambda: dict(DEFAULT_SEVERITIES),
        description="Severity levels by name (SEV1-SEV5 by default); `major` ones need a "
        "post-mortem.",
    )
    postmortem_directory: Path = Field(
        default=Path("docs/postmortems"), description="Where post-mortems are written."
    )

    @field_validator("severities")
    @classmethod
    def _some_severities(cls, value: dict[str, Severity]) -> dict[str, Severity]:
        if not value:
            raise ValueError("at least one severity level is needed")
        return value


class RunbookSettings(_Section):
    """Where runbooks live and when they are due for review."""

    directory: Path = Field(default=Path("docs/runbooks"), description="Runbook directory.")
    review_days: int = Field(
        default=180, ge=1, description="A runbook not reviewed for this many days is stale."
    )


DEFAULT_VAGUE_WORDS = (
    "fast",
    "quick",
    "quickly",
    "slow",
    "easy",
    "easily",
    "simple",
    "intuitive",
    "user-friendly",
    "friendly",
    "robust",
    "scalable",
    "efficient",
    "efficiently",
    "flexible",
    "seamless",
    "seamlessly",
    "appropriate",
    "appropriately",
    "adequate",
    "reasonable",
    "sufficient",
    "properly",
    "nice",
    "better",
    "improve",
    "improved",
    "optimal",
    "optimized",
    "as needed",
    "as appropriate",
    "etc",
    "and/or",
    "some",
    "several",
    "many",
    "most",
    "normally",
    "usually",
    "if possible",
    "good",
    "modern",
    "clean",
)


class PlanningSettings(_Section):
    """Backlog imports, story lint and forecasts."""

    timezone: str = Field(
        default="UTC",
        description="The team's time zone (IANA name): where days begin for throughput, and "
        "how times without a zone in an export are read.",
    )
    history_days: int = Field(
        default=90, ge=7, le=3650, description="Days of throughput history a forecast samples."
    )
    trials: int = Field(
        default=10_000, ge=100, le=10_000_000, description="Monte Carlo trials per forecast."
    )
    todo_statuses: list[str] = Field(
        default_factory=list, description="Status names that mean not started (besides defaults)."
    )
    in_progress_statuses: list[str] = Field(
        default_factory=list, description="Status names that mean in progress."
    )
    done_statuses: list[str] = Field(
        default_factory=list, description="Status names that mean finished."
    )
    not_done_resolutions: list[str] = Field(
        default_factory=lambda: [
            "Won't Do",
            "Won't Fix",
            "Duplicate",
            "Cannot Reproduce",
            "Declined",
            "Rejected",
            "Obsolete",
            "Canceled",
            "Cancelled",
            "not_planned",
        ],
        description="Resolutions of closed items that delivered nothing (not throughput).",
    )
    excluded_types: list[str] = Field(
        default_factory=lambda: ["Epic", "Initiative", "Sub-task", "Subtask"],
        description="Item types left out of throughput and forecasts (containers, sub-tasks).",
    )
    git_unit: Literal["auto", "merges", "commits"] = Field(
        default="auto",
        description="What counts as a finished item in git history: merged changes (merge "
        "commits and squash-merged pull requests on the main line), every main-line commit, "
        "or auto: merged changes when there are any.",
    )
    jira_points_field: str | None = Field(
        default=None,
        description="Jira JSON field holding story points, e.g. customfield_10016 (default: "
        "found from the export's `names`, else customfield_10016).",
    )
    vague_words: list[str] = Field(
        default_factory=lambda: list(DEFAULT_VAGUE_WORDS),
        description="Words that make an acceptance criterion untestable unless it has a number.",
    )
    require_given_when_then: bool = Field(
        default=False, description="Story lint wants Given/When/Then acceptance criteria."
    )
    max_points: float | None = Field(
        default=8, gt=0, description="Items estimated above this many points are oversized."
    )
    percentile: float = Field(
        default=85,
        gt=0,
        lt=100,
        description="Cycle-time percentile beyond which work in progress is aging, and items "
        "of a size that usually takes longer are oversized.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from None
        return value


DEFAULT_FIX_PATTERNS = [
    r"(?i)\b(fix(e[sd]|ing)?|bugs?|bugfix|defects?|patch(ed)?|crash(es|ed)?|fault|regression)\b",
]
# A body line that says which issue the commit fixes: a `Fixes:`/`Closes:`/`Resolves:`/`Bug:`
# trailer, or a closing keyword at the start of a line followed by an issue reference
# (`Fixes #12`, `closes owner/repo#12`, `Resolves GH-3`, `Fixes SHOP-12`, `Fixed https://...`).
DEFAULT_FIX_TRAILER_PATTERNS = [
    r"(?m)^[ \t]*(?i:fix(e[sd])?|close[sd]?|resolve[sd]?|bug)[ \t]*:[ \t]*\S",
    r"(?m)^[ \t]*(?i:fix(e[sd])?|close[sd]?|resolve[sd]?)[ \t]+"
    r"((?i:[\w.-]+/[\w.-]+)?#\d+|(?i:gh)-\d+|[A-Z][A-Z0-9_]+-\d+|https?://\S+)",
]


class RiskSettings(_Section):
    """The defect-risk model: which commits fix bugs, and how it is evaluated."""

    fix_patterns: list[str] = Field(
        default_factory=lambda: list(DEFAULT_FIX_PATTERNS),
        description="Regular expressions: a commit whose subject (see fix_scope) matches one "
        "fixes a bug (the FIX metric, and SZZ's starting points).",
    )
    fix_scope: Literal["subject", "subject+trailers", "message"] = Field(
        default="subject+trailers",
        description="Where fix_patterns are looked for: the subject line only; the subject, "
        "and fix_trailer_patterns in the body; or the whole message (body included).",
    )
    fix_trailer_patterns: list[str] = Field(
        default_factory=lambda: list(DEFAULT_FIX_TRAILER_PATTERNS),
        description="Regular expressions matched against the body (fix_scope "
        "subject+trailers): `Fixes: #12`, `Closes #12`, a `Fixes:` trailer.",
    )
    blame_test_code: bool = Field(
        default=False,
        description="Whether SZZ blames the lines a fix changed in test code ([review] "
        "test_paths). Off: only the code a fix corrected blames the commit that wrote it.",
    )
    gaps: list[Annotated[int, Field(ge=0, le=3650)]] = Field(
        default_factory=lambda: [90, 180, 365],
        min_length=1,
        description="Label latencies (days) of the time-aware evaluation: training commits "
        "younger than this at the test period's start are left out.",
    )
    period_days: int = Field(
        default=90, ge=7, le=3650, description="Length of each test period (days)."
    )
    effort_share: float = Field(
        default=0.2, gt=0, lt=1, description="Share of effort (changed lines) for Recall@Effort."
    )

    _valid_fix = field_validator("fix_patterns", "fix_trailer_patterns")(_check_patterns)


TEST_PATHS = [
    "test/",
    "tests/",
    "testing/",
    "spec/",
    "specs/",
    "__tests__/",
    "test_*",
    "*_test.*",
    "*_tests.*",
    "*.test.*",
    "*.spec.*",
    "conftest.py",
    "*Test.java",
    "*Tests.java",
    "*Test.kt",
]


class ReviewSettings(_Section):
    """`techlead review`: what makes a change need more eyes, and what fails the gate."""

    max_risk: float = Field(
        default=0.7, gt=0, le=1, description="A commit above this risk is risky."
    )
    risky_reviewers: int = Field(
        default=2, ge=0, description="Reviewers a change with a risky commit needs (--reviewer)."
    )
    fail_on_rules: bool = Field(default=True, description="Decision-rule violations fail.")
    fail_on_security: bool = Field(
        default=False, description="Security findings on added lines fail."
    )
    ai_sensitive_paths: list[str] = Field(
        default_factory=list,
        description="Gitignore-style patterns: AI-assisted commits touching these need "
        "`ai_reviewers` human reviewers.",
    )
    ai_reviewers: int = Field(default=2, ge=0, description="See ai_sensitive_paths.")
    reviewers: int = Field(default=3, ge=1, le=20, description="Reviewers to suggest.")
    familiarity_days: int = Field(
        default=365, ge=7, description="Authorship counted for suggesting reviewers (days)."
    )
    coupling_degree: int = Field(
        default=50,
        ge=1,
        le=100,
        description="Coupling (%) above which an untouched partner is mentioned.",
    )
    test_paths: list[str] = Field(
        default_factory=lambda: list(TEST_PATHS),
        description="Gitignore-style patterns of test code (replaces the default list): it "
        "counts as the change's tests, and security findings are not reported in it.",
    )
    listed: int = Field(
        default=5,
        ge=1,
        le=1000,
        description="Hotspots, coupled files, complexity and AI-assisted commits listed per "
        "kind in the Markdown comment; JSON and SARIF keep them all.",
    )


class ReleaseSettings(_Section):
    """`techlead release check`: the evidence files a CI writes, and what fails a release.

    A gate whose file is not configured is not run; a configured file that is missing or
    malformed fails its gate."""

    junit: list[str] = Field(
        default_factory=list, description="JUnit XML reports (paths or globs, repository-relative)."
    )
    max_failures: int = Field(default=0, ge=0, description="Failed and erroring tests allowed.")
    max_skipped_share: float = Field(
        default=0.2, ge=0, le=1, description="Share of skipped tests allowed."
    )
    coverage: str | None = Field(default=None, description="Cobertura/coverage.py XML report.")
    min_coverage: float = Field(default=80, ge=0, le=100, description="Total line coverage (%).")
    min_changed_coverage: float = Field(
        default=80,
        ge=0,
        le=100,
        description="Coverage (%) of lines changed since the last release.",
    )
    benchmarks: str | None = Field(
        default=None, description="pytest-benchmark JSON or {name: seconds} JSON."
    )
    max_regression: float = Field(
        default=0.10,
        ge=0,
        description="Slow-down allowed against the previous release (0.1 = 10%).",
    )
    audit: list[str] = Field(
        default_factory=list, description="pip-audit or OSV-Scanner JSON reports."
    )
    fail_severity: Literal["low", "medium", "high", "critical"] = Field(
        default="high", description="Vulnerabilities of this severity or worse fail."
    )
    unknown_severity_fails: bool = Field(
        default=True, description="A vulnerability whose report gives no severity fails."
    )
    blocking_severities: list[str] = Field(
        default_factory=lambda: ["SEV1", "SEV2"],
        description="Open incidents of these severities block a release.",
    )
    overdue_actions_block: bool = Field(
        default=True, description="Overdue post-mortem action items block a release."
    )
    rules: bool = Field(default=True, description="Decision-rule violations block a release.")
    signoffs: list[str] = Field(
        default_factory=list, description="Roles that must sign off (e.g. security, qa, product)."
    )
    tag_pattern: str | None = Field(
        default=None,
        description="Tags that are releases (glob), for `release check` and `delivery`; "
        "default: detected, the prefix most version-like tags share (v1.2.3 gives v[0-9]*).",
    )
    prereleases: bool = Field(
        default=False,
        description="Pre-release tags (a1, b2, rc1, .dev, -alpha, -beta, -pre, nightly) count "
        "as releases in `delivery`.",
    )

    @field_validator("signoffs")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        return [role.strip().lower() for role in value]


class DeliverySettings(_Section):
    """`techlead delivery`: what a deployment is, and what marks one as failed.

    Without a deploy log the deployments are the release tags (`[release] tag_pattern`)."""

    min_deployments: int = Field(
        default=10,
        ge=1,
        description="Deployments below which the overall keys get no DORA level.",
    )
    revert_window_days: float = Field(
        default=14,
        ge=0,
        description="A revert fails the deployment that shipped the reverted commit only when "
        "it is committed within this many days of that deployment.",
    )
    hotfix_pattern: str = Field(
        default="*hotfix*",
        description="Deployments (tag or version) that are hotfixes (glob): unplanned work, "
        "and the deployment before failed.",
    )
    environment: str | None = Field(
        default=None, description="Deploy-log environment counted (default: all)."
    )
    ai_markers: list[str] = Field(
        default_factory=lambda: [
            r"generated (with|by) \[?(claude|copilot|cursor|chatgpt|codex|gemini|aider)",
            r"\[ai[- ]assisted\]",
        ],
        description="Regular expressions: a commit message matching one is AI-assisted "
        "(besides known assistants as author or Co-authored-by).",
    )
    ai_labels: list[str] = Field(
        default_factory=lambda: ["ai-assisted"],
        description="Labels of imported items (pull requests, issues): a commit naming such "
        "an item (#12, SHOP-7) is AI-assisted.",
    )
    max_ai_share: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="`release check` fails when AI-assisted commits since the last release "
        "exceed this share.",
    )

    _valid_markers = field_validator("ai_markers")(_check_patterns)

    @model_validator(mode="before")
    @classmethod
    def _tag_pattern_moved(cls, value: Any) -> Any:
        if isinstance(value, dict) and "tag_pattern" in value:
            raise ValueError(
                "tag_pattern moved to [release] tag_pattern (one setting for the release tags "
                "of release check and delivery)"
            )
        return value


HIRING_NAME = r"[a-z0-9][a-z0-9._-]{0,99}"


def check_names(names: list[str]) -> list[str]:
    for name in names:
        if not re.fullmatch(HIRING_NAME, name):
            raise ValueError(f"{name!r}: lower-case letters, digits, '.', '_' and '-' only")
    return names


class CompetencySettings(_Section):
    """A competency of the matrix, with what a score of 1, 2, 3 and 4 looks like."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    anchors: dict[int, Annotated[str, Field(min_length=1, max_length=2000)]] = Field(
        description="Behavioural anchors for the scores 1-4 (all four)."
    )

    @field_validator("anchors")
    @classmethod
    def _four(cls, value: dict[int, str]) -> dict[int, str]:
        if sorted(value) != [1, 2, 3, 4]:
            raise ValueError("give an anchor for each of the scores 1, 2, 3 and 4")
        return value


class StagePlan(_Section):
    """One interview stage of a role: its length and the competencies it assesses."""

    minutes: int = Field(default=60, ge=10, le=480)
    competencies: list[str] = Field(default_factory=list, description="Default: all the role's.")

    _valid_names = field_validator("competencies")(check_names)


class RoleSettings(_Section):
    """A role profile: the competencies a hire at this level is assessed on, per stage."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    level: int = Field(default=3, ge=1, le=10)
    description: str = Field(default="", max_length=10_000)
    competencies: list[str] = Field(min_length=1)
    stages: dict[str, StagePlan] = Field(default_factory=dict)

    _valid_names = field_validator("competencies")(check_names)

    @field_validator("stages")
    @classmethod
    def _stage_names(cls, value: dict[str, StagePlan]) -> dict[str, StagePlan]:
        check_names(list(value))
        return value


class HiringSettings(_Section):
    """`techlead hire`: the competency matrix, role profiles, question bank and retention."""

    directory: Path | None = Field(
        default=None,
        description="Competencies, roles and questions as Markdown (default: docs/hiring).",
    )
    starter: bool = Field(
        default=True,
        description="Use techlead's starter matrix, roles and questions under your own.",
    )
    competencies: dict[str, CompetencySettings] = Field(default_factory=dict)
    roles: dict[str, RoleSettings] = Field(default_factory=dict)
    retention_days: int = Field(
        default=365,
        ge=1,
        le=36_500,
        description="`hire purge` removes candidates' personal data this long after their "
        "last activity.",
    )
    disagreement: int = Field(
        default=2, ge=1, le=3, description="A score spread that the debrief flags."
    )
    min_shared: int = Field(
        default=5,
        ge=1,
        description="Scores shared with the panel before an interviewer is called lenient "
        "or severe.",
    )

    @field_validator("competencies", "roles")
    @classmethod
    def _names(cls, value: dict[str, Any]) -> dict[str, Any]:
        check_names(list(value))
        return value


class ServerSettings(_Section):
    """The team server (`techlead serve --team`): how many sign-ins it checks. Counted in
    memory by each server process (with --workers N, each worker counts its own)."""

    sign_in_failures_per_user: int = Field(
        default=5,
        ge=1,
        le=1_000_000,
        description="Failed sign-ins for one user name within the window, after which that "
        "name is answered 429 until the oldest failure leaves the window.",
    )
    sign_in_failures_per_address: int = Field(
        default=20,
        ge=1,
        le=1_000_000,
        description="Failed sign-ins from one client address (an IPv6 /64) within the window; "
        "with --behind-proxy, the address the proxy forwarded.",
    )
    sign_in_window_seconds: int = Field(
        default=300, ge=1, le=86_400, description="How long a failed sign-in counts."
    )
    password_checks: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Passwords (argon2) checked at once per server process; 0 = half the "
        "cores, at least 1. Others wait their turn, so sign-ins never take every core.",
    )


class Settings(_Section):
    """All of techlead's settings."""

    history: HistorySettings = Field(default_factory=HistorySettings)
    identities: IdentitySettings = Field(default_factory=IdentitySettings)
    files: FileSettings = Field(default_factory=FileSettings)
    debt: DebtSettings = Field(default_factory=DebtSettings)
    decisions: DecisionSettings = Field(default_factory=DecisionSettings)
    risk: RiskSettings = Field(default_factory=RiskSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    release: ReleaseSettings = Field(default_factory=ReleaseSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    incidents: IncidentSettings = Field(default_factory=IncidentSettings)
    runbooks: RunbookSettings = Field(default_factory=RunbookSettings)
    planning: PlanningSettings = Field(default_factory=PlanningSettings)
    hiring: HiringSettings = Field(default_factory=HiringSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc


def _describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}{more}"


def config_file_for(root: Path) -> tuple[Path, dict[str, Any]] | None:
    """The configuration file that applies at `root` and its raw content, if there is one."""
    own = root / CONFIG_FILE
    if own.is_file():
        return own, _read_toml(own)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        section = _read_toml(pyproject).get("tool", {}).get("techlead")
        if isinstance(section, dict):
            return pyproject, section
    return None


def load_settings(root: Path | None = None, explicit: Path | None = None) -> Settings:
    """Settings from `explicit`, else from the files at `root`, else the defaults."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: configuration file not found")
        found: tuple[Path, dict[str, Any]] | None = (explicit, _read_toml(explicit))
    else:
        found = config_file_for(root) if root is not None else None
    if found is None:
        return Settings()
    path, raw = found
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_describe(exc)}") from exc
    if settings.history.cache_dir is not None and not settings.history.cache_dir.is_absolute():
        settings.history.cache_dir = (path.parent / settings.history.cache_dir).resolve()
    return settings
