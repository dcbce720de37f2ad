"""Keep numba's on-disk cache of the comparator kernels consistent across source edits.

Numba's ``cache=True`` checks only the source file of the function it caches. The kernels
here call kernels from other files of this package (``batch`` → ``comparator`` →
``consolidation``/``local_similarity``), which numba compiles into the caller; editing a callee
would leave the caller's cached machine code stale. So the package fingerprints all its
sources and, when that fingerprint changes, drops this package's cached kernels before any of
them is loaded. Cheap (a few small files hashed once per process).
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
STAMP = "kernels.sourcehash"


def invalidate_if_sources_changed(package: Path = PACKAGE) -> bool:
    """Delete cached kernels of ``package`` if its sources changed; True when it did."""
    digest = hashlib.sha256()
    for source in sorted(package.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    cache = package / "__pycache__"
    stamp = cache / STAMP
    current = digest.hexdigest()
    with contextlib.suppress(OSError):
        if stamp.read_text() == current:
            return False
    with contextlib.suppress(OSError):
        for stale in [*cache.glob("*.nbi"), *cache.glob("*.nbc")]:
            with contextlib.suppress(OSError):
                stale.unlink()
        cache.mkdir(exist_ok=True)
        stamp.write_text(current)
    return True
