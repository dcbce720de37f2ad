"""Width and height of a compressed image read from its own header, without decoding it.

Used to check an image record's declared size (HLL/VLL) against its data cheaply. The header
readers (WSQ SOF, JPEG SOFn, JPEG 2000 SIZ in a bare codestream or a JP2 file's ``jp2c`` box,
PNG IHDR) live in ``securecomm.afis.image_header``, where the decoder uses the same sizes to
refuse oversized images before allocating them; this module is the codec's name for them.

Returns None when the header is not found; decoding will then say what is wrong.
"""

from __future__ import annotations

from securecomm.afis.image_header import declared_size


def compressed_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the codestream header, or None if it cannot be found."""
    return declared_size(data)
