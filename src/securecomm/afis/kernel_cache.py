"""Keep numba's on-disk cache of a package's kernels consistent across source edits.

Numba's ``cache=True`` checks only the source file of the function it caches. Kernels call
kernels from other files of their package, which numba compiles into the caller, and read
tuning constants from the package's ``parameters`` at compile time; editing either would leave
the caller's cached machine code stale. So each package with kernels (extraction, matching,
search, synthesis, template_synthesis) fingerprints all its sources on import and, when that
fingerprint changes, drops its cached kernels before any of them is loaded. Cheap (a few small
files hashed once per process).
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

STAMP = "kernels.sourcehash"


def invalidate_if_sources_changed(package: Path) -> bool:
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
