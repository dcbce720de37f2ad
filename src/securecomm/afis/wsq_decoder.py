"""WSQ decoding in a helper process, so that corrupt data cannot crash this one.

The only WSQ decoder available, NBIS's (wrapped by the ``wsq`` package as ``_wsq``), is not
memory-safe on corrupt input: fuzzing real WSQ files (``tests/ansinist/test_ansinist_image_fuzz``)
found byte flips in the tables *and in the entropy-coded data* that make it crash with a
segmentation fault or a glibc heap-corruption abort, about one mutated file in 200, some only
sometimes (the fault depends on the heap's layout). No check of the header can rule that out.

So ``decompress`` sends the bytes to a helper process (``python -c HELPER``, which imports
nothing but ``_wsq``) over a pipe and reads back the pixels:

- the helper's address space is limited to ``MEMORY_LIMIT`` (``RLIMIT_AS``), and a decode
  that takes longer than ``TIMEOUT_SECONDS`` is abandoned (the helper is killed);
- a helper that dies while decoding is replaced, and the same data is tried once more in the
  new one (so that an earlier corrupt input that damaged the old helper's heap cannot fail a
  good image); if it dies again the data is reported as corrupt (``ImageError``);
- after an image that NBIS reports as invalid the helper is replaced too, since it may have
  written outside its buffers before noticing;
- NBIS's messages on stderr/stdout go to ``/dev/null`` in the helper, not into the logs.

One helper per process, started on first use, shared by threads (decoding is serialised, as
it was in-process: the C decoder holds the GIL) and ended at exit or when its stdin closes. A
forked child starts its own. Cost: one start (~30 ms), then a pipe round trip per image,
well under a millisecond for a finger image.
"""

from __future__ import annotations

import atexit
import os
import select
import struct
import subprocess
import sys
import threading
import time

from securecomm.afis.errors import ImageError

#: Address space the helper may use: decoding an image of ``image.MAX_PIXELS`` pixels needs
#: about 7 bytes a pixel in NBIS (integer and float planes), well inside this.
MEMORY_LIMIT = 3 * 1024**3
#: Longest a single decode may take (a 100-megapixel image takes about 10 s on one core).
TIMEOUT_SECONDS = 120.0

_REQUEST = struct.Struct(">Q")
_OK = struct.Struct(">iiiQ")  # width, height, ppi, pixel bytes
_FAILED = struct.Struct(">Q")  # message bytes

HELPER = r"""
import os, resource, struct, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
out = os.fdopen(os.dup(1), "wb")
inp = os.fdopen(os.dup(0), "rb")
null = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)
import _wsq

def read(n):
    chunks = []
    while n:
        chunk = inp.read(n)
        if not chunk:
            raise SystemExit(0)
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)

while True:
    (size,) = struct.unpack(">Q", read(8))
    data = read(size)
    try:
        pixels, width, height, ppi = _wsq.decompress(data)
    except BaseException as exc:
        message = (str(exc) or type(exc).__name__).encode("utf-8", "replace")[:2000]
        out.write(b"\x01" + struct.pack(">Q", len(message)) + message)
    else:
        out.write(b"\x00" + struct.pack(">iiiQ", width, height, int(ppi), len(pixels)))
        out.write(pixels)
    out.flush()
"""


class _HelperDied(Exception):
    """The helper ended (crashed, was killed, or timed out) before answering."""


class _Helper:
    def __init__(self) -> None:
        self.owner = os.getpid()
        self.process = subprocess.Popen(
            [sys.executable, "-c", HELPER, str(MEMORY_LIMIT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
            close_fds=True,
        )

    def decode(self, data: bytes) -> tuple[bytes, int, int, int] | str:
        """(pixels, width, height, ppi), or NBIS's message when it refuses the data."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(_REQUEST.pack(len(data)) + data)
        except (BrokenPipeError, ConnectionResetError, ValueError) as exc:
            raise _HelperDied from exc
        deadline = time.monotonic() + TIMEOUT_SECONDS
        fd = stdout.fileno()
        status = self._read(fd, 1, deadline)
        if status == b"\x00":
            width, height, ppi, size = _OK.unpack(self._read(fd, _OK.size, deadline))
            return self._read(fd, size, deadline), width, height, ppi
        (size,) = _FAILED.unpack(self._read(fd, _FAILED.size, deadline))
        return self._read(fd, size, deadline).decode("utf-8", "replace")

    def _read(self, fd: int, size: int, deadline: float) -> bytes:
        chunks: list[bytes] = []
        while size:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(0.0, left))
            if not ready:
                raise _HelperDied("timed out")
            chunk = os.read(fd, min(size, 1 << 20))
            if not chunk:
                raise _HelperDied("ended")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def close(self) -> str:
        """End the helper; how it ended (for messages)."""
        if self.owner != os.getpid():  # a forked child must not end its parent's helper
            return "not ours"
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        if code < 0:
            return f"signal {-code}"
        return f"exit status {code}"


_lock = threading.Lock()
_helper: _Helper | None = None


def decompress(data: bytes, where: str = "WSQ image data") -> tuple[bytes, int, int, int]:
    """Decode WSQ ``data`` in the helper: (8-bit pixels row by row, width, height, ppi).

    Raises ``ImageError`` when NBIS refuses the data, or when the decoder crashes on it twice.
    """
    global _helper
    with _lock:
        for attempt in (1, 2):
            if _helper is None or _helper.owner != os.getpid():
                _helper = _Helper()
            helper = _helper
            try:
                answer = helper.decode(data)
            except _HelperDied as exc:
                _helper = None
                ended = helper.close() if str(exc) != "timed out" else _kill(helper)
                if attempt == 2 or str(exc) == "timed out":
                    raise ImageError(
                        f"{where}: not a valid WSQ image (the WSQ decoder "
                        f"{'took too long' if str(exc) == 'timed out' else 'crashed'} on it: "
                        f"{ended}); the data is corrupt"
                    ) from None
                continue
            if isinstance(answer, str):
                _helper = None
                helper.close()
                raise ImageError(f"{where}: not a valid WSQ image ({answer})")
            return answer
    raise AssertionError("unreachable")


def _kill(helper: _Helper) -> str:
    helper.process.kill()
    return f"killed after {TIMEOUT_SECONDS:g} s ({helper.close()})"


@atexit.register
def _close_at_exit() -> None:
    global _helper
    if _helper is not None:
        _helper.close()
        _helper = None
