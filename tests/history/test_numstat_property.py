"""Property: whatever the history, mined line totals equal `git log --numstat` totals."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitrepo import GitRepo
from techlead.history import scan

NAMES = st.sampled_from(["a.txt", "dir/b.py", "with space.md", "new\nline", "x.bin", "deep/er/c.c"])
LINES = st.lists(
    st.sampled_from(["alpha", "beta", "gamma", "", "delta delta", "\0bin"]), max_size=12
)
STEP = st.one_of(
    st.tuples(st.just("write"), NAMES, LINES),
    st.tuples(st.just("delete"), NAMES, st.just([])),
    st.tuples(st.just("rename"), NAMES, st.just([])),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(STEP, min_size=1, max_size=4), min_size=1, max_size=8), st.integers(1, 3))
def test_mined_totals_equal_git_log_numstat(
    history: list[list[tuple[str, str, list[str]]]], workers: int
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        repo = GitRepo(Path(directory) / "repo")
        present: set[str] = set()
        for number, steps in enumerate(history):
            for action, name, lines in steps:
                _apply(repo, present, action, name, lines)
            repo.commit(f"step {number}", allow_empty=True)
        changes = scan(repo.path, workers=workers).history.file_changes
        mined = (int(changes.get_column("added").sum()), int(changes.get_column("deleted").sum()))
        assert mined == repo.numstat_totals()


def _apply(repo: GitRepo, present: set[str], action: str, name: str, lines: list[str]) -> None:
    if action == "write":
        repo.write(name, "".join(f"{line}\n" for line in lines))
        present.add(name)
    elif action == "delete" and name in present:
        (repo.path / name).unlink()
        present.discard(name)
    elif action == "rename" and name in present:
        target = f"moved/{name.replace('/', '_')}"
        if target not in present:
            (repo.path / target).parent.mkdir(parents=True, exist_ok=True)
            (repo.path / name).rename(repo.path / target)
            present.discard(name)
            present.add(target)
