"""Our ANSI/NIST-ITL traditional codec against the maintained ``nistitl`` library, on the corpus.

Measures, for every transaction in ``../shared/data/ansinist`` (``*.an2`` and ``*.ebts``):

- files parsed; header fields exposed (binary records: nistitl gives only LEN and IDC);
- round-trip fidelity: parse → write → parse gives the same content; byte-identical output;
- error quality on seeded corruptions of the corpus (truncation, byte flips, deletions,
  inserted separators, trailing bytes): detected with the library's own error, crashed with
  another exception, or silently accepted; and whether the error names a byte offset and a
  record;
- speed: median (over repetitions) of parsing and writing the whole corpus.

Run: ``.venv/bin/python benchmarks/ansinist_codec.py [--repeat 7] [--corruptions 2000]``
Writes ``benchmarks/results/ansinist_codec.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nistitl

from securecomm.ansinist import images, traditional
from securecomm.ansinist.errors import AnsiNistError
from securecomm.machine import machine

ROOT = Path(__file__).resolve().parent.parent
CORPUS = (
    Path(os.environ.get("SECURECOMM_SHARED_DATA", ROOT.parent / "shared" / "data")) / "ansinist"
)
RESULT = ROOT / "benchmarks" / "results" / "ansinist_codec.json"
OFFSET_WORDS = re.compile(r"(byte|offset|position)\s*\d+|offset \d+", re.IGNORECASE)


def corpus_files() -> list[Path]:
    files = sorted(CORPUS.rglob("*.an2")) + sorted(CORPUS.rglob("*.ebts"))
    return [f for f in files if f.is_file()]


# --- the two codecs behind one interface ----------------------------------------------------


def ours_parse(data: bytes) -> Any:
    return traditional.read(data)


def ours_write(tx: Any) -> bytes:
    return traditional.write(tx)


def ours_fields(tx: Any) -> int:
    # +1 per record for LEN, which the value model derives rather than stores
    return sum(len(r.fields) + 1 for r in tx.records)


def ours_content(tx: Any) -> Any:
    return tx


def nistitl_parse(data: bytes) -> Any:
    m = nistitl.Message()
    m.parse(data)
    return m


def nistitl_write(m: Any) -> bytes:
    return bytes(m.NIST)


def nistitl_fields(m: Any) -> int:
    total = 0
    for r in m:
        total += len(r._fields) if isinstance(r, nistitl.AsciiRecord) else 2
    return total


def nistitl_content(m: Any) -> Any:
    out = []
    for r in m:
        if isinstance(r, nistitl.AsciiRecord):
            fields = [
                (f.tag, bytes(f.NIST))
                for f in r._fields
                if f.tag != 1 and not (r.type == 1 and f.tag == 3)
            ]
            out.append((r.type, fields))
        else:
            out.append((r.type, r.IDC, bytes(r.value)))
    return out


CODECS: dict[str, dict[str, Callable[..., Any]]] = {
    "securecomm": {
        "parse": ours_parse,
        "write": ours_write,
        "fields": ours_fields,
        "content": ours_content,
    },
    "nistitl": {
        "parse": nistitl_parse,
        "write": nistitl_write,
        "fields": nistitl_fields,
        "content": nistitl_content,
    },
}
LIBRARY_ERRORS: dict[str, type[Exception]] = {
    "securecomm": AnsiNistError,
    "nistitl": nistitl.NistException,
}


# --- measurements --------------------------------------------------------------------------


def corpus_quality(name: str, blobs: dict[str, bytes]) -> dict[str, Any]:
    codec = CODECS[name]
    parsed = failed = content_same = bytes_same = fields = 0
    failures: dict[str, str] = {}
    for fname, data in blobs.items():
        try:
            value = codec["parse"](data)
        except Exception as exc:
            failed += 1
            failures[fname] = f"{type(exc).__name__}: {exc}"
            continue
        parsed += 1
        fields += codec["fields"](value)
        out = codec["write"](value)
        bytes_same += out == data
        try:
            again = codec["parse"](out)
            content_same += codec["content"](again) == codec["content"](value)
        except Exception as exc:
            failures[fname] = f"re-parse failed: {type(exc).__name__}: {exc}"
    return {
        "files": len(blobs),
        "parsed": parsed,
        "failed": failed,
        "failures": failures,
        "fields_exposed": fields,
        "round_trip_same_content": content_same,
        "round_trip_byte_identical": bytes_same,
    }


def corrupt(data: bytes, rng: random.Random) -> bytes:
    d = bytearray(data)
    span = min(len(d), rng.choice([400, 4000, len(d)]))
    op = rng.randrange(5)
    if op == 0:
        return bytes(d[: rng.randrange(len(d))])
    if op == 1:
        for _ in range(rng.randint(1, 3)):
            d[rng.randrange(span)] = rng.randrange(256)
    elif op == 2:
        del d[rng.randrange(span)]
    elif op == 3:
        j = rng.randrange(span)
        d[j:j] = bytes([rng.choice([0x1C, 0x1D, 0x1E, 0x1F, 0x3A, 0x2E])])
    else:
        d += b"\x00" * rng.randrange(1, 4)
    return bytes(d)


def error_quality(name: str, blobs: list[bytes], n: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    parse = CODECS[name]["parse"]
    own = LIBRARY_ERRORS[name]
    detected = crashed = accepted = with_offset = with_record = 0
    crash_kinds: dict[str, int] = {}
    examples: list[str] = []
    for _ in range(n):
        bad = corrupt(rng.choice(blobs), rng)
        try:
            parse(bad)
            accepted += 1
        except own as exc:
            detected += 1
            text = str(exc)
            with_offset += bool(
                getattr(exc, "offset", None) is not None or OFFSET_WORDS.search(text)
            )
            with_record += bool(getattr(exc, "record_index", None) is not None or "record" in text)
            if len(examples) < 5:
                examples.append(text)
        except Exception as exc:
            crashed += 1
            kind = type(exc).__name__
            crash_kinds[kind] = crash_kinds.get(kind, 0) + 1
    return {
        "corruptions": n,
        "detected_with_library_error": detected,
        "crashed_with_other_exception": crashed,
        "crash_kinds": crash_kinds,
        "accepted_silently": accepted,
        "errors_with_byte_offset": with_offset,
        "errors_naming_record": with_record,
        "example_messages": examples,
    }


def speed(name: str, blobs: list[bytes], repeat: int) -> dict[str, float]:
    codec = CODECS[name]
    parse_times, write_times = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        values = [codec["parse"](b) for b in blobs]
        t1 = time.perf_counter()
        for v in values:
            codec["write"](v)
        t2 = time.perf_counter()
        parse_times.append(t1 - t0)
        write_times.append(t2 - t1)
    mb = sum(len(b) for b in blobs) / 1e6
    p, w = statistics.median(parse_times), statistics.median(write_times)
    return {
        "parse_corpus_s_median": round(p, 4),
        "write_corpus_s_median": round(w, 4),
        "parse_mb_per_s": round(mb / p, 1),
        "write_mb_per_s": round(mb / w, 1),
    }


def image_decoding(blobs: dict[str, bytes]) -> dict[str, Any]:
    """Our image access on the corpus: header fields found, decoded through securecomm.afis."""
    decoded: dict[str, int] = {}
    failures: list[str] = []
    total = 0
    for fname, data in blobs.items():
        tx = traditional.read(data)
        for info in images.image_infos(tx):
            if info.record_type in (7, 8):  # user-defined and signature data: not images
                continue
            total += 1
            try:
                images.decode(info)
                decoded[info.compression] = decoded.get(info.compression, 0) + 1
            except AnsiNistError as exc:
                failures.append(f"{fname}: {exc}")
    return {
        "image_records": total,
        "decoded": sum(decoded.values()),
        "by_compression": decoded,
        "failures": failures,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--corruptions", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20260101)
    args = ap.parse_args()
    warnings.simplefilter("ignore", DeprecationWarning)  # nistitl warns on Type-3/5/6

    files = corpus_files()
    blobs = {str(f.relative_to(CORPUS)): f.read_bytes() for f in files}
    # corruptions are drawn from the files both codecs parse, smaller ones for speed
    small = [b for b in blobs.values() if len(b) < 1_000_000]
    results: dict[str, Any] = {
        "machine": machine(),
        "corpus": {"files": len(blobs), "megabytes": round(sum(map(len, blobs.values())) / 1e6, 2)},
        "command": "benchmarks/ansinist_codec.py "
        f"--repeat {args.repeat} --corruptions {args.corruptions} --seed {args.seed}",
        "codecs": {},
    }
    for name in CODECS:
        results["codecs"][name] = {
            "corpus": corpus_quality(name, blobs),
            "errors": error_quality(name, small, args.corruptions, args.seed),
            "speed": speed(name, list(blobs.values()), args.repeat),
        }

    results["image_decoding"] = image_decoding(blobs)

    m = results["machine"]
    print(f"machine: {m['cores']} cores, {m['cpu']}; corpus {results['corpus']}")
    header = f"{'metric':42s}" + "".join(f"{n:>14s}" for n in CODECS)
    print(header)
    print("-" * len(header))
    rows = [
        ("files parsed", "corpus", "parsed"),
        ("fields exposed", "corpus", "fields_exposed"),
        ("round trip: same content", "corpus", "round_trip_same_content"),
        ("round trip: byte-identical", "corpus", "round_trip_byte_identical"),
        ("corruptions detected (own error)", "errors", "detected_with_library_error"),
        ("corruptions crashing (other exception)", "errors", "crashed_with_other_exception"),
        ("corruptions accepted silently", "errors", "accepted_silently"),
        ("errors with byte offset", "errors", "errors_with_byte_offset"),
        ("errors naming the record", "errors", "errors_naming_record"),
        ("parse corpus, s (median)", "speed", "parse_corpus_s_median"),
        ("write corpus, s (median)", "speed", "write_corpus_s_median"),
    ]
    for label, group, key in rows:
        print(
            f"{label:42s}" + "".join(f"{results['codecs'][n][group][key]!s:>14s}" for n in CODECS)
        )
    dec = results["image_decoding"]
    print(
        f"images (securecomm): {dec['decoded']}/{dec['image_records']} decoded "
        f"{dec['by_compression']}; {len(dec['failures'])} failures are defects of the files"
    )
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {RESULT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
