"""How many sign-ins the team server checks: failures per user name and per client address.

Each counts within a sliding window (`[server] sign_in_window_seconds`). An attempt counts as
a failure from the moment it starts, so a burst of concurrent guesses cannot all pass before
the first is answered; a right password takes its own attempt back. Once a name or an address
has as many failures in the window as allowed, its attempts are refused, unchecked and
uncounted, until enough of the failures are older than the window. Unknown names count like
real ones, so a refusal says nothing about who exists.

The counts are kept in memory by one server process (no database write per guess, no shared
state to lock); with `--workers N` each worker counts its own, so the limits allow up to N
times as many. IPv6 addresses are counted per /64 network, the block one host is given.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

SWEEP_EVERY = 1024  # attempts between sweeps of names and addresses with nothing left counted


@dataclass(frozen=True)
class SignInLimits:
    per_user: int
    per_address: int
    window_seconds: float


class TooManySignInsError(Exception):
    """The name or the address has used its failures; `retry_after` seconds until it may try."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins: retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    """A sign-in being checked: where it is counted, and since when."""

    keys: tuple[str, ...]
    at: float


def address_key(host: str | None) -> str:
    """The client address an attempt is counted under (an IPv6 address by its /64)."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class SignInLimiter:
    """Failed sign-ins per user name and per client address, in one process's memory."""

    def __init__(self, limits: SignInLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._since_sweep = 0

    def start(self, name: str, host: str | None) -> Attempt:
        """Count an attempt to sign in as `name` from `host`, or refuse it (TooManySignInsError)."""
        now = self.clock()
        limits = self.limits
        keyed = (
            (f"user:{name}", limits.per_user),
            (f"address:{address_key(host)}", limits.per_address),
        )
        waits = [self._wait(key, limit, now) for key, limit in keyed]
        if any(wait is not None for wait in waits):
            raise TooManySignInsError(max(wait for wait in waits if wait is not None))
        for key, _ in keyed:
            self._failures.setdefault(key, deque()).append(now)
        self._sweep(now)
        return Attempt(tuple(key for key, _ in keyed), now)

    def succeeded(self, attempt: Attempt) -> None:
        """The password was right: the attempt is not a failure after all."""
        for key in attempt.keys:
            times = self._failures.get(key)
            if times is not None and attempt.at in times:
                times.remove(attempt.at)

    @property
    def tracked(self) -> int:
        """How many names and addresses have failures kept (until the next sweep)."""
        return len(self._failures)

    def _wait(self, key: str, limit: int, now: float) -> int | None:
        """Seconds until `key` may try again, or None if it may now."""
        times = self._failures.get(key)
        if times is None:
            return None
        window = self.limits.window_seconds
        while times and times[0] <= now - window:
            times.popleft()
        if len(times) < limit:
            return None
        # this one must leave the window for the count to fall below the limit
        freed_at = times[len(times) - limit] + window
        return max(1, math.ceil(freed_at - now))

    def _sweep(self, now: float) -> None:
        """Forget keys with no failure left in the window (memory stays bounded by what one
        window can hold: only attempts that were checked are counted)."""
        self._since_sweep += 1
        if self._since_sweep < SWEEP_EVERY:
            return
        self._since_sweep = 0
        oldest = now - self.limits.window_seconds
        for key in [k for k, times in self._failures.items() if not times or times[-1] <= oldest]:
            del self._failures[key]
