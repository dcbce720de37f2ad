"""The signed audit log's cost: appending with the tree against the plain append, and
verifying a log of a million entries.

Measures, on a fresh SQLite file (or ``--database-url`` PostgreSQL):

- **append**: one unit of work appending one entry (``audit.record`` + commit), as every
  transition and read does.  ``record`` is unchanged by the tree (heads are coalesced), so
  "today's append" and "append with the tree" are measured side by side as: the plain append;
  the append plus its share of a head signed every ``--coalesce`` appends (what a worker's
  once-a-minute head costs at that rate); and the worst case of a head signed after every single
  append (the signature, the checkpoint file's fsync and the head row in the same
  transaction).  Median over ``--rounds`` rounds of ``--appends`` appends each.
- **verify**: a log of ``--entries`` (default 1,000,000) entries written directly (rows with
  their chain hashes), its first signed head (made from scratch, O(n)), then ``verify_log``:
  the chain walk with the leaf hashes, the Merkle roots, both heads' checks — one process, one
  core.

Run: ``.venv/bin/python benchmarks/audit_log.py [--entries 1000000] [--appends 300]``
Writes ``benchmarks/results/audit_log.json`` and prints a table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from securecomm.clock import SystemClock
from securecomm.enforcement import audit
from securecomm.enforcement.audit_heads import AuditFiles, make_head, verify_log
from securecomm.enforcement.audit_signing import AuditKey, CheckpointFile
from securecomm.enforcement.models import AuditEntry, AuditHead
from securecomm.enforcement.roles import SYSTEM_PRINCIPAL
from securecomm.interop.testing import fresh_database
from securecomm.machine import machine
from securecomm.store.database import make_session_factory, unit_of_work

ROOT = Path(__file__).resolve().parent.parent
RESULT = ROOT / "benchmarks" / "results" / "audit_log.json"


def _files(where: Path) -> tuple[AuditKey, AuditFiles]:
    files = AuditFiles(where / "key.pem", CheckpointFile(where / "checkpoints.jsonl"))
    files.checkpoints.create()
    return AuditKey.create(files.key_file), files


def _append(factory: Any, i: int) -> None:
    with unit_of_work(factory) as session:
        audit.record(session, SystemClock(), SYSTEM_PRINCIPAL, "case.read", f"C{i:07d}",
                     {"office": "DAL", "count": i})  # fmt: skip


def append_costs(url: str, work: Path, appends: int, rounds: int, coalesce: int) -> dict:
    engine = fresh_database(url)
    factory = make_session_factory(engine)
    key, files = _files(work)
    for i in range(50):  # warm up, and a log that is not empty
        _append(factory, i)
    with unit_of_work(factory) as session:
        make_head(session, key, files, SystemClock().now())

    def plain() -> float:
        start = time.perf_counter()
        for i in range(appends):
            _append(factory, i)
        return (time.perf_counter() - start) / appends

    def coalesced() -> float:
        start = time.perf_counter()
        for i in range(appends):
            _append(factory, i)
            if (i + 1) % coalesce == 0:
                with unit_of_work(factory) as session:
                    make_head(session, key, files, SystemClock().now())
        return (time.perf_counter() - start) / appends

    def every_append() -> float:
        start = time.perf_counter()
        for i in range(appends):
            with unit_of_work(factory) as session:
                audit.record(session, SystemClock(), SYSTEM_PRINCIPAL, "case.read",
                             f"C{i:07d}", {"office": "DAL", "count": i})  # fmt: skip
                make_head(session, key, files, SystemClock().now())
        return (time.perf_counter() - start) / appends

    samples: dict[str, list[float]] = {"plain": [], "coalesced": [], "head_every_append": []}
    for _ in range(rounds):  # interleaved, so drift affects all three alike
        samples["plain"].append(plain())
        samples["coalesced"].append(coalesced())
        samples["head_every_append"].append(every_append())
    engine.dispose()
    median = {k: statistics.median(v) for k, v in samples.items()}
    return {
        "appends_per_round": appends,
        "rounds": rounds,
        "coalesce_every": coalesce,
        "median_seconds_per_append": median,
        "ratio_coalesced_vs_plain": median["coalesced"] / median["plain"],
        "ratio_head_every_append_vs_plain": median["head_every_append"] / median["plain"],
    }


def _write_log(factory: Any, n: int) -> None:
    """``n`` entries as ``audit.record`` would write them, in bulk (chain hashes included)."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    prev, batch = audit.GENESIS_HASH, []
    with unit_of_work(factory) as session:
        for seq in range(1, n + 1):
            row = {"seq": seq, "at": start + timedelta(seconds=seq), "actor": "officer.dal",
                   "role": "ice_officer", "action": "case.read", "subject": f"C{seq % 5000:07d}",
                   "details": audit.canonical_json({"office": "DAL", "n": seq})}  # fmt: skip
            entry = AuditEntry(**row)
            row["prev_hash"], row["entry_hash"] = prev, audit.compute_hash(prev, entry)
            prev = row["entry_hash"]
            batch.append(row)
            if len(batch) == 20000:
                session.execute(insert(AuditEntry), batch)
                batch = []
        if batch:
            session.execute(insert(AuditEntry), batch)
        session.add(AuditHead(id=audit.HEAD_ID, count=n, last_hash=prev))


def verify_cost(url: str, work: Path, n: int) -> dict:
    engine = fresh_database(url)
    factory = make_session_factory(engine)
    key, files = _files(work)
    t0 = time.perf_counter()
    _write_log(factory, n - 1000)
    written = time.perf_counter() - t0
    t0 = time.perf_counter()
    with unit_of_work(factory) as session:
        first = make_head(session, key, files, SystemClock().now())
    first_head = time.perf_counter() - t0
    for i in range(1000):  # the last thousand through the real append path
        _append(factory, i)
    t0 = time.perf_counter()
    with unit_of_work(factory) as session:
        second = make_head(session, key, files, SystemClock().now())
    incremental_head = time.perf_counter() - t0
    t0 = time.perf_counter()
    with factory() as session:
        chain, leaves = audit.walk_log(session)
    walk = time.perf_counter() - t0
    t0 = time.perf_counter()
    with factory() as session:
        result = verify_log(session, key, files)
    total = time.perf_counter() - t0
    engine.dispose()
    assert first and second and chain.intact and not result.failed and not result.missing
    assert result.size == n and result.latest is not None and result.latest.size == n
    return {
        "entries": n,
        "seconds_to_write_the_log": written,
        "seconds_first_head_from_scratch": first_head,
        "seconds_incremental_head_1000_new_entries": incremental_head,
        "seconds_chain_walk_with_leaf_hashes": walk,
        "seconds_verify_log_total": total,
        "sha256_of_leaves": hashlib.sha256(leaves).hexdigest(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--coalesce", type=int, default=100)
    parser.add_argument("--database-url", default="", help="PostgreSQL (default: SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url = args.database_url or f"sqlite:///{work / 'append.db'}"
        (work / "a").mkdir()
        appends = append_costs(url, work / "a", args.appends, args.rounds, args.coalesce)
        url = args.database_url or f"sqlite:///{work / 'verify.db'}"
        (work / "v").mkdir()
        verify = verify_cost(url, work / "v", args.entries)
    result = {
        "benchmark": "audit_log",
        "machine": machine(),
        "database": "postgresql" if args.database_url else "sqlite",
        "append": appends,
        "verify": verify,
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    m = appends["median_seconds_per_append"]
    print(f"{'append (one unit of work, one entry)':<52}{'ms':>9}{'× plain':>9}")
    print(f"{'  plain (today, and with coalesced heads: same code)':<52}"
          f"{m['plain'] * 1e3:>9.3f}{1:>9.2f}")  # fmt: skip
    print(f"{f'  + a head every {args.coalesce} appends (amortised)':<52}"
          f"{m['coalesced'] * 1e3:>9.3f}{appends['ratio_coalesced_vs_plain']:>9.2f}")  # fmt: skip
    print(f"{'  + a head after every append (worst case)':<52}"
          f"{m['head_every_append'] * 1e3:>9.3f}"
          f"{appends['ratio_head_every_append_vs_plain']:>9.2f}")  # fmt: skip
    print(f"verify of {verify['entries']:,} entries{'':<30}{'s':>9}")
    for name in ("seconds_first_head_from_scratch", "seconds_incremental_head_1000_new_entries",
                 "seconds_chain_walk_with_leaf_hashes", "seconds_verify_log_total"):  # fmt: skip
        print(f"  {name.removeprefix('seconds_').replace('_', ' '):<50}{verify[name]:>9.2f}")
    print(f"written to {RESULT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
