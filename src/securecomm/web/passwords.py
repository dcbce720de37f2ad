"""Password hashing with scrypt (RFC 7914) from the standard library.

Stored form: ``scrypt$n$r$p$salt_hex$hash_hex``, so the work factors can be raised later and old
hashes still verify.  Comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from securecomm.web.errors import FormError
from securecomm.web.parameters import (
    MIN_PASSWORD_LENGTH,
    SALT_BYTES,
    SCRYPT_DKLEN,
    SCRYPT_N,
    SCRYPT_P,
    SCRYPT_R,
)

_MAXMEM = 64 * 1024 * 1024


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FormError(f"password: at least {MIN_PASSWORD_LENGTH} characters are required")
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
        dklen=SCRYPT_DKLEN, maxmem=_MAXMEM,
    )  # fmt: skip
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_hex, hash_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = bytes.fromhex(hash_hex)
        digest = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r),
            p=int(p), dklen=len(expected), maxmem=_MAXMEM,
        )  # fmt: skip
    except ValueError:
        return False
    return hmac.compare_digest(digest, expected)
