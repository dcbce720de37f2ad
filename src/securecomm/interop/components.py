"""The parts of the pipeline that the biometric layer provides.

- ``extract``: one finger image → its minutiae template (``securecomm.afis.extraction``);
- ``galleries``: the criminal and immigration 1:N search engines
  (``securecomm.afis.search``), opened on first use and kept for the life of the process.

A gallery is a set of files that one process at a time may write (the engine locks it); a
worker keeps its galleries open, so run one worker per gallery directory (or the Ray engine,
``SECURECOMM_SEARCH_ENGINE=ray``, for several machines).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from securecomm.afis.extraction import extract
from securecomm.afis.search import SearchEngine, open_search_engine
from securecomm.afis.types import FingerImage, Template
from securecomm.config import Settings

CRIMINAL_GALLERY = "criminal"
IMMIGRATION_GALLERY = "immigration"


@dataclass
class GalleryProvider:
    """Opens a named gallery once per process."""

    opener: Callable[[str], SearchEngine]
    _open: dict[str, SearchEngine] = field(default_factory=dict)

    def get(self, name: str) -> SearchEngine:
        if name not in self._open:
            self._open[name] = self.opener(name)
        return self._open[name]

    def close(self) -> None:
        for engine in self._open.values():
            engine.close()
        self._open.clear()


@dataclass(frozen=True)
class PipelineComponents:
    galleries: GalleryProvider
    extract: Callable[[FingerImage], Template] = extract


def available_components(settings: Settings) -> PipelineComponents:
    """The real extractor and the galleries under ``settings.gallery_dir``."""
    return PipelineComponents(
        galleries=GalleryProvider(lambda name: open_search_engine(settings, name))
    )
