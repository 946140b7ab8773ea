"""The evidence engine: a repository's history mined with git into Polars frames.

Later capabilities read history only through this API::

    from techlead.history import scan
    history = scan(Path(".")).history
    history.commits        # one row per commit (see techlead.history.schema.COMMITS)
    history.file_changes   # one row per file changed by a non-merge commit
    history.tags
"""

from techlead.history.scan import History, ScanProgress, ScanResult, cache_directory, scan

__all__ = ["History", "ScanProgress", "ScanResult", "cache_directory", "scan"]
