"""reStructuredText and Sphinx: links, `:doc:`, `:ref:` and code references, worked by hand."""

from __future__ import annotations

import json

import pytest

from gitrepo import GitRepo
from techlead.cli import main
from techlead.docs.rst import read_rst

CONF = """project = "Shop"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.intersphinx"]
intersphinx_mapping = {"python": ("https://docs.python.org/3", None)}
"""

INDEX = """Shop
====

.. toctree::
   :maxdepth: 2

   guide
   Reference <api/index>
   chapters/*
   gone-chapter

Start with :doc:`guide` and :doc:`the reference </api/index>`, not
:doc:`nothere`. Set up as in :ref:`setup <Setup>`, or :ref:`the
section <api-label>`; :ref:`nowhere` is no label, :ref:`python:comparisons` is Python's.
Sessions are :class:`requests.Session` objects; the code is `here <../src/shop/app.py>`_.

.. image:: img/missing.png

.. |logo| image:: img/logo.png

Example::

    :ref:`in-a-literal-block` and `link <missing.rst>`_

.. a comment with :ref:`in-a-comment`

.. sourcecode:: rst

    .. image:: also-not-read.png
"""

GUIDE = """.. _setup:

Setting up
----------

.. include:: snippets/missing.rst

See `the API page <api/index.html>`_ and `"the label" <setup>`_.
"""

README = """Shop
====

:ref:`readme-only` is not checked outside a Sphinx project; images are.

.. image:: docs/img/gone.png
"""


def _sphinx_tree(repo: GitRepo) -> None:
    repo.commit(
        "docs",
        {
            "README.rst": README,
            "docs/conf.py": CONF,
            "docs/index.rst": INDEX,
            "docs/guide.rst": GUIDE,
            "docs/api/index.rst": "API\n===\n\n.. automodule:: shop.app\n",
            "docs/img/logo.png": b"\x89PNG",
            "src/shop/__init__.py": "",
            "src/shop/app.py": '"""The app.\n\n.. _api-label:\n\nMore.\n"""\n',
        },
    )


def test_rst_links_doc_and_ref_targets(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    _sphinx_tree(repo)
    assert main(["docs", "lint", "-f", "json", "-C", str(repo.path)]) == 1
    broken = [
        (b["document"], b["line"], b["link"], b["problem"])
        for b in json.loads(capsys.readouterr().out)
    ]
    assert broken == [
        ("README.rst", 6, "docs/img/gone.png", "no such file"),
        (
            "docs/guide.rst",
            6,
            "snippets/missing.rst",
            "no such file",
        ),
        (
            "docs/guide.rst",
            8,
            "setup",
            "no such file (setup is a label: write :ref:`setup`)",
        ),
        ("docs/index.rst", 10, "gone-chapter", "no document gone-chapter"),
        ("docs/index.rst", 13, ":doc:`nothere`", "no document nothere"),
        ("docs/index.rst", 14, ":ref:`nowhere`", "no label nowhere"),
        ("docs/index.rst", 17, "img/missing.png", "no such file"),
    ]


def test_lint_says_which_formats_it_read(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("docs", {"README.md": "# Shop\n", "docs/index.rst": "Shop\n====\n"})
    assert main(["docs", "lint", "-C", str(repo.path)]) == 0
    assert capsys.readouterr().out.strip() == "Read 1 .rst and 1 .md files: no broken link"


def test_autosectionlabel_makes_titles_labels(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = 'extensions = ["sphinx.ext.autosectionlabel"]\nautosectionlabel_prefix_document = True\n'
    index = "Intro\n=====\n\nSee :ref:`guide:Setting up` and :ref:`Setting up`.\n"
    repo.commit(
        "docs", {"conf.py": conf, "index.rst": index, "guide.rst": "Setting up\n----------\n"}
    )
    assert main(["docs", "lint", "-f", "json", "-C", str(repo.path)]) == 1
    broken = [(b["line"], b["link"]) for b in json.loads(capsys.readouterr().out)]
    assert broken == [(4, ":ref:`Setting up`")]  # the prefixed form is the label


def test_reader_skips_literal_blocks_comments_and_doctests() -> None:
    doc = read_rst(
        "Text::\n\n    :func:`inside`\n\n>>> :func:`doctest`\n\n.. comment :func:`no`\n\n"
        "After :func:`pkg.mod.used` and ``pkg.mod`` over\n"
        "two lines :meth:`the\n method <pkg.mod.Cls.meth>`.\n"
    )
    assert [(r.line, r.role, r.target) for r in doc.code] == [
        (9, "func", "pkg.mod.used"),
        (10, "meth", "pkg.mod.Cls.meth"),
    ]
    assert doc.literals == ["pkg.mod"]


APP = "def handle_request(x):\n    return x\n\n\ndef other():\n    return 1\n"
API = """API
===

.. currentmodule:: shop.app

Call :func:`handle_request` (or :func:`shop.app.handle_request`) with a
:class:`requests.Session`; the old :mod:`shop.legacy` helpers are gone.
"""


def test_stale_rst_follows_roles_not_intersphinx_names(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit(
        "start",
        {
            "docs/conf.py": CONF,
            "docs/api.rst": API,
            "docs/reference.rst": "Reference\n=========\n\n.. autofunction:: shop.app.other\n",
            "docs/changelog.rst": "Changes\n=======\n\n* :func:`shop.app.handle_request`\n",
            "src/shop/__init__.py": "",
            "src/shop/app.py": APP,
            "src/shop/legacy.py": "def old():\n    pass\n",
            "src/shop/session.py": "class Session:\n    pass\n",
        },
        date="2026-01-01T00:00:00+00:00",
    )
    repo.commit(
        "grow the handler",
        {"src/shop/app.py": APP.replace("return x\n", "y = x\n    return y\n", 1)},
        date="2026-01-05T00:00:00+00:00",
    )
    repo.commit(
        "change our own Session, drop legacy",
        {"src/shop/session.py": "class Session:\n    x = 1\n", "src/shop/legacy.py": None},
        date="2026-01-06T00:00:00+00:00",
    )
    assert main(["docs", "stale", "-f", "json", "-q", "-C", str(repo.path)]) == 0
    stale = json.loads(capsys.readouterr().out)
    # api.rst: handle_request's file changed (2 added, 1 deleted), shop.legacy is gone, and
    # requests.Session is another project's class, not shop/session.py; reference.rst only
    # has autodoc (generated from the code), the changelog is history
    assert [(s["document"], s["changed_since"], s["gone"]) for s in stale] == [
        ("docs/api.rst", "src/shop/app.py (1 commits, 3 lines)", "src/shop/legacy.py")
    ]
