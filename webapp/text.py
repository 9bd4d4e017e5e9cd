"""The user interface's words in Chinese and English (``abm/data/app_text.csv``) and the browser's language."""

from __future__ import annotations

from abm.figures import SECTOR_LABELS
from abm.lever_guide import app_words
from webapp.catalogue import REGISTRY

TEXT_FILE = "app_text.csv"


def text_table() -> dict[str, dict[str, str]]:
    """The user interface's words, ``{language: {key: text}}``, from ``abm/data/app_text.csv``."""
    return app_words()


LANGUAGES = tuple(text_table())
FALLBACK_LANG = "en"


class Words:
    """Look up the words of one language; ``words(key, name=value)`` fills ``{name}`` in the text."""

    def __init__(self, lang: str):
        self.lang = lang
        self.table = text_table()[lang]

    def __call__(self, key: str, **values: object) -> str:
        text = self.table.get(key) or text_table()[FALLBACK_LANG].get(key) or key
        return text.format(**values) if values else text

    def param(self, name: str) -> str:
        """Short label of a lever or uncertainty."""
        return self(f"param.{name}")

    def hint(self, name: str) -> str:
        """What a lever or uncertainty means (English: the registry's description)."""
        return self.table.get(f"hint.{name}") or REGISTRY[name].description

    def unit(self, unit: str) -> str:
        return self.table.get(f"unit.{unit}") or unit

    def sector(self, name: str) -> str:
        return self.table.get(f"sector.{name}") or SECTOR_LABELS.get(name, name)


def default_language(accept_language: str | None) -> str:
    """The language to start in: the first of the browser's languages the app speaks (else English)."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower().split("-")[0]
        if code in LANGUAGES:
            return code
    return FALLBACK_LANG
