"""How many workers a parallel step starts by default: the CPUs this process may run on
(ADR 0035). Mining history, measuring complexity and a local Dask cluster all size from it."""

from __future__ import annotations

import os


def default_workers() -> int:
    """The CPUs this process may run on (its affinity where the platform has one), at least 1."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
