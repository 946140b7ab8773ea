"""The evidence engine: a repository's history mined with git into Polars frames.

Later capabilities read history only through this API::

    from techlead.history import scan
    history = scan(Path(".")).history
    history.commits        # one row per commit (see techlead.history.schema.COMMITS)
    history.file_changes   # one row per file changed by a non-merge commit
    history.tags

These modules are the doors into mined facts (ADR 0035): this package, `scan` (History,
ScanResult, the Miner a caller may plug in), `files` (files at HEAD), `identities`, `tags`,
`periods`, `selection`, `summary`, `exclusions`, `kinds`, `schema`, `test_paths`, and `git` for
the git a capability runs itself. `miner`, `cache`, `log_format` and `lineage` are how the
facts are mined and kept: no module outside this package imports them (ADR 0005's rules).
"""

from techlead.history.miner import mine
from techlead.history.scan import History, ScanProgress, ScanResult, cache_directory, scan

__all__ = ["History", "ScanProgress", "ScanResult", "cache_directory", "mine", "scan"]
