"""Content problems: collected, never raised one at a time."""

from __future__ import annotations

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
    # A short, stable name used to count problems by kind (see the closing notes and `check --summary`).
    category: str = field(default="content", compare=False)

    def __str__(self) -> str:
        prefix = "" if self.severity == ERROR else "avertissement : "
        return f"{self.path}:{self.line}: {prefix}{self.message}"


class Problems:
    """Collects problems for one run; every reader and validator appends here."""

    def __init__(self):
        self.items: list[Problem] = []

    def _display(self, path: Path | str) -> str:
        path = Path(path)
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    def error(self, path, line: int, message: str, category: str = "content") -> None:
        self.items.append(Problem(self._display(path), max(int(line), 1), message, ERROR, category))

    def warn(self, path, line: int, message: str, category: str = "content") -> None:
        self.items.append(Problem(self._display(path), max(int(line), 1), message, WARNING, category))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == WARNING]

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items))

    def __len__(self) -> int:
        return len(self.items)
