"""HMAC-SHA256 signatures with ``Settings.secret_key``: signed cookies and CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac


class Signer:
    """Signs and checks short values; ``purpose`` keeps signatures of one use from another."""

    def __init__(self, secret_key: str) -> None:
        self._key = secret_key.encode("utf-8")

    def signature(self, purpose: str, value: str) -> str:
        message = f"{purpose}\n{value}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def sign(self, purpose: str, value: str) -> str:
        return f"{value}.{self.signature(purpose, value)}"

    def unsign(self, purpose: str, signed: str) -> str | None:
        """The value if the signature is right, else None."""
        value, _, signature = signed.rpartition(".")
        if not value or not hmac.compare_digest(signature, self.signature(purpose, value)):
            return None
        return value

    def matches(self, purpose: str, value: str, signature: str) -> bool:
        return hmac.compare_digest(signature, self.signature(purpose, value))
