"""Co-authors as GitHub reads them, AI assistants among them."""

from __future__ import annotations

from gitrepo import GitRepo
from techlead.history import scan

# A GitHub squash merge: the squashed commits' messages as bullets, then a `---------` line and
# the co-authors right under it (git's own trailer parser sees no trailers in that paragraph).
SQUASH = """Add the checkout page (#42)

* Draft the checkout page

* Handle an empty basket

Co-authored-by: Claude <noreply@anthropic.com>

---------
Co-authored-by: Bea Dev <bea@example.com>
Co-authored-by: Claude <noreply@anthropic.com>
"""


def test_co_authors_after_a_squash_merge_separator_are_read(repo: GitRepo) -> None:
    squash = repo.commit(SQUASH, {"checkout.py": "page = 1\n"})
    plain = repo.commit("Tidy up\n\nCo-authored-by: Bea Dev <bea@example.com>", {"a.py": "1\n"})
    prose = repo.commit("Explain\n\nWe said co-authored-by: nobody in prose.", {"b.py": "1\n"})
    commits = scan(repo.path).history.commits
    found = {c: (co, ai) for c, co, ai in commits.select("commit", "co_authors", "is_ai_assisted")
             .iter_rows()}  # fmt: skip
    assert found[squash] == (["Claude <noreply@anthropic.com>", "Bea Dev <bea@example.com>"], True)
    assert found[plain] == (["Bea Dev <bea@example.com>"], False)
    assert found[prose] == ([], False)
