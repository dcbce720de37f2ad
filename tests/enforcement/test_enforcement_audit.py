"""The audit log is append-only and hash-chained; `securecomm audit verify` finds tampering."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from enforcement_support import OFFICER, SUPERVISOR, Flow, in_transaction
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from securecomm.cli.audit import app
from securecomm.clock import FixedClock
from securecomm.config import Settings
from securecomm.enforcement import audit
from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.commands import ExerciseDiscretion
from securecomm.enforcement.models import AuditEntry
from securecomm.store.migrate import upgrade

runner = CliRunner()


@pytest.fixture(autouse=True)
def _embedded_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests use the SQLite file under SECURECOMM_HOME, whatever CI exports."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECURECOMM_DATABASE_URL", raising=False)


@pytest.fixture()
def migrated_home(home: Path) -> Path:
    """The home, its database set up as `securecomm db upgrade` does (case work never migrates)."""
    upgrade(Settings.from_env().effective_database_url)
    return home


@pytest.fixture()
def settled(migrated_home: Path, clock: FixedClock) -> CaseWork:
    """A case worked on the configured database (SECURECOMM_HOME), with about ten entries."""
    work = CaseWork.from_settings(Settings.from_env(), clock)
    flow = Flow(work, clock)
    cn = flow.reviewed()
    work.handle(ExerciseDiscretion(cn, reason="humanitarian"), OFFICER)
    work.read_case(SUPERVISOR, cn)
    return work


def raw(work: CaseWork, *statements: str) -> None:
    """An administrator with database access: drops the guards, then edits rows."""
    with work.factory() as s, s.begin():
        s.execute(text("DROP TRIGGER IF EXISTS audit_entries_no_update"))
        s.execute(text("DROP TRIGGER IF EXISTS audit_entries_no_delete"))
        for sql in statements:
            s.execute(text(sql))


def count(work: CaseWork) -> int:
    return in_transaction(work, lambda s, c: s.query(AuditEntry).count())


def verify_cli() -> tuple[int, str]:
    result = runner.invoke(app, ["verify"])
    return result.exit_code, result.output


def test_intact_log_verifies_and_cli_prints_the_count(settled: CaseWork) -> None:
    n = count(settled)
    assert n >= 9
    code, output = verify_cli()
    assert code == 0, output
    assert f"audit log intact: {n} entries checked" in output


def test_no_database_is_nothing_to_verify_and_fails(home: Path) -> None:
    code, output = verify_cli()
    assert code == 2 and "no database at" in output and "intact" not in output


def test_an_empty_log_is_nothing_to_verify_and_fails(
    migrated_home: Path, clock: FixedClock
) -> None:
    assert count(CaseWork.from_settings(Settings.from_env(), clock)) == 0  # migrated, no entries
    code, output = verify_cli()
    assert code == 2 and "the audit log is empty" in output and "intact" not in output


def test_every_transition_and_read_is_logged(settled: CaseWork) -> None:
    actions = in_transaction(settled, lambda s, c: [e.action for e in s.query(AuditEntry)])
    assert actions[0] == "case.opened"
    assert "case.read" in actions
    assert "case.exercise_discretion" in actions
    assert "interview.conducted" in actions


def test_orm_refuses_to_change_or_delete_an_entry(settled: CaseWork) -> None:
    with settled.factory() as s:
        entry = s.get(AuditEntry, 2)
        assert entry is not None
        entry.actor = "someone.else"
        with pytest.raises(PermissionError, match="append-only"):
            s.flush()
        s.rollback()
        s.delete(s.get(AuditEntry, 2))
        with pytest.raises(PermissionError, match="append-only"):
            s.flush()


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_entries SET actor='x' WHERE seq=2", "DELETE FROM audit_entries"]
)
def test_database_refuses_update_and_delete(settled: CaseWork, sql: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"), settled.factory() as s, s.begin():
        s.execute(text(sql))


def test_edited_entry_is_named(settled: CaseWork) -> None:
    raw(settled, "UPDATE audit_entries SET details = replace(details, 'humanitarian', 'x') "
                 "WHERE action = 'case.exercise_discretion'")  # fmt: skip
    seq = in_transaction(
        settled,
        lambda s, c: s.query(AuditEntry).filter_by(action="case.exercise_discretion").one().seq,
    )
    report = settled.verify_audit()
    assert report.broken_seq == seq and "edited" in report.problem
    code, output = verify_cli()
    assert code == 1
    assert f"entry #{seq}" in output and "edited" in output


def test_edited_actor_is_named(settled: CaseWork) -> None:
    raw(settled, "UPDATE audit_entries SET actor = 'nobody' WHERE seq = 3")
    assert settled.verify_audit().broken_seq == 3


def test_edit_with_recomputed_hash_breaks_the_next_link(settled: CaseWork) -> None:
    with settled.factory() as s:
        entry = s.get(AuditEntry, 4)
        assert entry is not None
        prev, seq, at = entry.prev_hash, entry.seq, entry.at
        content = {"seq": seq, "at": at.isoformat(timespec="microseconds"),
                   "actor": "nobody", "role": entry.role, "action": entry.action,
                   "subject": entry.subject, "details": entry.details}  # fmt: skip
    forged = hashlib.sha256((prev + "\n" + audit.canonical_json(content)).encode()).hexdigest()
    raw(settled, f"UPDATE audit_entries SET actor='nobody', entry_hash='{forged}' WHERE seq=4")
    report = settled.verify_audit()
    assert report.broken_seq == 5 and "link is broken" in report.problem


def test_deleted_middle_entry_is_named(settled: CaseWork) -> None:
    raw(settled, "DELETE FROM audit_entries WHERE seq = 6")
    report = settled.verify_audit()
    assert report.broken_seq == 6 and "missing" in report.problem
    code, output = verify_cli()
    assert code == 1 and "entry #6" in output


def test_deleted_newest_entries_are_detected(settled: CaseWork) -> None:
    n = count(settled)
    raw(settled, f"DELETE FROM audit_entries WHERE seq >= {n - 1}")
    report = settled.verify_audit()
    assert report.broken_seq == n - 1 and "head records" in report.problem


def test_reordered_rows_are_detected(settled: CaseWork) -> None:
    raw(
        settled,
        "UPDATE audit_entries SET seq = -1 WHERE seq = 3",
        "UPDATE audit_entries SET seq = 3 WHERE seq = 4",
        "UPDATE audit_entries SET seq = 4 WHERE seq = -1",
    )
    assert settled.verify_audit().broken_seq == 3


def test_canonical_json_is_stable() -> None:
    a = audit.canonical_json({"b": 1, "a": ["é", 2]})
    assert a == '{"a":["é",2],"b":1}'
    assert json.loads(a) == {"a": ["é", 2], "b": 1}


def test_concurrent_appends_keep_one_linear_chain(tmp_path: Path) -> None:
    import threading

    from enforcement_support import notice

    from securecomm.clock import SystemClock
    from securecomm.store.database import Base, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    Base.metadata.create_all(engine)
    work = CaseWork.from_engine(engine, SystemClock())
    cn = work.open_case_from_match(notice("C")).case_number
    errors: list[Exception] = []

    def reader() -> None:
        for _ in range(10):
            try:
                work.read_case(OFFICER, cn)
            except Exception as exc:  # collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = work.verify_audit()
    assert report.intact and report.checked == 1 + 40


def test_deleted_head_is_detected(settled: CaseWork) -> None:
    raw(settled, "DELETE FROM audit_head")
    report = settled.verify_audit()
    assert not report.intact and "head is missing" in report.problem
