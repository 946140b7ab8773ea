"""techlead: a local-first workbench for technical leads, built on the repository's evidence."""

__version__ = "0.1.0"
