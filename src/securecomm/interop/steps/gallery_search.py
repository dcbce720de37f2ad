"""What both search steps share: the compute phase (load the booking's templates, search a
gallery, outside the write transaction) and the check the apply phase starts with."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from securecomm.afis.search import SearchResult
from securecomm.afis.types import FingerPosition, Template
from securecomm.interop.context import PipelineContext
from securecomm.interop.jobs import ClaimedJob
from securecomm.interop.submissions import Submission, SubmissionState
from securecomm.interop.templates_store import load_templates


class GalleryRecordsMismatch(RuntimeError):
    """The gallery returned a subject the record system does not know (a system fault)."""


@dataclass(frozen=True)
class Searched:
    """The compute phase of a search step: the probe and what the gallery answered."""

    templates: dict[FingerPosition, Template]
    result: SearchResult | None


def search_gallery(
    context: PipelineContext,
    session: Session,
    job: ClaimedJob,
    gallery: str,
    state: SubmissionState,
) -> Searched:
    """Load the booking's templates and search ``gallery`` (when the submission is in
    ``state``; otherwise the job has nothing left to do)."""
    submission = session.get(Submission, job.payload["submission_id"])
    if submission is None or submission.state is not state:
        return Searched({}, None)
    templates = load_templates(session, submission.id)
    return Searched(templates, context.components.galleries.get(gallery).search(templates))


def to_apply(
    session: Session, job: ClaimedJob, state: SubmissionState, searched: Searched
) -> tuple[Submission, SearchResult] | None:
    """The submission the apply phase writes for and the search result, or None when there is
    nothing to do: the submission is gone, another attempt moved it past ``state``, or the
    compute phase found nothing to search."""
    submission = session.get(Submission, job.payload["submission_id"])
    if submission is None or submission.state is not state or searched.result is None:
        return None
    return submission, searched.result
