"""The notice to the person, in their language, served with a detainer (DESIGN.md §5.5).

Texts are files ``notice_<language>.txt`` (ISO 639-1 code): the package ships English and
Spanish in ``enforcement/templates``; an operator adds languages by pointing ``NoticeCatalog``
at a directory of further files (``SECURECOMM_NOTICE_DIR`` for the CLI and services built with
``CaseWork.from_settings``).  A detainer is refused when no notice exists in the person's
language, rather than served with a notice they cannot read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from securecomm.enforcement.errors import DocumentError
from securecomm.enforcement.parameters import DEFAULT_NOTICE_LANGUAGES

NOTICE_DIR_ENV = "SECURECOMM_NOTICE_DIR"


@dataclass(frozen=True)
class NoticeCatalog:
    """Notice texts by language code."""

    texts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, extra_dir: Path | None = None) -> NoticeCatalog:
        texts: dict[str, str] = {}
        package = resources.files("securecomm.enforcement").joinpath("templates")
        for lang in DEFAULT_NOTICE_LANGUAGES:
            texts[lang] = package.joinpath(f"notice_{lang}.txt").read_text("utf-8").strip()
        if extra_dir is None and os.environ.get(NOTICE_DIR_ENV):
            extra_dir = Path(os.environ[NOTICE_DIR_ENV])
        if extra_dir is not None:
            if not extra_dir.is_dir():
                raise DocumentError(f"notice directory {extra_dir} does not exist")
            for path in sorted(extra_dir.glob("notice_*.txt")):
                lang = path.stem.removeprefix("notice_").lower()
                text = path.read_text(encoding="utf-8").strip()
                if not text:
                    raise DocumentError(f"{path}: the notice text is empty")
                texts[lang] = text
        return cls(texts)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.texts))

    def text(self, language: str) -> str:
        try:
            return self.texts[language.lower()]
        except KeyError:
            raise DocumentError(
                f"no detainer notice in language {language!r} (available: "
                f"{', '.join(self.languages)}); add notice_{language}.txt to {NOTICE_DIR_ENV}"
            ) from None
