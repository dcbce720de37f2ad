"""The root of every error a user can cause.

    SecurecommError              something the caller sent or asked is wrong; safe to show
     ├── afis.errors.AfisError       images, templates, galleries
     ├── ansinist.errors.AnsiNistError   transactions and text messages
     ├── ...                        one hierarchy per component, in its own ``errors.py``
     └── ConfigError               a setting is invalid

Entry points (CLI, API, console) catch ``SecurecommError`` and show its message; the API maps
it to a 4xx response with the same message (``api.statuses``: the HTTP status is the entry
points' business, not the libraries'). Anything else is a bug in this system.
"""

from __future__ import annotations


class SecurecommError(Exception):
    """An error the caller caused; its message says what is wrong and where."""

    #: True when the condition may pass by itself (a lock another process holds): a worker
    #: retries the job. Otherwise the data is wrong and retrying cannot help: the job is parked.
    transient: bool = False


class ConfigError(SecurecommError):
    """A ``SECURECOMM_*`` setting has a value that cannot be used."""
