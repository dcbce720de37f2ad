"""The parts of the pipeline that other layers provide, as the interfaces the steps call.

The steps are written against these protocols; ``available_components`` fills in the real
implementations this build has. A step whose component is missing raises
``ComponentUnavailableError`` (a system fault, never a fake answer).

- ``FeatureExtractor``: ten finger images → one template per finger (``securecomm.afis``).
- ``Gallery``: 1:N search of a booking's templates, and enrolment of a new subject
  (``securecomm.afis.search``; one instance for the criminal gallery, one for immigration).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from securecomm.afis.types import FingerImage, Template
from securecomm.config import Settings
from securecomm.interop.errors import ComponentUnavailableError


@dataclass(frozen=True)
class FingerTemplate:
    position: int  # EBTS finger position 1-10
    template: Template


@dataclass(frozen=True)
class Candidate:
    subject_id: str
    score: float


@dataclass(frozen=True)
class SearchResult:
    """Candidates best first; ``match`` is the subject above the decision threshold, if any."""

    candidates: tuple[Candidate, ...]
    match: str | None
    threshold: float


class FeatureExtractor(Protocol):
    def extract(self, fingers: Sequence[tuple[int, FingerImage]]) -> list[FingerTemplate]:
        """Templates for the (position, image) pairs; raises ``AfisError`` for unusable prints."""
        ...


class Gallery(Protocol):
    def search(self, templates: Sequence[FingerTemplate]) -> SearchResult: ...

    def enrol(self, subject_id: str, templates: Sequence[FingerTemplate]) -> None: ...


@dataclass(frozen=True)
class PipelineComponents:
    extractor: FeatureExtractor | None = None
    criminal_gallery: Gallery | None = None
    immigration_gallery: Gallery | None = None

    def require_extractor(self) -> FeatureExtractor:
        if self.extractor is None:
            raise ComponentUnavailableError(
                "feature extraction is not available in this build (securecomm.afis.extraction)"
            )
        return self.extractor

    def require_gallery(self, which: str) -> Gallery:
        gallery = self.criminal_gallery if which == "criminal" else self.immigration_gallery
        if gallery is None:
            raise ComponentUnavailableError(
                f"the {which} 1:N search is not available in this build (securecomm.afis.search)"
            )
        return gallery


def available_components(settings: Settings) -> PipelineComponents:
    """The real components this build provides (none of the biometric ones yet)."""
    del settings  # galleries will be opened from settings.gallery_dir once afis.search lands
    return PipelineComponents()
