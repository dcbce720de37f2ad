"""The public surface of the search and synthesis packages does not drift unnoticed."""

from __future__ import annotations

from pathlib import Path

import securecomm.afis.search as search
import securecomm.afis.template_synthesis as tsynth
from securecomm.errors import SecurecommError


def test_search_public_api() -> None:
    assert sorted(search.__all__) == [
        "Candidate",
        "Comparator",
        "Decision",
        "EmbeddedSearchEngine",
        "Gallery",
        "GalleryError",
        "GalleryLockedError",
        "IdentityExistsError",
        "ProbeError",
        "RecodeReport",
        "SearchEngine",
        "SearchResult",
        "ShardPlacementError",
        "ThresholdPolicy",
        "UnknownIdentityError",
        "fused_threshold",
        "open_search_engine",
        "recode_gallery",
    ]
    for name in search.__all__:
        assert getattr(search, name) is not None
    for error in (
        search.GalleryError,
        search.GalleryLockedError,
        search.IdentityExistsError,
        search.UnknownIdentityError,
        search.ProbeError,
    ):
        assert issubclass(error, SecurecommError)


def test_synthesis_public_api() -> None:
    assert sorted(tsynth.__all__) == ["FINGERS", "NONMATED_BASE", "TenPrintGenerator"]


def test_embedded_engine_satisfies_protocol(tmp_path: Path) -> None:
    with search.EmbeddedSearchEngine.open(tmp_path / "g") as engine:
        assert isinstance(engine, search.SearchEngine)
        assert len(engine) == 0
