"""Small repositories whose hotspots, coupling, ownership and truck factor are known by hand."""

from __future__ import annotations

from pathlib import Path

from gitrepo import GitRepo
from techlead.history import scan
from techlead.history.files import CurrentFiles, current_files

ANN = "Ann Lead <ann@example.com>"
BOB = "Bob Dev <bob@example.com>"
CY = "Cy Writer <cy@example.com>"

A_PY = "def f(x):\n    if x:\n        return 1\n    return 2\n"  # cyclomatic 2, 4 lines
B_PY = "def g():\n    return 1\n"  # cyclomatic 1, 2 lines
C_YML = "a\n    b\n        c\n"  # indentation 0 + 1 + 2 = 3, 3 lines


def day(n: int, hour: int = 12) -> str:
    return f"2024-01-{n:02d}T{hour:02d}:00:00+00:00"


def build_small_project(path: Path) -> GitRepo:
    """Five commits:

    1. Ann adds a.py (cc 2), b.py (cc 1), c.yml (indentation 3)   2024-01-01
    2. Ann appends a line to a.py and b.py                        2024-01-02
    3. Bob appends a line to a.py and b.py                        2024-01-03 12:00
    4. Bob appends a line to a.py                                 2024-01-03 13:00
    5. Cy appends a line to c.yml                                 2024-01-05
    """
    repo = GitRepo(path)
    repo.commit("add", {"a.py": A_PY, "b.py": B_PY, "c.yml": C_YML}, author=ANN, date=day(1))
    a, b, c = A_PY, B_PY, C_YML
    a, b = a + "# 2\n", b + "# 2\n"
    repo.commit("two", {"a.py": a, "b.py": b}, author=ANN, date=day(2))
    a, b = a + "# 3\n", b + "# 3\n"
    repo.commit("three", {"a.py": a, "b.py": b}, author=BOB, date=day(3, 12))
    a = a + "# 4\n"
    repo.commit("four", {"a.py": a}, author=BOB, date=day(3, 13))
    repo.commit("five", {"c.yml": c + "    d\n"}, author=CY, date=day(5))
    return repo


def files_of(repo: GitRepo) -> CurrentFiles:
    return current_files(scan(repo.path))
