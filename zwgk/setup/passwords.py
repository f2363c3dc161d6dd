"""Workbench passwords: the rule a new password must meet, and hashing them with argon2.

The rule (OWASP ASVS 2.1): at least 12 characters; not a common password (a list of a few
thousand shipped in ``data/common_passwords.txt``, made by tools/common_passwords.py), nor one
whose core is one (``woaini1314!`` is ``woaini``); not one character repeated, a short pattern
repeated or a simple sequence (``123456789012``, ``abcdefghijkl``, ``qwertyuiop``); not
containing the login. It is checked when an account is created, when a password is changed
and when one is set on reset.

Hashing is memory-hard by design (argon2id, 64 MiB a hash with argon2-cffi's recommended
parameters), so a process may only compute a few at once: ``hash_slots`` says how many fit in
``ZWGK_HASH_MEMORY_MB``, and the workbench queues the rest.
"""

import os
import re
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from zwgk.core.settings import get_settings

MIN_LENGTH = 12
MAX_LENGTH = 128
PASSWORD_RULE = ("密码至少 12 个字符；不能是常见密码（如 woaini1314、qwertyuiop12），不能是同一字符重复、"
                 "简单重复或连续序列（如 123456789012、abcdefghijkl），不能包含登录名")
RULE_GLOSS = "(at least 12 characters; not a common password, a repetition, a sequence, nor the login)"
# argon2's cheapest parameters, for test suites that log in hundreds of times (ZWGK_PASSWORD_HASH=fast).
FAST_HASH = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
# Runs people type: digits, the alphabet and the rows and columns of a keyboard, either way round.
SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm",
             "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@cache
def _common() -> frozenset[str]:
    text = files("zwgk.setup").joinpath("data/common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _repeats(text: str) -> bool:
    """One character, or a pattern of up to four, repeated (aaaaaaaaaaaa, abcabcabcabc)."""
    return any(text == (text[:k] * (len(text) // k + 1))[:len(text)] for k in range(1, 5))


def _sequence(text: str) -> bool:
    """A run of a known sequence (wrapping round), or characters that step evenly (acegikmoqsuw)."""
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    if len(steps) == 1:
        return True
    for sequence in SEQUENCES:
        for run in (sequence, sequence[::-1]):
            if text in run * (len(text) // len(run) + 2):
                return True
    return False


def password_problem(password: str, *, login: str) -> str | None:
    """Why ``password`` may not be set for ``login`` (a Chinese sentence), or None."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 个字符 (password too short)"
    if len(password) > MAX_LENGTH:
        return f"密码最多 {MAX_LENGTH} 个字符 (password too long)"
    text = password.lower()
    if _repeats(text) or _sequence(text):
        return "密码不能是重复的字符或连续序列，如 111111111111、123456789012 (repetition or sequence)"
    if text in _common() or _EDGES.sub("", text) in _common():
        return "这是常见密码，容易被猜中，请另设 (common password)"
    if len(login) >= 3 and (login.lower() in text or login.lower()[::-1] in text):
        return "密码不能包含登录名 (password contains the login)"
    return None


def hasher() -> PasswordHasher:
    """argon2-cffi's recommended parameters, or the cheapest with ZWGK_PASSWORD_HASH=fast. A
    stored hash carries its own parameters, so either setting verifies the other's hashes."""
    return PasswordHasher(**FAST_HASH) if get_settings().password_hash == "fast" else PasswordHasher()


def hash_password(password: str) -> str:
    """The argon2 hash of ``password`` to store."""
    return hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Whether ``password`` matches the stored hash (False for a damaged hash too)."""
    try:
        return hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash(parameters: str) -> str:
    return hasher().hash(f"not a password {parameters}")


def verify_dummy(password: str) -> None:
    """Spend the time a real check takes, for a login that has no account (or may not be
    checked now): the answer must not show which logins exist."""
    verify_password(_dummy_hash(get_settings().password_hash), password)


def hash_slots() -> int:
    """How many hashes this process may compute at once: as many as fit in
    ZWGK_HASH_MEMORY_MB, at least one, at most one a processor."""
    cost = hasher().memory_cost * 1024  # argon2 counts KiB
    budget = get_settings().hash_memory_mb * 1024 * 1024
    return max(1, min(os.cpu_count() or 1, budget // cost))
