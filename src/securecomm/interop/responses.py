"""Reading an answer back for display: (TOT, content) of an SRE/ERRT transaction."""

from __future__ import annotations

from securecomm import ansinist


def response_text(body: bytes) -> tuple[str, str]:
    """The TOT and the human-readable content (rap sheet or error messages)."""
    summary = ansinist.summarize_response(ansinist.read(body))
    return summary.tot, summary.text()
