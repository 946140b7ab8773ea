"""Running one task per repository on Dask distributed: a LocalCluster sized to the machine by
default, or an existing cluster by its scheduler address."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from techlead.errors import TechleadError
from techlead.org.sources import Source
from techlead.org.tasks import Options, Outcome, run_repository

if TYPE_CHECKING:
    from distributed import Client

RETRIES = 2  # a task that raises is tried again; one lost with its worker is rescheduled


class ClusterError(TechleadError):
    """The cluster cannot be started or reached."""


@contextlib.contextmanager
def cluster(scheduler: str | None, workers: int | None) -> Iterator[Client]:
    """A client of the cluster at `scheduler`, or of a LocalCluster of `workers` processes
    (default: one per core), one thread each: git and Polars bring their own parallelism."""
    import dask
    from distributed import Client, LocalCluster

    from techlead.workers import default_workers

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"--scheduler {scheduler}: cannot reach it ({exc})") from None
        except ValueError as exc:  # not an address: http://..., no port, empty
            raise ClusterError(
                f"--scheduler {scheduler!r}: {exc}", hint="give it as tcp://HOST:8786"
            ) from None
        with client:
            yield client
        return
    # a worker that dies mid-task is replaced and its task rescheduled, up to this many times
    with dask.config.set({"distributed.scheduler.allowed-failures": 3}):
        local = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers or default_workers(),
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: several clusters may run at once
            silence_logs=logging.ERROR,
        )
        with local, Client(local) as client:  # type: ignore[no-untyped-call]
            yield client


def run(
    client: Client,
    sources: list[Source],
    options: Options,
    analysis: Callable[..., Any] | None,
    advance: Callable[[Outcome], None] | None = None,
    task: Callable[..., Outcome] = run_repository,
) -> list[Outcome]:
    """One task per repository; outcomes in the order of `sources`, `advance` told of each
    as it finishes (in the order they finish)."""
    from distributed import as_completed

    futures = [
        client.submit(task, source, options, analysis, key=f"repository-{i}-{source.name}",
                      retries=RETRIES, pure=False)
        for i, source in enumerate(sources)
    ]  # fmt: skip
    index = {str(future.key): i for i, future in enumerate(futures)}
    done: dict[int, Outcome] = {}
    for future in as_completed(futures):  # type: ignore[no-untyped-call]
        at = index[str(future.key)]
        done[at] = _outcome_of(future, sources[at])
        if advance is not None:
            advance(done[at])
    return [done[i] for i in range(len(futures))]


def _outcome_of(future: Any, source: Source) -> Outcome:
    """The task's result; a task that failed even after its retries (a worker that kept dying,
    an unexpected error) is that repository's failure."""
    try:
        result: Outcome = future.result()
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
        return Outcome(source.name, source.location, False, reason)
    return result
