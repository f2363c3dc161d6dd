"""The delay after failed logins: growing, never past 60 s, and at most 100 failures an hour on
one account however an attacker times them (OWASP ASVS 2.2.1)."""

from datetime import timedelta

from models.accounts import FREE_PER_ACCOUNT, MAX_DELAY, THROTTLE_WINDOW, throttle_delay


def test_the_delay_grows_and_never_passes_a_minute() -> None:
    delays = [throttle_delay(n, FREE_PER_ACCOUNT) for n in range(200)]
    assert delays[:FREE_PER_ACCOUNT] == [timedelta(0)] * FREE_PER_ACCOUNT
    assert delays[FREE_PER_ACCOUNT:FREE_PER_ACCOUNT + 4] == [timedelta(seconds=s) for s in (1, 2, 4, 8)]
    assert all(a <= b for a, b in zip(delays, delays[1:], strict=False))
    assert max(delays) == MAX_DELAY == timedelta(seconds=60)


def test_an_attacker_gets_at_most_67_failures_an_hour() -> None:
    """Every failure made the moment the last one's delay ends, counted over a sliding hour."""
    failures: list[timedelta] = []
    now = timedelta(0)
    while now < 3 * THROTTLE_WINDOW:
        recent = [t for t in failures if t > now - THROTTLE_WINDOW]
        wait = throttle_delay(len(recent), FREE_PER_ACCOUNT)
        now = max(now, failures[-1] + wait) if failures else now
        failures.append(now)
        now += timedelta(milliseconds=1)
    most = max(sum(1 for t in failures if start <= t < start + THROTTLE_WINDOW) for start in failures)
    assert most == 67 < 100
