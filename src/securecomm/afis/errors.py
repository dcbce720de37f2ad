"""Errors of the fingerprint engine.

SecurecommError
 └── AfisError                 anything wrong with biometric input
      ├── ImageError           an image cannot be read or has the wrong shape/resolution
      ├── TemplateFormatError  template bytes are malformed (names the byte offset)
      ├── ExtractionError      no usable template came out of an image
      └── GalleryError         a gallery file is missing, corrupt or inconsistent
"""

from __future__ import annotations

from securecomm.errors import SecurecommError


class AfisError(SecurecommError):
    """Something is wrong with biometric input."""


class ImageError(AfisError):
    """An image cannot be read, or its size or resolution cannot be used."""


class TemplateFormatError(AfisError):
    """Template bytes are malformed; the message names the byte offset and what was expected."""

    def __init__(self, message: str, *, offset: int | None = None) -> None:
        self.offset = offset
        where = f" at byte offset {offset}" if offset is not None else ""
        super().__init__(f"{message}{where}")


class ExtractionError(AfisError):
    """No usable template came out of an image (too little foreground, too few minutiae)."""


class GalleryError(AfisError):
    """A gallery file is missing, corrupt or inconsistent."""
