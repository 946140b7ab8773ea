"""The optional extras (pyproject.toml) and what to say when a command needs one that is missing.

The core install runs every command over a repository and the SQLite record store; the heavy
parts are extras (ADR 0028). A command that imports a module of a missing extra stops with one
line naming the extra to install, instead of a traceback.
"""

from __future__ import annotations

from techlead.errors import TechleadError

# The top-level module each extra's distributions provide, and what the extra is for.
EXTRA_OF_MODULE = {
    "altair": "charts",
    "vl_convert": "charts",
    "fastapi": "web",
    "starlette": "web",
    "uvicorn": "web",
    "multipart": "web",
    "python_multipart": "web",
    "nh3": "web",
    "argon2": "web",
    "anyio": "web",
    "dask": "org",
    "distributed": "org",
    "sklearn": "risk",
    "playwright": "pdf",
    "psycopg": "postgres",
}
PURPOSE = {
    "charts": "charts in reports and --chart files",
    "web": "the dashboard and its users",
    "org": "many repositories on a Dask cluster",
    "risk": "the defect-risk model",
    "pdf": "PDF output",
    "postgres": "a PostgreSQL record store",
}


class MissingExtraError(TechleadError):
    """A command needs a module of an optional extra that is not installed."""


def missing_extra(error: ModuleNotFoundError) -> MissingExtraError | None:
    """The extra to install for the module that could not be imported; None when the module
    belongs to no extra (then it is a broken install or a bug, not a choice the user made)."""
    module = (error.name or "").partition(".")[0]
    extra = EXTRA_OF_MODULE.get(module)
    if extra is None:
        return None
    return MissingExtraError(
        f"this needs the {extra} extra ({PURPOSE[extra]}) and {module} is not installed: "
        f"pip install 'techlead[{extra}]'"
    )
