"""A small declarative description of the content format.

Each content shape is declared once, as a `Map`. The declaration drives validation (with file, line and
field path for every problem, warnings with fallbacks), the published JSON Schema, and the dataclass the
rest of the code reads (`record`), so none of them can drift apart. `Map.clean` returns that dataclass, or
leaves out, after reporting it, an item whose required fields failed: loaders never re-check a declared key.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from . import characters, urls
from .problems import Problems
from .reading import Document, dotted

MISSING = object()
_ID = re.compile(r"[A-Za-z0-9_.:-]{1,200}")
_DATASET = re.compile(r"[0-9a-f]{24}")  # a MongoDB ObjectId, as data.gouv.fr names datasets
SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
_FILE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]|\.(?!\.)){0,127}")
# Numbers beyond these are typing accidents or attacks: formatting them (or a gzip mtime) fails.
MAX_INT = 10**15


_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_date(text: str) -> bool:
    """A real calendar day written AAAA-MM-JJ: `2023-02-30` and `31/12/2019` are not."""
    if not _DATE.fullmatch(text):
        return False
    try:
        _dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _sane_number(value) -> bool:
    if isinstance(value, int):
        return -MAX_INT <= value <= MAX_INT
    return math.isfinite(value) and abs(value) <= MAX_INT


class Check:
    """Base: `clean` returns the cleaned value, or MISSING after reporting a problem."""

    doc: str = ""

    def clean(self, value, path, doc: Document, problems: Problems):
        raise NotImplementedError

    def schema(self) -> dict:
        raise NotImplementedError

    def _bad(self, path, doc, problems, message, category="type"):
        problems.error(doc.path, doc.line(*path), f"{dotted(path)}: {message}", category)
        return MISSING

    def _warn(self, path, doc, problems, message, category):
        problems.warn(doc.path, doc.line(*path), f"{dotted(path)}: {message}", category)


def judge_text(text: str, path, doc, problems, code: bool = False) -> str:
    """The text without control characters; a warning, naming the character and where, for each control or
    invisible character, and, in what is copied into code, for letters outside ASCII."""
    if text.isascii() and text.isprintable():  # nothing to say, even of code: most texts, ids and names
        return text
    if not code and characters.hides_nothing(text):
        return text
    where = doc.line(*path) if path else 1
    for index, char in list(characters.controls(text))[:3]:
        problems.warn(
            doc.path,
            where,
            f"{dotted(path)}: caractère de contrôle {characters.describe(char)} à la position {index + 1} : retiré",
            "deceptive",
        )
    text = characters.CONTROL.sub("", text)
    for index, char in list(characters.invisible(text))[:3]:
        problems.warn(
            doc.path,
            where,
            f"{dotted(path)}: caractère invisible {characters.describe(char)} à la position"
            f" {index + 1} : il change ce qui est lu sans se voir ; retirez-le",
            "deceptive",
        )
    if code and (odd := characters.mixed(text) or characters.foreign_code(text)):
        index, char = odd
        problems.warn(
            doc.path,
            where,
            f"{dotted(path)}: « {char} » {characters.describe(char)} à la position {index + 1}"
            " : ce texte est recopié dans du code, où seul l'ASCII est attendu",
            "deceptive",
        )
    return text


@dataclass
class Str(Check):
    doc: str = ""
    kind: str = "text"  # text | url | link (url or e-mail) | slug (a file name) | id | file | date | dataset
    markdown: bool = False
    choices: tuple = ()  # allowed values, published as the schema's enum
    code: bool = False  # copied into code (an endpoint, a field name): plain ASCII expected

    def clean(self, value, path, doc, problems):
        if isinstance(value, (_dt.date, _dt.datetime)):
            value = value.isoformat()
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and self.kind == "text":
            if not _sane_number(value):
                return self._bad(path, doc, problems, f"nombre hors limites ({_kind(value)})", "value")
            value = str(value)  # `last_update: 2022` is a year, not a mistake worth failing on
        if not isinstance(value, str):
            return self._bad(path, doc, problems, f"doit être un texte, pas {_kind(value)}")
        value = value.strip() if not self.markdown else value
        value = judge_text(value, path, doc, problems, code=self.code and self.kind != "id")
        if self.kind == "url" and value:
            link = urls.check(value)
            if not link:
                # An unusable link has a safe fallback: leave it out.
                self._warn(path, doc, problems, f"adresse « {_short(value)} » retirée : {link.reason}", "unsafe url")
                return MISSING
            if deceit := urls.deceptive_host(link.host):
                self._warn(path, doc, problems, f"adresse « {_short(value)} » : {deceit}", "deceptive")
            return link.href
        if self.kind == "link" and value:
            link = urls.contact(value)
            if link:
                if deceit := urls.deceptive_host(link.host):
                    self._warn(path, doc, problems, f"adresse « {_short(value)} » : {deceit}", "deceptive")
                return link.href
            first = re.split(r"[\s,;]+", value, maxsplit=1)[0]
            if first != value and (first_link := urls.contact(first)):
                self._warn(
                    path,
                    doc,
                    problems,
                    f"une seule adresse est attendue ; seule « {first} » est gardée",
                    "several addresses",
                )
                return first_link.href
            self._warn(path, doc, problems, f"contact « {_short(value)} » retiré : {link.reason}", "unsafe url")
            return MISSING
        if self.kind == "id" and not _ID.fullmatch(value):
            odd = characters.foreign(value)
            named = f" : « {odd[1]} » {characters.describe(odd[1])} à la position {odd[0] + 1}" if odd else ""
            return self._bad(
                path, doc, problems, f"identifiant invalide « {_short(value)} » (lettres, chiffres, _ . : -){named}"
            )
        if self.kind == "slug" and not SLUG.fullmatch(value):
            return self._bad(
                path,
                doc,
                problems,
                f"identifiant invalide « {_short(value)} » : nom d'un fichier, sans extension"
                " (lettres, chiffres, - et _)",
            )
        if self.kind == "date" and not _iso_date(value):
            return self._bad(
                path,
                doc,
                problems,
                f"date « {_short(value)} » invalide : une date du calendrier, AAAA-MM-JJ (entre guillemets en YAML)",
                "value",
            )
        if self.choices and value not in self.choices:
            hint = _closest(value, self.choices)
            return self._bad(
                path,
                doc,
                problems,
                f"doit valoir {_or(self.choices)}, pas « {_short(value)} »"
                + (f" (vouliez-vous dire « {hint} » ?)" if hint else ""),
                "value",
            )
        if self.kind == "dataset" and not _DATASET.fullmatch(value):
            self._warn(
                path,
                doc,
                problems,
                f"« {_short(value)} » retiré : un jeu de données data.gouv.fr se désigne par"
                " son identifiant de 24 chiffres hexadécimaux",
                "value",
            )
            return MISSING
        if self.kind == "file" and not _FILE.fullmatch(value):
            self._warn(
                path,
                doc,
                problems,
                f"nom de fichier « {_short(value)} » retiré : un nom simple est attendu, sans dossier ni « .. »",
                "unsafe url",
            )
            return MISSING
        return value

    def schema(self):
        out = {"type": "string"}
        if self.kind in ("url", "link"):
            out["pattern"] = r"^(https?://|/|mailto:)" if self.kind == "url" else r"^(https?://|/|mailto:|[^@\s]+@)"
        if self.kind in ("id", "slug", "file", "dataset"):
            out["pattern"] = (
                "^" + {"id": _ID, "slug": SLUG, "file": _FILE, "dataset": _DATASET}[self.kind].pattern + "$"
            )
        if self.kind == "date":
            out["pattern"] = _DATE.pattern
        if self.choices:
            out["enum"] = list(self.choices)
        return _with_doc(out, self.doc)


@dataclass
class Int(Check):
    doc: str = ""
    choices: tuple = ()
    fallback: int | None = None  # a value outside `choices` becomes this, with a warning

    def clean(self, value, path, doc, problems):
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value.strip()) <= 16:
                value = int(value)
            else:
                expected = f"doit valoir {_or(self.choices)}" if self.choices else "doit être un nombre entier"
                return self._bad(path, doc, problems, f"{expected}, pas {_kind(value)}")
        if not _sane_number(value):
            return self._bad(path, doc, problems, f"nombre hors limites ({_kind(value)})", "value")
        if self.choices and value not in self.choices and self.fallback is not None:
            self._warn(
                path,
                doc,
                problems,
                f"doit valoir {_or(self.choices)}, pas {value} ; lu comme {self.fallback}",
                "out-of-range value",
            )
            return self.fallback
        if self.choices and value not in self.choices:
            return self._bad(path, doc, problems, f"doit valoir {_or(self.choices)}, pas {value}", "value")
        return value

    def schema(self):
        out = {"type": "integer"}
        if self.choices:
            out["enum"] = list(self.choices)
        return _with_doc(out, self.doc)


@dataclass
class Num(Check):
    doc: str = ""

    def clean(self, value, path, doc, problems):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self._bad(path, doc, problems, f"doit être un nombre, pas {_kind(value)}")
        if not _sane_number(value):
            return self._bad(path, doc, problems, f"nombre hors limites ({_kind(value)})", "value")
        return value

    def schema(self):
        return _with_doc({"type": "number"}, self.doc)


@dataclass
class Bool(Check):
    doc: str = ""

    def clean(self, value, path, doc, problems):
        if not isinstance(value, bool):
            return self._bad(path, doc, problems, f"doit valoir true ou false, pas {_kind(value)}")
        return value

    def schema(self):
        return _with_doc({"type": "boolean"}, self.doc)


class _NotJson(ValueError):
    pass


@dataclass
class Json(Check):
    """Plain JSON data (tables, lists, text, numbers, booleans, null), bounded in size and depth.

    YAML can say more (sets, binary, aliases that multiply a value): none of it can be shown
    in a preview, and aliases could expand to gigabytes, so only a copy in plain JSON is kept."""

    doc: str = ""
    max_depth: int = 32
    max_values: int = 10_000

    def clean(self, value, path, doc, problems):
        count = 0

        def copy(item, depth):
            nonlocal count
            count += 1
            if count > self.max_values:
                raise _NotJson(f"plus de {self.max_values} valeurs (alias YAML compris)")
            if depth > self.max_depth:
                raise _NotJson(f"plus de {self.max_depth} niveaux d'imbrication")
            if item is None or isinstance(item, (bool, str)):
                return item
            if isinstance(item, (int, float)):
                if not _sane_number(item):
                    raise _NotJson("nombre hors limites")
                return item
            if isinstance(item, (_dt.date, _dt.datetime)):
                return item.isoformat()
            if isinstance(item, list):
                return [copy(v, depth + 1) for v in item]
            if isinstance(item, dict):
                if not all(isinstance(k, str) for k in item):
                    raise _NotJson("les clés d'une table doivent être des textes")
                return {k: copy(v, depth + 1) for k, v in item.items()}
            raise _NotJson(f"type YAML « {type(item).__name__} » non accepté (JSON seulement)")

        try:
            return copy(value, 0)
        except _NotJson as exc:
            return self._bad(path, doc, problems, f"données d'exemple refusées : {exc}", "value")

    def schema(self):
        return _with_doc({}, self.doc)


@dataclass
class List(Check):
    item: Check = None
    doc: str = ""
    min_items: int = 0
    max_items: int = 10_000
    # A scalar where a list was expected is taken as a one-item list, with a warning.
    lenient: bool = False
    one_or_many: bool = False  # a single item may be written without a list, silently

    def clean(self, value, path, doc, problems):
        if not isinstance(value, list):
            if self.one_or_many and isinstance(value, str):
                value = [value]
            elif self.lenient and isinstance(value, str):
                self._warn(
                    path,
                    doc,
                    problems,
                    f"une liste est attendue ; « {_short(value)} » est lu comme une liste d'un élément",
                    "scalar for list",
                )
                value = [value]
            else:
                return self._bad(
                    path, doc, problems, f"doit être une liste (`- élément` par ligne), pas {_kind(value)}"
                )
        if len(value) > self.max_items:
            return self._bad(path, doc, problems, f"{len(value)} éléments : {self.max_items} au plus", "limit")
        out = []
        for index, item in enumerate(value):
            if item is None:
                problems.warn(
                    doc.path, doc.line(*path, index), f"{dotted(path + (index,))}: élément vide ignoré", "null list"
                )
                continue
            cleaned = self.item.clean(item, path + (index,), doc, problems)
            if cleaned is not MISSING:
                out.append(cleaned)
        if len(out) < self.min_items and len(value) >= self.min_items:
            return MISSING  # item problems already reported
        if len(value) < self.min_items:
            return self._bad(path, doc, problems, f"il faut au moins {self.min_items} élément(s)", "value")
        return out

    def schema(self):
        out = {"type": "array", "items": self.item.schema()}
        if self.min_items:
            out["minItems"] = self.min_items
        if self.max_items < List.max_items:
            out["maxItems"] = self.max_items
        if self.one_or_many:
            out = {"anyOf": [self.item.schema(), out]}
        return _with_doc(out, self.doc)


@dataclass
class Field:
    check: Check
    required: bool = False
    default: Any = None


@dataclass
class Map(Check):
    fields: dict[str, Field] = field(default_factory=dict)
    doc: str = ""
    # Keys that real files carry but that we do not render: accepted silently.
    ignored: tuple = ()
    unknown: str = "warn"  # warn | error
    values: Check | None = None  # for free-form maps: a check applied to every value
    code_keys: bool = False  # free-form keys copied into code (field names): plain ASCII expected
    builds: type | None = None  # the record `clean` returns (set by `record`); a dict without one

    def clean(self, value, path, doc, problems):
        """The record (or dict) of the fields that passed; MISSING, after reporting why, when a required field
        did not: a list then leaves the item out, and nothing downstream re-checks a declared key."""
        fields = self.read(value, path, doc, problems)
        if fields is MISSING or any(spec.required and key not in fields for key, spec in self.fields.items()):
            return MISSING
        if self.builds is None:
            return fields
        made = self.builds(**fields)
        made.where = path
        return made

    def read(self, value, path, doc, problems):
        """Every field that passed, as a dict, each problem reported (a missing required field included): `clean`
        before its verdict."""
        if not isinstance(value, dict):
            return self._bad(path, doc, problems, f"doit être une table (`clé: valeur`), pas {_kind(value)}")
        out = {}
        for key, raw in value.items():
            key = str(key)
            spec = self.fields.get(key)
            if spec is None:
                if self.values is not None:
                    judge_text(key, path + (key,), doc, problems, code=self.code_keys)
                    cleaned = self.values.clean(raw, path + (key,), doc, problems)
                    if cleaned is not MISSING:
                        out[key] = cleaned
                    continue
                if key in self.ignored:
                    continue
                hint = _closest(key, self.fields)
                message = f"{dotted(path + (key,))}: clé inconnue" + (
                    f" (vouliez-vous dire « {hint} » ?)" if hint else ""
                )
                if self.unknown == "error":
                    problems.error(doc.path, doc.line(*path, key), message, "unknown key")
                else:
                    problems.warn(doc.path, doc.line(*path, key), message, "unknown key")
                continue
            if raw is None:
                if isinstance(spec.check, List):
                    problems.warn(
                        doc.path,
                        doc.line(*path, key),
                        f"{dotted(path + (key,))}: valeur vide (null) là où une liste est attendue ;"
                        " lue comme une liste vide",
                        "null list",
                    )
                continue
            cleaned = spec.check.clean(raw, path + (key,), doc, problems)
            if cleaned is not MISSING:
                out[key] = cleaned
        for key, spec in self.fields.items():
            if (key not in value or value[key] is None) and spec.required and key not in out:
                where = doc.line(*path) if path else 1
                problems.error(doc.path, where, f"{dotted(path + (key,))}: champ obligatoire manquant", "missing field")
                continue
            if key not in out and spec.default is not None:
                out[key] = spec.default() if callable(spec.default) else spec.default
        return out

    def schema(self):
        out = {"type": "object"}
        if self.fields:
            out["properties"] = {k: _nullable(f) for k, f in self.fields.items()}
            for key in self.ignored:
                out["properties"].setdefault(key, {"description": "Accepté, non affiché."})
            required = [k for k, f in self.fields.items() if f.required]
            if required:
                out["required"] = required
            if self.unknown == "error":
                out["additionalProperties"] = False
        if self.values is not None:
            out["additionalProperties"] = self.values.schema()
        return _with_doc(out, self.doc)


class Record:
    """Base of the declared records. A subclass (one that adds methods) becomes what its map builds."""

    declared_by: Map
    where: tuple = ()  # the field path it was written at, set by `Map.clean`, for messages about it

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.declared_by.builds = cls


def record(spec: Map, name: str, doc: str = "", **extra) -> type:
    """The dataclass of a declared shape: the map's fields, in order, with its defaults, so that the
    declaration is written once, and what `spec.clean` returns from then on. `extra` adds fields the content
    does not hold, as (type, default). Subclass the result to add methods."""
    types = {Str: str, Int: int, Bool: bool, List: list, Map: dict}
    required, optional = [], []
    for key, spec_field in spec.fields.items():
        kind = types.get(type(spec_field.check), Any)
        if spec_field.required:
            required.append((key, kind))
        else:
            optional.append((key, kind, _default(spec_field.default, kind)))
    optional += [(key, kind, _default(default, kind)) for key, (kind, default) in extra.items()]
    made = dataclasses.make_dataclass(name, required + optional, bases=(Record,), namespace={"declared_by": spec})
    made.__doc__ = doc or spec.doc
    # Named after the module that declares it, as namedtuple does, so that pickle finds it (`build --jobs`).
    made.__module__ = sys._getframe(1).f_globals.get("__name__", __name__)
    return made


def _default(value, kind):
    if callable(value):
        return dataclasses.field(default_factory=value)
    if value is None and kind in (str, list):  # absent text or list: empty, so code needs no None checks
        return dataclasses.field(default_factory=kind)
    if isinstance(value, (list, dict)):
        return dataclasses.field(default_factory=lambda: type(value)(value))
    return dataclasses.field(default=value)


def _nullable(spec: Field) -> dict:
    """`clean` reads an empty optional value (`key:` with nothing, a YAML null) as absent, silently;
    the schema says the same. An empty list gets a warning from `clean`, so the schema refuses it."""
    schema = spec.check.schema()
    if spec.required or isinstance(spec.check, List):
        return schema
    return {
        "anyOf": [schema, {"type": "null"}],
        **({"description": schema["description"]} if "description" in schema else {}),
    }


def _with_doc(schema: dict, doc: str) -> dict:
    if doc:
        schema["description"] = doc
    return schema


def _kind(value) -> str:
    if value is None:
        return "une valeur vide"
    if isinstance(value, bool):
        return f"le booléen {'true' if value else 'false'} (yes/no/on/off en YAML)"
    if isinstance(value, str):
        return f"le texte « {_short(value)} »"
    if isinstance(value, (int, float)):
        return f"le nombre {value}" if _sane_number(value) else "un nombre démesuré"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "une table"
    return type(value).__name__


def _short(text: str, size: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _or(choices) -> str:
    items = [str(c) for c in choices]
    return ", ".join(items[:-1]) + " ou " + items[-1] if len(items) > 1 else items[0]


def _closest(key: str, known) -> str | None:
    import difflib

    match = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return match[0] if match else None
