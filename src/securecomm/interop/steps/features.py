"""Step ``features``: decode the booking's finger images and extract one template per finger.

An image that cannot be decoded, or holds no usable print, is the jail's error: it is answered
with an ERRT naming the record, and the submission goes no further.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from securecomm.afis.errors import AfisError
from securecomm.afis.types import FingerImage, FingerPosition
from securecomm.ansinist import images, traditional
from securecomm.errors import SecurecommError
from securecomm.interop.answers import answer_errt
from securecomm.interop.context import PipelineContext
from securecomm.interop.jobs import ClaimedJob
from securecomm.interop.submissions import Submission, SubmissionState

FINGER_RECORD_TYPES = frozenset({4, 14})


def finger_images(raw: bytes) -> list[tuple[int, FingerImage]]:
    """(EBTS finger position, decoded image) for every Type-4/14 record of a booking."""
    transaction = traditional.read(raw, check_images=True)
    fingers = []
    for info in images.image_infos(transaction):
        if info.record_type not in FINGER_RECORD_TYPES:
            continue
        pixels = images.decode(info)
        position = info.positions[0] if info.positions else 0
        try:
            finger = FingerPosition(position)
        except ValueError:
            finger = FingerPosition.UNKNOWN
        fingers.append((position, FingerImage(pixels, info.ppi or 500.0, finger)))
    if not fingers:
        raise images.ImageDataError(
            "the transaction has no finger image record (Type-4 or Type-14)"
        )
    return fingers


def features(context: PipelineContext, session: Session, job: ClaimedJob) -> None:
    submission = session.get(Submission, job.payload["submission_id"])
    if submission is None or submission.state is not SubmissionState.RECEIVED:
        return  # already answered (a retried job): nothing to do
    try:
        fingers = finger_images(submission.raw)
    except SecurecommError as exc:
        answer_errt(context, session, submission, str(exc))
        return
    extractor = context.components.require_extractor()
    try:
        extractor.extract(fingers)
    except AfisError as exc:
        answer_errt(context, session, submission, str(exc))
        return
    # The criminal and immigration searches follow once securecomm.afis.search is wired in.
    context.components.require_gallery("criminal")
