"""The measuring service: size, complexity and functions of blobs, measured once per blob id
and kept in one cache (`debt`, `review`, `hire kit`, `org` and the dashboard all read it)."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from techlead.debt.measure import Measure, measure_batch

if TYPE_CHECKING:
    from concurrent.futures import Future

    from techlead.history.files import CurrentFiles
from techlead.atomic_files import atomic_write
from techlead.errors import CacheError, GitError
from techlead.history.git import Repository, git_command, git_environment
from techlead.workers import default_workers

SUMMARY = pl.Schema(
    {
        "blob": pl.String(),
        "loc": pl.Int64(),
        "complexity": pl.Int64(),
        "functions": pl.Int64(),
        "method": pl.String(),
    }
)
FUNCTION = pl.Struct(
    {
        "name": pl.String(),
        "long_name": pl.String(),
        "start_line": pl.Int64(),
        "end_line": pl.Int64(),
        "complexity": pl.Int64(),
    }
)
MEASURES = pl.Schema({**SUMMARY, "function_list": pl.List(FUNCTION)})
_CACHE_FILE = "complexity-4.parquet"  # the number changes when measuring does
_CACHE_FILES = "complexity*.parquet"  # older ones are removed when a new one is written
_BATCH = 32
_PARALLEL_FROM = 64  # fewer blobs than this are measured in-process


def read_blobs(repo: Repository, blobs: Sequence[str]) -> Iterator[tuple[str, bytes]]:
    """Contents of `blobs` from one `git cat-file --batch`, streamed in order."""
    with tempfile.TemporaryFile() as listing:
        listing.write("".join(f"{blob}\n" for blob in blobs).encode())
        listing.seek(0)
        process = subprocess.Popen(
            git_command(repo.root, "cat-file", "--batch"),
            stdin=listing,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=git_environment(),
        )
        assert process.stdout is not None
        with process.stdout as out:
            for blob in blobs:
                header = out.readline().split()
                if len(header) != 3 or header[1] != b"blob":
                    process.kill()
                    raise GitError(f"cannot read blob {blob} in {repo.root}")
                data = out.read(int(header[2]))
                out.read(1)
                yield blob, data
        process.wait()


class ComplexityCache:
    """Measures per blob id in one Parquet file next to the history cache."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / _CACHE_FILE

    def load(self, columns: Sequence[str] | None = None) -> pl.DataFrame:
        """Cached measures (only `columns`, when given: Parquet reads no others); empty when
        missing or unreadable (they are rebuilt)."""
        schema = pl.Schema({name: MEASURES[name] for name in columns or MEASURES})
        try:
            frame = (
                pl.read_parquet(self.path, columns=schema.names()) if self.path.exists() else None
            )
        except (OSError, pl.exceptions.PolarsError):
            frame = None
        if frame is None or frame.schema != schema:
            return pl.DataFrame(schema=schema)
        return frame

    def save(self, frame: pl.DataFrame) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, frame.write_parquet)
            for older in self.path.parent.glob(_CACHE_FILES):
                if older.name != self.path.name:
                    older.unlink(missing_ok=True)
        except OSError as exc:
            raise CacheError(f"{self.path}: cannot write: {exc.strerror}") from exc


def _daemonic() -> bool:
    """In a daemonic process (a Dask worker, say) there can be no process pool."""
    import multiprocessing

    return bool(multiprocessing.current_process().daemon)


def _measure(
    repo: Repository,
    wanted: list[tuple[str, str]],
    progress: Callable[[int], None] | None,
) -> list[tuple[str, Measure]]:
    blobs = [blob for blob, _ in wanted]
    names = dict(wanted)
    batches: list[list[tuple[str, str, bytes]]] = [[]]
    results: list[tuple[str, Measure]] = []
    workers = default_workers()
    if len(wanted) < _PARALLEL_FROM or workers == 1 or _daemonic():
        for blob, data in read_blobs(repo, blobs):
            results.extend(measure_batch([(blob, names[blob], data)]))
            if progress:
                progress(1)
        return results
    import multiprocessing  # process pools only for cold measurements: keep start-up light
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    futures: list[Future[list[tuple[str, Measure]]]] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for blob, data in read_blobs(repo, blobs):
            batches[-1].append((blob, names[blob], data))
            if len(batches[-1]) == _BATCH:
                futures.append(pool.submit(measure_batch, batches[-1]))
                batches.append([])
        if batches[-1]:
            futures.append(pool.submit(measure_batch, batches[-1]))
        for future in futures:
            done = future.result()
            results.extend(done)
            if progress:
                progress(len(done))
    return results


def _measured(
    repo: Repository,
    wanted: pl.DataFrame,
    cache_dir: Path,
    columns: Sequence[str],
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> pl.DataFrame:
    """`columns` of the cached measures of the blobs in `wanted` (`blob`, `path`: the path
    picks the language), those never measured before measured now and added to the cache."""
    cache = ComplexityCache(cache_dir)
    known = cache.load(columns)
    missing = (
        wanted.select("blob", "path")
        .unique("blob", keep="first", maintain_order=True)
        .join(known.select("blob"), on="blob", how="anti")
    )
    if not missing.height:
        return known
    if on_start:
        on_start(missing.height)
    measured = _measure(repo, list(missing.iter_rows()), progress)
    new = pl.DataFrame(
        [(blob, *measure) for blob, measure in measured], schema=MEASURES, orient="row"
    )
    cache.save(pl.concat([cache.load(), new]))
    return pl.concat([known, new.select(columns)])


def measure_files(
    repo: Repository,
    files: pl.DataFrame,
    cache_dir: Path,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> pl.DataFrame:
    """`files` (`path`, `blob`) with `loc`, `complexity`, `functions`, `method` added.

    Only blobs never measured before are read and measured; the rest come from the cache.
    """
    known = _measured(repo, files, cache_dir, SUMMARY.names(), progress, on_start)
    return files.join(known, on="blob", how="left", maintain_order="left")


def functions_of(repo: Repository, paths: dict[str, str], cache_dir: Path) -> pl.DataFrame:
    """The functions lizard finds in each blob of `paths` (blob id to a path it has, which picks
    the language), one row each (`blob` and the `FUNCTION` fields), in the order of each blob's
    source; from the same per-blob cache as the other measures. Files lizard does not read, or
    over `LIZARD_LIMIT`, have none (they get the indentation measure)."""
    if not paths:
        return pl.DataFrame(schema={"blob": pl.String(), **FUNCTION.to_schema()})
    wanted = pl.DataFrame(
        {"blob": list(paths), "path": list(paths.values())},
        schema={"blob": pl.String, "path": pl.String},
    )
    known = _measured(repo, wanted, cache_dir, ["blob", "function_list"])
    return (
        known.join(wanted.select("blob"), on="blob", how="semi")
        .explode("function_list")
        .drop_nulls("function_list")  # a blob without functions explodes to one null
        .unnest("function_list")
    )


def measured(files: CurrentFiles, quiet: bool) -> pl.DataFrame:
    """Files at HEAD with their complexity, as a command shows it: blobs not measured before
    get measured under a progress bar on stderr."""
    from techlead import terminal

    with terminal.ProgressBar("Measuring complexity", quiet, unit="files") as bar:
        return measure_files(
            files.history.repo, files.files, files.cache_dir, bar.advance, bar.start
        )
