"""How names typed by people are compared and turned into ids, everywhere in the site."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """The one comparison key for names typed by people: no accents, no case, single spaces."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def slugify(text: str) -> str:
    """An id for an anchor or a filter value: "Données d'état civil" → "donnees-d-etat-civil"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "section"
