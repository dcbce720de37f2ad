"""A booking's finger templates, kept between the feature step and the two searches."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, LargeBinary, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from securecomm.afis.templates import read_template, write_template
from securecomm.afis.types import FingerPosition, Template
from securecomm.store.database import Base


class SubmissionTemplate(Base):
    __tablename__ = "submission_templates"
    __table_args__ = (
        UniqueConstraint("submission_id", "position", name="uq_submission_templates_finger"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    #: The template in the engine's native format (``sct``).
    template: Mapped[bytes] = mapped_column(LargeBinary)


def save_templates(
    session: Session, submission_id: int, templates: dict[FingerPosition, Template]
) -> None:
    """Store the templates (replacing any of an earlier, rolled-back attempt)."""
    session.execute(
        delete(SubmissionTemplate).where(SubmissionTemplate.submission_id == submission_id)
    )
    for position, template in sorted(templates.items()):
        session.add(
            SubmissionTemplate(
                submission_id=submission_id,
                position=int(position),
                template=write_template(template),
            )
        )
    session.flush()


def load_templates(session: Session, submission_id: int) -> dict[FingerPosition, Template]:
    rows = session.scalars(
        select(SubmissionTemplate)
        .where(SubmissionTemplate.submission_id == submission_id)
        .order_by(SubmissionTemplate.position)
    )
    return {FingerPosition(r.position): read_template(r.template) for r in rows}
