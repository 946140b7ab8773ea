"""Who made each commit: .mailmap, configured aliases, bots and AI assistants."""

from __future__ import annotations

from gitrepo import GitRepo
from techlead.history import scan


def authors(repo: GitRepo) -> list[tuple[str, str]]:
    commits = scan(repo.path).history.commits
    return sorted(set(commits.select("author_name", "author_email").rows()))


def test_mailmap_merges_identities(repo: GitRepo) -> None:
    repo.commit("one", {"a": "1\n"}, author="ann <ann@old.example.com>")
    repo.commit(
        "two",
        {".mailmap": "Ann Lead <ann@example.com> <ann@old.example.com>\n"},
        author="Ann Lead <ann@example.com>",
    )
    assert authors(repo) == [("Ann Lead", "ann@example.com")]


def test_changing_mailmap_remines_with_the_new_mapping(repo: GitRepo) -> None:
    repo.commit("one", {"a": "1\n"}, author="bob <bob@home.example>")
    repo.commit("two", {"b": "1\n"}, author="Bob Builder <bob@work.example>")
    assert len(authors(repo)) == 2
    (repo.path / ".mailmap").write_text("Bob Builder <bob@work.example> <bob@home.example>\n")
    result = scan(repo.path)
    assert result.rebuilt_because == "the .mailmap changed"
    assert authors(repo) == [("Bob Builder", "bob@work.example")]


def test_configured_aliases_merge_names_and_emails(repo: GitRepo) -> None:
    (repo.path / "techlead.toml").write_text(
        '[identities.aliases]\n"Cy Dev <cy@example.com>" = ["cy@laptop.local", "Cyrus"]\n',
        encoding="utf-8",
    )
    repo.commit("one", {"a": "1\n"}, author="cy <cy@laptop.local>")
    repo.commit("two", {"a": "2\n"}, author="Cyrus <cyrus@elsewhere.example>")
    repo.commit("three", {"a": "3\n"}, author="Cy Dev <cy@example.com>")
    assert authors(repo) == [("Cy Dev", "cy@example.com")]


def test_aliases_in_pyproject_tool_section(repo: GitRepo) -> None:
    (repo.path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.techlead.identities.aliases]\n'
        '"Di Ops <di@example.com>" = ["di@old.example"]\n',
        encoding="utf-8",
    )
    repo.commit("one", {"a": "1\n"}, author="di <di@old.example>")
    assert authors(repo) == [("Di Ops", "di@example.com")]


def test_bots_are_recognised_by_default_and_by_configured_patterns(repo: GitRepo) -> None:
    (repo.path / "techlead.toml").write_text(
        '[identities]\nbots = ["^release-robot$", "<ci@corp\\\\.example>"]\n', encoding="utf-8"
    )
    repo.commit(
        "deps",
        {"a": "1\n"},
        author="dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
    )
    repo.commit("renovate", {"a": "2\n"}, author="renovate <bot@renovateapp.com>")
    repo.commit("ci", {"a": "3\n"}, author="Pipeline <ci@corp.example>")
    repo.commit("human", {"a": "4\n"}, author="Eve Human <eve@example.com>")
    commits = scan(repo.path).history.commits
    flagged = dict(commits.select("author_name", "is_bot").rows())
    assert flagged == {
        "dependabot[bot]": True,
        "renovate": True,
        "Pipeline": True,
        "Eve Human": False,
    }


def test_ai_assistant_co_authors_mark_the_commit(repo: GitRepo) -> None:
    repo.commit(
        "Add cache\n\nCo-authored-by: Claude <noreply@anthropic.com>\n"
        "Co-authored-by: Fay Pair <fay@example.com>\n",
        {"a": "1\n"},
    )
    repo.commit("Pairing\n\nCo-authored-by: Fay Pair <fay@example.com>\n", {"a": "2\n"})
    repo.commit("Solo", {"a": "3\n"})
    commits = scan(repo.path).history.commits
    rows = {row["subject"]: row for row in commits.iter_rows(named=True)}
    assert rows["Add cache"]["co_authors"] == [
        "Claude <noreply@anthropic.com>",
        "Fay Pair <fay@example.com>",
    ]
    assert rows["Add cache"]["is_ai_assisted"] is True
    assert rows["Pairing"]["is_ai_assisted"] is False
    assert rows["Pairing"]["co_authors"] == ["Fay Pair <fay@example.com>"]
    assert rows["Solo"]["co_authors"] == []
