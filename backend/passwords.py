"""Staff password hashes: argon2id (argon2-cffi); old werkzeug hashes still verify.

``PASSWORD_HASH_METHOD`` picks the argon2 parameters of new hashes: ``argon2`` (the
default, argon2-cffi's RFC 9106 low-memory profile: 3 passes over 64 MiB) or
``argon2-fast`` (1 pass over 8 KiB: the tests and the browser tests, never production).
A werkzeug method (``scrypt``, ``pbkdf2:sha256:1000``) still makes a werkzeug hash, for
tests of the upgrade. Any stored hash verifies whatever the setting.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from werkzeug.security import check_password_hash, generate_password_hash

DEFAULT_METHOD = "argon2"
_PARAMETERS = {
    "argon2": {},  # argon2-cffi's defaults (RFC 9106 low-memory profile)
    "argon2-fast": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
}


@cache
def _hasher(method: str) -> PasswordHasher:
    return PasswordHasher(**_PARAMETERS[method])


def is_argon2_method(method: str) -> bool:
    return method in _PARAMETERS


def hash_password(password: str, method: str = DEFAULT_METHOD) -> str:
    if is_argon2_method(method):
        return _hasher(method).hash(password)
    return generate_password_hash(password, method=method)


def verify(stored: str, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (an argon2 or a werkzeug hash)."""
    if stored.startswith("$argon2"):
        try:
            return _hasher(DEFAULT_METHOD).verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    try:
        return check_password_hash(stored, password)
    except ValueError:  # an unknown method in the column
        return False


def needs_rehash(stored: str, method: str = DEFAULT_METHOD) -> bool:
    """Whether a hash that just verified should be made again with ``method``: any
    werkzeug hash, or argon2 with other parameters."""
    if not is_argon2_method(method):
        return False
    if not stored.startswith("$argon2"):
        return True
    try:
        return _hasher(method).check_needs_rehash(stored)
    except InvalidHashError:
        return True


@cache
def _dummy_hash(method: str) -> str:
    return hash_password("not anyone's password", method)


def dummy_verify(password: str, method: str = DEFAULT_METHOD) -> bool:
    """Spend the time of one verification when there is no account to check (an unknown
    or deactivated user), so that the answer's time tells nothing. Always False."""
    method = method if is_argon2_method(method) else DEFAULT_METHOD
    verify(_dummy_hash(method), password)
    return False
