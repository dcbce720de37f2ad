"""The main job (`securecomm demo`) runs end to end on a fresh embedded home."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from securecomm.cli.main import app
from securecomm.enforcement.models import Case
from securecomm.interop import FieldOfficeNotice, Submission
from securecomm.store.database import make_engine, make_session_factory


@pytest.mark.slow
def test_demo_books_the_cast_and_opens_cases(home: Path, shared_data: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["demo", "--shared-data", str(shared_data), "--background", "200", "--fingers", "4"],
        terminal_width=200,
    )
    assert result.exit_code == 0, result.output
    assert "hash chain intact" in result.output
    engine = make_engine(f"sqlite:///{home / 'demo' / 'securecomm.db'}")
    try:
        with make_session_factory(engine)() as session:
            # Six subjects, one booked twice; everyone but the U.S.-born one is in IDENT.
            assert session.scalar(select(func.count()).select_from(Submission)) == 7
            assert session.scalar(select(func.count()).select_from(FieldOfficeNotice)) == 6
            fins = session.scalars(select(Case.subject_fin).distinct()).all()
            assert len(fins) == 5  # every person in IDENT has a case
            answers = session.scalars(select(Submission.response_tot)).all()
            assert set(answers) == {"SRE"}
    finally:
        engine.dispose()
