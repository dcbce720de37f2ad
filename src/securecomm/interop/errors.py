"""Errors of the booking pipeline.

SecurecommError
 └── InteropError                     something asked of the pipeline cannot be done
      ├── DuplicateTcnError           the (ORI, TCN) was already used for different bytes (409)
      ├── UnknownSubmissionError      no submission of this agency has that TCN (404)
      ├── ForbiddenSubmissionError    an agency submits under another agency's ORI (403)
      ├── SubmissionFormatError       the bytes are not a booking this system takes (400)
      ├── ComponentUnavailableError   a pipeline component is not installed in this build (503)
      ├── UnknownStepError            a worker was asked to run a job kind that does not exist
      └── NoticeError                 a field-office notice is missing what a case needs (data)
"""

from __future__ import annotations

from securecomm.errors import SecurecommError


class InteropError(SecurecommError):
    """Something asked of the pipeline cannot be done."""


class DuplicateTcnError(InteropError):
    """A TCN is unique per agency: the same (ORI, TCN) with other bytes is refused."""


class UnknownSubmissionError(InteropError):
    """The agency has no submission with this TCN."""


class ForbiddenSubmissionError(InteropError):
    """The transaction's ORI is not the submitting agency's."""


class SubmissionFormatError(InteropError):
    """The transaction parses but is not a booking this system takes (wrong TOT, no ORI...)."""


class ComponentUnavailableError(InteropError):
    """A step needs a component (extractor, gallery, message builder) this build lacks."""


class UnknownStepError(InteropError):
    """``securecomm worker --kinds`` named a job kind the pipeline does not have."""


class NoticeError(InteropError):
    """A published field-office notice lacks its booking, IDENT match or research, or they are
    malformed: a data error, so the step that reads it is parked, not retried."""
