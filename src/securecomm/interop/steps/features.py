"""Step ``features``: decode the booking's finger images and extract one template per finger.

An image that cannot be decoded, or a booking with too few usable prints, is the jail's error:
it is answered with an ERRT naming the record, and the submission goes no further. Fingers the
booking lists in 2.084 AMP (amputated ``XX`` or unable to print ``UP``) are absent, not errors:
any image sent for such a position is not used, and the search uses the fingers there are.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from securecomm import ansinist
from securecomm.afis.errors import AfisError
from securecomm.afis.types import FingerImage, FingerPosition, Template
from securecomm.ansinist.ebts import amputated_fingers
from securecomm.errors import SecurecommError
from securecomm.interop import parameters
from securecomm.interop.answers import answer_errt
from securecomm.interop.context import PipelineContext, TwoPhaseStep
from securecomm.interop.jobs import ClaimedJob, enqueue
from securecomm.interop.submissions import Submission, SubmissionState
from securecomm.interop.templates_store import save_templates

FINGER_RECORD_TYPES = frozenset({4, 14})
NEXT_STEP = "criminal_search"


def finger_images(raw: bytes) -> list[tuple[int, FingerImage]]:
    """(record index, decoded image) for every Type-4/14 finger record of a booking, except
    those at positions its 2.084 AMP lists as amputated or unprintable."""
    transaction = ansinist.read(raw, check_images=True)
    absent = amputated_fingers(transaction) if transaction.tot in ("CAR", "CNA") else {}
    fingers = []
    for info in ansinist.image_infos(transaction):
        if info.record_type not in FINGER_RECORD_TYPES:
            continue
        position = info.positions[0] if info.positions else 0
        if position in absent:
            continue
        pixels = ansinist.decode(info)
        finger = FingerPosition(position) if 1 <= position <= 10 else FingerPosition.UNKNOWN
        fingers.append((info.record_index, FingerImage(pixels, info.ppi or 500.0, finger)))
    if not fingers:
        raise ansinist.ImageDataError("the transaction has no finger image record (Type-4 or 14)")
    return fingers


@dataclass(frozen=True)
class Extracted:
    """What the compute phase found: the templates, or the jail's error (an ERRT's text)."""

    templates: dict[FingerPosition, Template]
    error: str | None = None


def compute_features(context: PipelineContext, session: Session, job: ClaimedJob) -> Extracted:
    """Decode every finger image and extract its template (no transaction needed)."""
    submission = session.get(Submission, job.payload["submission_id"])
    if submission is None or submission.state is not SubmissionState.RECEIVED:
        return Extracted({})
    try:
        fingers = finger_images(submission.raw)
    except SecurecommError as exc:
        return Extracted({}, str(exc))
    templates: dict[FingerPosition, Template] = {}
    problems = []
    for index, image in fingers:
        if image.position is FingerPosition.UNKNOWN or image.position in templates:
            problems.append(f"record {index}: finger position missing or repeated")
            continue
        try:
            templates[image.position] = context.components.extract(image)
        except AfisError as exc:
            problems.append(f"record {index} ({image.position.name.lower()}): {exc}")
    if len(templates) < parameters.MIN_USABLE_FINGERS:
        return Extracted({}, "no usable fingerprint in the submission: " + "; ".join(problems))
    return Extracted(templates)


def apply_features(
    context: PipelineContext, session: Session, job: ClaimedJob, extracted: Extracted
) -> None:
    """Store the templates and queue the criminal search, or answer the ERRT."""
    submission = session.get(Submission, job.payload["submission_id"])
    if submission is None or submission.state is not SubmissionState.RECEIVED:
        return
    if extracted.error is not None:
        answer_errt(context, session, submission, extracted.error)
        return
    save_templates(session, submission.id, extracted.templates)
    enqueue(
        session,
        NEXT_STEP,
        {"submission_id": submission.id},
        dedupe_key=f"{NEXT_STEP}:{submission.id}",
        submission_id=submission.id,
        now=context.clock.now(),
    )


features = TwoPhaseStep(compute_features, apply_features)
