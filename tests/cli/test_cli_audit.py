"""``securecomm audit`` against an insider who holds the database: every tampering — an edited
entry, a deleted middle entry, the newest entries deleted with the head row rewritten, the
database file rolled back to an older copy, a forged head, the whole chain rewritten with every
hash recomputed, an emptied log — fails ``verify`` with a message naming what failed; proofs
hold and fail when altered; nothing that could not be checked is called intact.  On SQLite and
PostgreSQL (the insider drops the append-only triggers first, as file access allows)."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from typer.testing import CliRunner

from securecomm.cli.audit import app
from securecomm.clock import SystemClock
from securecomm.config import Settings
from securecomm.enforcement import audit
from securecomm.enforcement.audit_heads import AuditFiles, SignedTreeHead, checkpoint_step
from securecomm.enforcement.audit_signing import AuditKey, CheckpointFile
from securecomm.enforcement.audit_tree import CompactRange, leaf_hash
from securecomm.enforcement.models import AuditEntry
from securecomm.enforcement.roles import SYSTEM_PRINCIPAL
from securecomm.interop.context import PipelineContext
from securecomm.interop.testing import fresh_database
from securecomm.store.database import make_session_factory, unit_of_work

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


GUARDS = ("audit_entries_no_update", "audit_entries_no_delete",
          "audit_tree_heads_no_update", "audit_tree_heads_no_delete")  # fmt: skip


class Log:
    """The home's database with its audit log, and an insider's raw access to it."""

    def __init__(self, engine: Engine, home: Path) -> None:
        self.engine = engine
        self.home = home
        self.factory = make_session_factory(engine)
        self.files = AuditFiles.of(Settings.from_env())

    @property
    def sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def append(self, count: int, subject: str = "S") -> None:
        for i in range(count):
            with unit_of_work(self.factory) as session:
                audit.record(session, SystemClock(), SYSTEM_PRINCIPAL, "case.read",
                             f"{subject}{i}", {"i": i, "name": "Müller"})  # fmt: skip

    def size(self) -> int:
        with self.factory() as session:
            return len(session.execute(select(AuditEntry.seq)).all())

    def raw(self, *statements: str) -> None:
        """Drop the append-only guards, then run ``statements`` (an insider with file access)."""
        with self.engine.begin() as connection:
            if self.sqlite:
                for name in GUARDS:
                    connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
            else:
                connection.execute(text("DROP TRIGGER IF EXISTS audit_entries_no_change ON "
                                        "audit_entries"))  # fmt: skip
                connection.execute(text("DROP TRIGGER IF EXISTS audit_tree_heads_no_change ON "
                                        "audit_tree_heads"))  # fmt: skip
            for sql in statements:
                connection.execute(text(sql))

    def rewrite_head_row(self) -> None:
        """Make ``audit_head`` agree with whatever entries are left (count, last hash)."""
        with self.factory() as session:
            last = session.execute(
                select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)
            ).scalar_one_or_none()
        if last is None:
            self.raw("DELETE FROM audit_head")
        else:
            self.raw(f"UPDATE audit_head SET count = {last.seq}, last_hash = '{last.entry_hash}'")

    def recompute_chain(self) -> None:
        """Re-hash every entry from the genesis and fix the head row (a full rewrite)."""
        with self.factory() as session:
            entries = list(session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars())
            session.expunge_all()
        prev, statements = audit.GENESIS_HASH, []
        for e in entries:
            h = audit.compute_hash(prev, e)
            statements.append(f"UPDATE audit_entries SET prev_hash = 'p{e.seq}', entry_hash = "
                              f"'h{e.seq}' WHERE seq = {e.seq}")  # fmt: skip
            e.prev_hash, e.entry_hash, prev = prev, h, h
        for e in entries:
            statements.append(f"UPDATE audit_entries SET prev_hash = '{e.prev_hash}', "
                              f"entry_hash = '{e.entry_hash}' WHERE seq = {e.seq}")  # fmt: skip
        self.raw(*statements)
        self.rewrite_head_row()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def log(
    request: pytest.FixtureRequest, home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Log]:
    monkeypatch.delenv("SECURECOMM_DATABASE_URL", raising=False)
    monkeypatch.delenv("SECURECOMM_AUDIT_KEY_FILE", raising=False)
    monkeypatch.delenv("SECURECOMM_AUDIT_CHECKPOINT_FILE", raising=False)
    if request.param == "postgres":
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgresql"):
            pytest.skip("DATABASE_URL does not point at PostgreSQL")
        monkeypatch.setenv("SECURECOMM_DATABASE_URL", url)
    engine = fresh_database(Settings.from_env().effective_database_url)
    yield Log(engine, home)
    engine.dispose()


@pytest.fixture()
def signed(log: Log) -> Log:
    """Twelve entries, a first signed head (by `audit verify`), then five more unsigned ones."""
    log.append(12)
    code, output = cli("verify")
    assert code == 0 and "signed a new tree head: size 12" in output, output
    log.append(5, "T")
    return log


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def verify() -> tuple[int, str]:
    return cli("verify")


# --- honest verification -------------------------------------------------------------------------


def test_no_database_exits_non_zero(home: Path) -> None:
    code, output = verify()
    assert code == 2 and "no database at" in output and "intact" not in output


def test_empty_log_is_nothing_to_verify(log: Log) -> None:
    code, output = verify()
    assert code == 2 and "the audit log is empty" in output and "intact" not in output


def test_first_verify_makes_the_key_0600_and_the_first_head(log: Log) -> None:
    log.append(3)
    assert not log.files.key_file.exists()
    code, output = verify()
    assert code == 0, output
    assert "audit log intact: 3 entries checked" in output
    assert "no tree head had been signed yet" in output and "size 3" in output
    assert stat.S_IMODE(log.files.key_file.stat().st_mode) == 0o600
    assert [h.size for h in log.files.checkpoints.heads()] == [3]
    code, output = verify()  # nothing new: checked, nothing signed
    assert code == 0 and "signed a new tree head" not in output, output
    assert output.count(" ok ") == 3  # chain, the database's head, the checkpoint file's head


def test_intact_log_with_new_entries_verifies_and_signs_them(signed: Log) -> None:
    code, output = verify()
    assert code == 0, output
    assert "audit log intact: 17 entries checked" in output
    assert "root matches the log's first 12 entries" in output
    assert "signed a new tree head: size 17" in output
    assert [h.size for h in signed.files.checkpoints.heads()] == [12, 17]


def test_missing_key_file_is_not_verified(signed: Log) -> None:
    signed.files.key_file.unlink()
    code, output = verify()
    assert code == 3, output
    assert "audit key file" in output and "is missing" in output and "intact" not in output
    code, output = cli("checkpoint")  # and no new key is made behind the old heads' back
    assert code != 0 and "is missing" in output and not signed.files.key_file.exists()


def test_missing_checkpoint_file_is_not_verified(signed: Log) -> None:
    signed.files.checkpoints.path.unlink()
    code, output = verify()
    assert code == 3, output
    assert "checkpoint file" in output and "missing" in output and "intact" not in output


def test_public_key_alone_checks_and_never_signs(signed: Log, tmp_path: Path) -> None:
    pem = tmp_path / "audit.pub"
    code, output = cli("public-key", "--out", str(pem))
    assert code == 0 and pem.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    signed.files.key_file.unlink()
    code, output = cli("verify", "--public-key", str(pem))
    assert code == 0 and "audit log intact: 17 entries checked" in output, output
    assert "signed a new tree head" not in output
    assert [h.size for h in signed.files.checkpoints.heads()] == [12]


def test_loose_key_permissions_are_refused(signed: Log) -> None:
    signed.files.key_file.chmod(0o644)
    code, output = verify()
    assert code != 0 and "chmod 600" in output


# --- tampering -----------------------------------------------------------------------------------


def test_edited_entry(signed: Log) -> None:
    signed.raw("UPDATE audit_entries SET actor = 'nobody' WHERE seq = 4")
    code, output = verify()
    assert code == 1 and "entry #4" in output and "edited" in output, output


def test_deleted_middle_entry(signed: Log) -> None:
    signed.raw("DELETE FROM audit_entries WHERE seq = 6")
    code, output = verify()
    assert code == 1 and "entry #6 is missing" in output, output


def test_tail_truncation_with_the_head_row_rewritten(signed: Log) -> None:
    assert verify()[0] == 0  # a head of all 17
    signed.raw("DELETE FROM audit_entries WHERE seq > 14")
    signed.rewrite_head_row()
    code, output = verify()
    assert code == 1, output
    assert "records 17 entries but the log holds 14" in output
    assert "#15–#17 were deleted" in output
    assert "latest signed head in the database" in output and "checkpoint file" in output


def test_tail_truncation_with_the_database_heads_removed_too(signed: Log) -> None:
    assert verify()[0] == 0
    signed.raw("DELETE FROM audit_entries WHERE seq > 14", "DELETE FROM audit_tree_heads")
    signed.rewrite_head_row()
    code, output = verify()
    assert code == 1 and "checkpoint file" in output and "holds 14" in output, output


def test_rollback_to_an_older_copy_of_the_database_file(signed: Log, tmp_path: Path) -> None:
    if not signed.sqlite:
        pytest.skip("a database file exists on SQLite only")
    database = Path(str(signed.engine.url.database))
    signed.engine.dispose()
    backup = tmp_path / "backup.db"
    shutil.copy(database, backup)  # WAL checkpointed by dispose: the file is the database
    signed.append(5, "U")
    assert verify()[0] == 0  # signs 22; the copy holds 17 entries and the head of 12
    signed.engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, database)
    code, output = verify()
    assert code == 1, output
    assert "records 22 entries but the log holds 17" in output
    assert "rolled back" in output and "checkpoint file" in output


def test_forged_head_in_the_database(signed: Log) -> None:
    with signed.factory() as session:
        row = session.execute(select(SignedTreeHead)).scalar_one()
        forged_sig = ("00" if row.signature[:2] != "00" else "11") + row.signature[2:]
    signed.raw(
        "INSERT INTO audit_tree_heads (tree_size, root_hash, timestamp_ms, key_id, signature, "
        f"compact_range) VALUES (17, '{'ab' * 32}', {row.timestamp_ms + 1}, '{row.key_id}', "
        f"'{forged_sig}', '[]')"
    )
    code, output = verify()
    assert code == 1 and "forged" in output and "signature does not verify" in output, output


def test_head_signed_by_another_key(signed: Log, tmp_path: Path) -> None:
    """The insider signs a head of a rewritten log with a key of their own."""
    mallory = AuditKey.create(tmp_path / "mallory.pem")
    signed.raw("DELETE FROM audit_entries WHERE seq > 10")
    signed.rewrite_head_row()
    compact = CompactRange()
    with signed.factory() as session:
        for e in session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars():
            compact.append(leaf_hash(audit.entry_bytes(e)))
    head = mallory.sign(compact.size, compact.root(), SystemClock().now())
    with unit_of_work(signed.factory) as session:
        session.add(SignedTreeHead.of(head, compact))
    signed.files.checkpoints.append(head)
    code, output = verify()
    assert code == 1 and "not by the audit key" in output, output


def test_full_rewrite_with_every_hash_recomputed(signed: Log) -> None:
    assert verify()[0] == 0
    signed.raw("UPDATE audit_entries SET actor = 'nobody' WHERE seq = 3")
    signed.recompute_chain()
    with signed.factory() as session:
        assert session.scalar(select(AuditEntry.actor).where(AuditEntry.seq == 3)) == "nobody"
    code, output = verify()
    assert code == 1, output
    assert "hash chain: 17 entries" in output  # the chain alone would call it intact
    assert "do not hash to the signed root" in output and "rewritten" in output


def test_emptied_log(signed: Log) -> None:
    signed.raw("DELETE FROM audit_entries", "DELETE FROM audit_head")
    code, output = verify()
    assert code == 1, output
    assert "the log holds 0" in output and "nothing to verify" not in output


def test_emptied_log_and_heads(signed: Log) -> None:
    signed.raw("DELETE FROM audit_entries", "DELETE FROM audit_head",
               "DELETE FROM audit_tree_heads")  # fmt: skip
    code, output = verify()
    assert code == 1 and "checkpoint file" in output and "holds 0" in output, output


def test_a_forged_checkpoint_line(signed: Log) -> None:
    path = signed.files.checkpoints.path
    line = json.loads(path.read_text().splitlines()[-1])
    line["tree_size"] = 3
    path.write_text(path.read_text() + json.dumps(line) + "\n")
    code, output = verify()
    assert code == 1 and "forged" in output, output


def test_the_maker_refuses_to_sign_over_a_rollback(signed: Log) -> None:
    assert verify()[0] == 0
    signed.raw("DELETE FROM audit_entries WHERE seq > 14", "DELETE FROM audit_tree_heads")
    signed.rewrite_head_row()
    code, output = cli("checkpoint")
    assert code == 1 and "rolled back or rewritten" in output, output
    assert [h.size for h in signed.files.checkpoints.heads()] == [12, 17]


# --- exported checkpoints: consistency proofs ----------------------------------------------------


def test_exported_checkpoint_is_extended_append_only(signed: Log, tmp_path: Path) -> None:
    exported = tmp_path / "witness.json"
    code, output = cli("checkpoint", "--out", str(exported))
    assert code == 0 and "size 17" in output, output
    signed.append(9, "U")
    code, output = cli("verify", "--checkpoint", str(exported))
    assert code == 0, output
    assert "append-only extension" in output and "consistency proof of" in output


def test_exported_checkpoint_detects_a_rewrite_below_it(signed: Log, tmp_path: Path) -> None:
    exported = tmp_path / "witness.json"
    assert cli("checkpoint", "--out", str(exported))[0] == 0
    signed.raw("UPDATE audit_entries SET subject = 'X' WHERE seq = 2",
               "DELETE FROM audit_tree_heads")  # fmt: skip
    signed.recompute_chain()
    signed.files.checkpoints.path.write_text("")  # the insider holds the home too
    code, output = cli("verify", "--checkpoint", str(exported))
    assert code == 1, output
    assert "not an append-only extension" in output and "rewritten" in output


def test_exported_checkpoint_that_was_altered(signed: Log, tmp_path: Path) -> None:
    exported = tmp_path / "witness.json"
    assert cli("checkpoint", "--out", str(exported))[0] == 0
    head = json.loads(exported.read_text())
    head["root_hash"] = "00" * 32
    exported.write_text(json.dumps(head))
    code, output = cli("verify", "--checkpoint", str(exported))
    assert code == 1 and "forged" in output, output


# --- inclusion proofs ----------------------------------------------------------------------------


def _prove(entry: int, tmp_path: Path) -> tuple[Path, dict]:
    out = tmp_path / f"proof-{entry}.json"
    code, output = cli("prove", str(entry), "--out", str(out))
    assert code == 0, output
    return out, json.loads(out.read_text())


def test_prove_and_check_with_the_public_key_alone(
    signed: Log, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pem = tmp_path / "audit.pub"
    assert cli("public-key", "--out", str(pem))[0] == 0
    out, proof = _prove(15, tmp_path)  # newer than the last head: prove signs one first
    assert proof["tree_size"] == 17 and proof["leaf_index"] == 14
    assert proof["entry"]["seq"] == 15 and proof["public_key"] == pem.read_text()
    assert set(proof) >= {"entry", "leaf_hash", "leaf_index", "tree_size", "inclusion_path",
                          "signed_head", "public_key"}  # fmt: skip
    signed.engine.dispose()
    monkeypatch.setenv("SECURECOMM_HOME", str(tmp_path / "elsewhere"))  # no database needed
    monkeypatch.delenv("SECURECOMM_DATABASE_URL", raising=False)
    code, output = cli("check-proof", str(out), "--public-key", str(pem))
    assert code == 0 and "proof holds: entry #15" in output, output


@pytest.mark.parametrize("alteration", ["entry", "path", "head", "index", "key"])
def test_an_altered_proof_fails(signed: Log, tmp_path: Path, alteration: str) -> None:
    out, proof = _prove(4, tmp_path)
    if alteration == "entry":
        proof["entry"]["actor"] = "someone.else"
    elif alteration == "path":
        p = proof["inclusion_path"][1]
        proof["inclusion_path"][1] = ("0" if p[0] != "0" else "1") + p[1:]
    elif alteration == "head":
        proof["signed_head"]["root_hash"] = proof["leaf_hash"]
    elif alteration == "index":
        proof["leaf_index"] = 5
    out.write_text(json.dumps(proof))
    args = ["check-proof", str(out)]
    if alteration == "key":
        other = AuditKey.create(tmp_path / "other.pem")
        (tmp_path / "other.pub").write_text(other.public_pem())
        args += ["--public-key", str(tmp_path / "other.pub")]
    code, output = cli(*args)
    assert code == 1 and "proof does not hold" in output, output


def _docs_script() -> str:
    doc = (ROOT / "docs" / "audit.md").read_text()
    match = re.search(r"```python\n(# check_proof\.py.*?)```", doc, re.S)
    assert match, "docs/audit.md has the stand-alone check_proof.py script"
    return match.group(1)


def test_the_stand_alone_script_in_the_docs(signed: Log, tmp_path: Path) -> None:
    script = _docs_script()
    assert len(script.strip().splitlines()) <= 30
    assert set(re.findall(r"^(?:from|import) (\w+)", script, re.M)) <= {"hashlib", "json", "sys",
                                                                      "cryptography"}  # fmt: skip
    (tmp_path / "check_proof.py").write_text(script)
    pem = tmp_path / "audit.pub"
    assert cli("public-key", "--out", str(pem))[0] == 0
    out, proof = _prove(7, tmp_path)

    def run(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(tmp_path / "check_proof.py"), str(path),
                               str(pem)], capture_output=True, text=True)  # fmt: skip

    ok = run(out)
    assert ok.returncode == 0 and "entry #7" in ok.stdout, ok.stdout + ok.stderr
    proof["entry"]["details"] = proof["entry"]["details"].replace("Müller", "Muller")
    out.write_text(json.dumps(proof))
    assert run(out).returncode != 0


# --- the worker's scheduled head -----------------------------------------------------------------


def test_the_scheduled_step_signs_for_its_home_only(signed: Log, tmp_path: Path) -> None:
    context = PipelineContext(components=None)  # type: ignore[arg-type]
    with unit_of_work(signed.factory) as session:
        checkpoint_step(context, session, None)  # type: ignore[arg-type]
    assert [h.size for h in signed.files.checkpoints.heads()] == [12, 17]
    other = fresh_database(f"sqlite:///{tmp_path / 'other.db'}")
    Log(other, tmp_path).append(2)
    with unit_of_work(make_session_factory(other)) as session:
        checkpoint_step(context, session, None)  # type: ignore[arg-type]
    other.dispose()
    assert [h.size for h in signed.files.checkpoints.heads()] == [12, 17]


def test_the_scheduled_step_waits_for_the_key(log: Log) -> None:
    log.append(2)
    with unit_of_work(log.factory) as session:
        checkpoint_step(PipelineContext(components=None), session, None)  # type: ignore[arg-type]
    assert (
        not log.files.key_file.exists() and not CheckpointFile(log.files.checkpoints.path).exists()
    )


def test_the_systems_worker_signs_a_head_on_schedule(signed: Log) -> None:
    from securecomm import system
    from securecomm.interop.worker import run_worker

    context = PipelineContext(components=None)  # type: ignore[arg-type]
    run_worker(signed.factory, context, system.STEPS, worker="w", until_idle=True,
               priority=system.STAGE_PRIORITY, schedule=system.SCHEDULE)  # fmt: skip
    assert [h.size for h in signed.files.checkpoints.heads()] == [12, 17]
    assert verify()[0] == 0


def test_a_home_from_before_the_heads_is_told_to_upgrade(home: Path) -> None:
    from securecomm.store.database import make_engine
    from securecomm.store.migrate import upgrade

    url = Settings.from_env().effective_database_url
    upgrade(url, "0003")
    engine = make_engine(url)
    Log(engine, home).append(2)
    engine.dispose()
    code, output = cli("checkpoint")
    assert code != 0 and "securecomm db upgrade" in " ".join(output.split()), output
    upgrade(url)
    code, output = verify()
    assert code == 0 and "signed a new tree head: size 2" in output, output
