"""argon2id password hashing (region file holds PHC strings)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile defaults
# Verified when the username is unknown, so both failures cost the same time.
_DUMMY = _hasher.hash("firstline-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(phc: str | None, password: str) -> bool:
    try:
        return _hasher.verify(phc or _DUMMY, password) and phc is not None
    except (VerificationError, InvalidHashError):
        return False
