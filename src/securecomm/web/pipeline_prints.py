"""The prints behind a match the pipeline found: ``idr:<message id>/candidate:<subject id>``.

This is the reference (``interop.notices.EXAMINER_REFERENCE``) the pipeline publishes with each
notice and the cases opened from it keep. The probe side is the booking itself: the finger images
decoded from the stored submission (``interop.steps.features.finger_images``) with the templates the
search used (``interop.templates_store``). The gallery side is the candidate's enrolled templates,
read from the immigration gallery opened read-only (``afis.search.Gallery``); the gallery keeps no
images, so the examiner's view draws those minutiae on a blank print area.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from securecomm.afis.search.factory import gallery_path_for
from securecomm.afis.search.gallery import Gallery
from securecomm.afis.types import FingerImage
from securecomm.config import Settings
from securecomm.enforcement import UnknownCaseError
from securecomm.errors import SecurecommError
from securecomm.interop.components import IMMIGRATION_GALLERY
from securecomm.interop.notices import EXAMINER_REFERENCE
from securecomm.interop.outbox import MessageKind, OutboxMessage
from securecomm.interop.steps.features import finger_images
from securecomm.interop.submissions import Submission
from securecomm.interop.templates_store import load_templates
from securecomm.web.prints import FingerPair


class PipelinePrints:
    """Probe prints from the stored booking, gallery templates from the immigration gallery."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        self.factory = factory
        self.settings = settings

    def load(self, ref: str) -> list[FingerPair]:
        match = EXAMINER_REFERENCE.match(ref)
        if match is None:
            raise UnknownCaseError(
                f"{ref!r} is not a pipeline match reference (idr:<message>/candidate:<subject>)"
            )
        with self.factory() as session:
            message = session.get(OutboxMessage, int(match["message"]))
            if message is None or message.kind is not MessageKind.IDR:
                raise UnknownCaseError(f"{ref}: no IDENT data response {match['message']}")
            submission = session.get(Submission, message.submission_id)
            if submission is None:
                raise UnknownCaseError(f"{ref}: the IDR names no stored booking")
            templates = load_templates(session, submission.id)
            raw = submission.raw
        images: dict[int, FingerImage] = {}
        for _record, image in finger_images(raw):  # (record index, image): keyed by position
            images.setdefault(int(image.position), image)
        path = gallery_path_for(self.settings, IMMIGRATION_GALLERY)
        try:
            gallery = Gallery.open(path, writable=False, create=False)
        except (SecurecommError, OSError) as exc:
            raise UnknownCaseError(
                f"{ref}: the immigration gallery cannot be read ({exc})"
            ) from exc
        try:
            enrolled = gallery.fingers(match["subject"])
        except SecurecommError as exc:
            raise UnknownCaseError(f"{ref}: {exc}") from exc
        finally:
            gallery.close()
        return [
            FingerPair(
                position, images[int(position)], templates[position], None, enrolled[position]
            )
            for position in sorted(templates)
            if position in enrolled and int(position) in images
        ]
