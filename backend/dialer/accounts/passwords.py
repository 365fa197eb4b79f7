"""Password hashing with argon2id, and the rules a new password must meet."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

MIN_LENGTH = 8
MAX_LENGTH = 256  # hashing cost is per byte: a megabyte "password" is a denial of service


class WeakPassword(ValueError):
    """The password breaks a rule; the message says which, for the person typing it."""


def check_password_rules(password: str, username: str = "") -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"The password must have at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"The password must have at most {MAX_LENGTH} characters.")
    if username and password.lower() == username.lower():
        raise WeakPassword("The password must not be the user name.")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# A hash of a random password, verified against when the user does not exist, so that a
# login for an unknown name takes as long as one for a known name (no user enumeration).
async def hash_password_off_loop(password: str) -> str:
    """`hash_password` in a worker thread (argon2 releases the GIL). Argon2 spends 0.1-0.4 s of
    CPU by design, and the event loop it would hold also bridges answered customers to agents:
    30 agents signing in at once after a restart kept customers waiting 4-5 s (bench/faults.py),
    each an abandon in the law's eyes."""
    return await asyncio.to_thread(hash_password, password)


async def verify_password_off_loop(password_hash: str, password: str) -> bool:
    """`verify_password` in a worker thread, for the reason `hash_password_off_loop` gives."""
    return await asyncio.to_thread(verify_password, password_hash, password)


DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def generate_password(length: int = 14) -> str:
    """A password people can type: letters and digits without look-alikes (0/O, 1/l/I)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))
