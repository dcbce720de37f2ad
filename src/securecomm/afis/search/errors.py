"""Errors of the 1:N search (all are :class:`~securecomm.afis.errors.AfisError`).

AfisError
 ├── GalleryError                 a gallery file is missing, corrupt or inconsistent
 │    ├── GalleryLockedError       another process has the gallery open for writing
 │    ├── IdentityExistsError      enrol of an identity that is already enrolled
 │    └── UnknownIdentityError     delete/replace of an identity that is not enrolled
 ├── ProbeError                   a search probe has no usable finger or a bad position
 └── ShardPlacementError          no node of a Ray cluster has the memory a shard reserves
"""

from __future__ import annotations

from securecomm.afis.errors import AfisError, GalleryError


class GalleryLockedError(GalleryError):
    """Another process holds the gallery's write lock."""

    transient = True


class IdentityExistsError(GalleryError):
    """The identity is already enrolled (use replace)."""


class UnknownIdentityError(GalleryError):
    """The identity is not enrolled in this gallery."""


class ProbeError(AfisError):
    """A probe cannot be searched (no usable finger, unknown finger position)."""


class ShardPlacementError(AfisError):
    """No node of the Ray cluster has the memory a shard actor reserves (so it would wait
    forever): start nodes with more memory or split the gallery into more shards."""

    transient = True


__all__ = [
    "GalleryError",
    "GalleryLockedError",
    "IdentityExistsError",
    "ProbeError",
    "ShardPlacementError",
    "UnknownIdentityError",
]
