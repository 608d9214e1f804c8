"""Content problems: collected, never raised one at a time."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    severity: str = ERROR
    # A short, stable name used to count problems by kind; CATEGORIES gives the French word for the summary.
    category: str = field(default="content", compare=False)

    def __str__(self) -> str:
        prefix = "" if self.severity == ERROR else "avertissement : "
        return f"{self.path}:{self.line}: {prefix}{self.message}"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def printable(text: str) -> str:
    """One terminal line, whatever a value or a file name holds: no newline to forge a fake
    problem, no escape sequence to repaint the screen, no bidi override to reorder it."""
    text = _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), str(text))
    return "".join(c if unicodedata.category(c) != "Cf" else f"\\u{ord(c):04x}" for c in text)


# Each category's name in the summary line of `check` and `build`.
CATEGORIES = {
    "access": "accès",
    "code": "code",
    "content": "contenu",
    "dangling producer": "producteur introuvable",
    "dangling question tree": "arbre de questions introuvable",
    "dangling scope": "scope non déclaré",
    "dangling section": "section introuvable",
    "deceptive": "caractère trompeur",
    "duplicate id": "identifiant en double",
    "duplicate key": "clé en double",
    "encoding": "encodage",
    "export url": "adresse d'export",
    "file name": "nom de fichier",
    "front matter": "en-tête",
    "iframe host": "intégration",
    "io": "lecture",
    "layout": "dossier",
    "limit": "limite",
    "malformed tag": "balise mal formée",
    "minimisation": "minimisation",
    "missing field": "champ manquant",
    "null list": "liste vide",
    "out-of-range value": "valeur hors bornes",
    "partner without producer": "partenaire sans fiche",
    "scalar for list": "texte pour une liste",
    "scope mismatch": "scopes du corps",
    "several addresses": "plusieurs adresses",
    "size": "taille",
    "theme spelling": "orthographe de thème",
    "tree": "arbre de questions",
    "type": "type",
    "unknown key": "clé inconnue",
    "unknown tag": "balise inconnue",
    "unmapped audience": "public sans rôle",
    "unsafe attribute": "attribut refusé",
    "unsafe url": "adresse refusée",
    "unused file": "fichier ignoré",
    "value": "valeur",
    "yaml": "YAML",
    "config": "configuration",
}


class Problems:
    """Collects problems for one run; every reader and validator appends here."""

    def __init__(self):
        self.items: list[Problem] = []

    def _display(self, path: Path | str) -> str:
        path = Path(path)
        try:
            return printable(path.relative_to(Path.cwd()))
        except ValueError:
            return printable(path)

    def error(self, path, line: int, message: str, category: str = "content") -> None:
        self.items.append(Problem(self._display(path), max(int(line), 1), printable(message), ERROR, category))

    def warn(self, path, line: int, message: str, category: str = "content") -> None:
        self.items.append(Problem(self._display(path), max(int(line), 1), printable(message), WARNING, category))

    def guard(self, path, step, *args):
        """Run one file's step; a file nested past Python's stack becomes its own problem, and
        the other files are still checked."""
        try:
            return step(*args)
        except RecursionError:
            self.error(path, 1, "contenu imbriqué trop profondément pour être lu", "limit")
            return None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == WARNING]

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items))
