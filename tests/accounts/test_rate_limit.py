"""The sign-in rate limit: failures per user name and per client address in a sliding window."""

from __future__ import annotations

import pytest

from techlead.accounts.rate_limit import (
    SWEEP_EVERY,
    SignInLimiter,
    SignInLimits,
    TooManySignInsError,
    address_key,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(
    per_user: int = 3, per_address: int = 5, window: float = 60
) -> tuple[SignInLimiter, Clock]:
    clock = Clock()
    return SignInLimiter(SignInLimits(per_user, per_address, window), clock), clock


def refused_after(limiter: SignInLimiter, name: str, host: str) -> int:
    with pytest.raises(TooManySignInsError) as refused:
        limiter.start(name, host)
    return refused.value.retry_after


def test_a_name_is_refused_after_its_failures_until_the_oldest_leaves_the_window() -> None:
    limits, clock = limiter(per_user=3, window=60)
    for second in (0, 10, 20):
        clock.now = 1000 + second
        limits.start("ana", f"10.0.0.{second}")  # from different addresses
    clock.now = 1030
    assert (
        refused_after(limits, "ana", "10.0.1.1") == 30
    )  # the failure at 1000 frees a slot at 1060
    limits.start("ben", "10.0.1.1")  # other names are not held up
    clock.now = 1060
    limits.start("ana", "10.0.1.1")
    assert refused_after(limits, "ana", "10.0.1.1") == 10


def test_an_address_is_refused_after_its_failures_whatever_the_names() -> None:
    limits, _ = limiter(per_user=100, per_address=5, window=300)
    for number in range(5):
        limits.start(f"guess{number}", "192.0.2.7")
    assert refused_after(limits, "someone", "192.0.2.7") == 300
    limits.start("someone", "192.0.2.8")


def test_attempts_count_before_they_are_answered() -> None:
    limits, _ = limiter(per_user=2)
    limits.start("ana", "192.0.2.1")
    limits.start("ana", "192.0.2.2")  # both still being checked
    refused_after(limits, "ana", "192.0.2.3")


def test_a_right_password_takes_its_attempt_back() -> None:
    limits, _ = limiter(per_user=2)
    limits.start("ana", "192.0.2.1")
    limits.succeeded(limits.start("ana", "192.0.2.1"))
    limits.succeeded(limits.start("ana", "192.0.2.1"))
    limits.start("ana", "192.0.2.1")
    refused_after(limits, "ana", "192.0.2.1")


def test_refused_attempts_do_not_count() -> None:
    limits, clock = limiter(per_user=1, window=60)
    limits.start("ana", "192.0.2.1")
    for second in range(1, 59):
        clock.now = 1000 + second
        refused_after(limits, "ana", "192.0.2.1")
    clock.now = 1060
    limits.start("ana", "192.0.2.1")  # the hammering did not extend the wait


def test_ipv6_addresses_count_per_64_and_mapped_ipv4_as_ipv4() -> None:
    assert (
        address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    )
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert address_key(None) == "unknown"
    assert address_key("testclient") == "testclient"
    limits, _ = limiter(per_user=100, per_address=2)
    limits.start("a", "2001:db8:1:2::1")
    limits.start("b", "2001:db8:1:2::2")
    refused_after(limits, "c", "2001:db8:1:2::3")


def test_names_and_addresses_with_nothing_left_in_the_window_are_forgotten() -> None:
    limits, clock = limiter(window=60)
    for number in range(SWEEP_EVERY - 1):
        limits.start(f"user{number}", f"10.0.{number // 250}.{number % 250}")
    clock.now += 61
    limits.start("last", "10.9.9.9")  # the sweep runs here
    assert limits.tracked == 2
