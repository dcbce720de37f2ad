"""Choose the search engine from settings: ``Settings.search_engine`` and ``ray_address``.

Galleries live under ``Settings.gallery_dir`` (``$SECURECOMM_HOME/galleries/<name>``), one
directory per gallery (e.g. ``criminal``, ``immigration``).
"""

from __future__ import annotations

from typing import Any

from securecomm.afis.errors import GalleryError
from securecomm.afis.search.embedded import EmbeddedSearchEngine
from securecomm.afis.search.engine import SearchEngine
from securecomm.config import Settings


def gallery_path_for(settings: Settings, name: str) -> Any:
    if not name or "/" in name or name.startswith("."):
        raise GalleryError(f"gallery name {name!r} must be a plain directory name")
    return settings.gallery_dir / name


def open_search_engine(settings: Settings, name: str = "default", **kwargs: Any) -> SearchEngine:
    """Open (creating if absent) gallery ``name`` with the configured engine."""
    path = gallery_path_for(settings, name)
    if settings.search_engine == "ray":
        from securecomm.afis.search.ray_engine import RaySearchEngine

        return RaySearchEngine.open(path, address=settings.ray_address or None, **kwargs)
    return EmbeddedSearchEngine.open(path, **kwargs)
