"""FranceConnect scopes: what an API declares, and what a set of scopes returns.

The filter rules are data: a *population* scope keeps the entries that match its `keeps`
conditions and emits its `fields` (renamed by `rename`); a *mask* scope adds `fields`,
either at the top of the response or to each kept entry. Nothing here knows `mesri_*`.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import asdict, dataclass, field
from urllib.parse import quote

from .problems import Problems
from .reading import Document
from .spec import Field, Json, List, Map, Str

# FranceConnect's identity claims ("identité pivot"); API Particulier's FranceConnect mode needs all of them.
IDENTITY_PIVOT = ["openid", "given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry"]
# The integration environment: a service starts there; production endpoints come from the production discovery document.
AUTHORIZE_ENDPOINT = "https://fcp-low.integ01.dev-franceconnect.fr/api/v2/authorize"

# A chooser with more is unusable and its page too heavy; real APIs have fewer than 20.
MAX_SCOPES = 100

SCOPE = Map(
    doc="Un scope FranceConnect fourni par l'API.",
    unknown="error",
    fields={
        "id": Field(Str(kind="id", doc="Identifiant exact à transmettre, ex. mesri_admission."), required=True),
        "label": Field(Str(doc="Libellé lisible."), required=True),
        "role": Field(Str(doc="mask : ajoute des champs ; population : restreint les entrées retournées."), required=True),
        "summary": Field(Str(doc="Ce que fait le scope, en une ligne."), default=""),
        "fields": Field(List(Str(), doc="Champs de la réponse débloqués (noms dans l'enregistrement)."), default=list),
        "applies_to": Field(Str(doc="Pour un masque : `record` (haut de la réponse) ou `entries` (chaque entrée gardée)."), default="record"),
        "keeps": Field(Map(values=Json(), doc="Pour une population : conditions qu'une entrée doit remplir."), default=dict),
        "rename": Field(Map(values=Str(), doc="Pour une population : champ de l'enregistrement → nom dans la réponse."), default=dict),
        "warning": Field(Str(doc="Mise en garde affichée quand le scope est coché.")),
    },
)
USE_CASE = Map(
    unknown="error",
    fields={
        "id": Field(Str(kind="id"), required=True),
        "title": Field(Str(), required=True),
        "description": Field(Str(), default=""),
        "scopes": Field(List(Str(kind="id"), min_items=1), required=True),
    },
)
SPEC = Map(
    doc="Scopes FranceConnect de l'API, cas d'usage et exemple pour le choix des scopes.",
    unknown="error",
    fields={
        "base_scopes": Field(List(Str(kind="id"), doc="Scopes de toute requête : openid et les données d'identité."), default=lambda: list(IDENTITY_PIVOT)),
        "authorize_endpoint": Field(Str(kind="url", doc="Point d'autorisation (environnement d'intégration)."), default=AUTHORIZE_ENDPOINT),
        "entries": Field(Str(kind="id", doc="Nom de la liste d'entrées dans la réponse, ex. inscriptions."), default="entries"),
        "scopes": Field(List(SCOPE, min_items=1, max_items=MAX_SCOPES), required=True),
        "use_cases": Field(List(USE_CASE, max_items=MAX_SCOPES), default=list),
        "example": Field(Json(doc="Enregistrement d'exemple pour l'aperçu (une table)."), default=dict),
    },
)


@dataclass
class Scope:
    id: str
    label: str
    role: str = ""  # "" when only the body lists it (no roles known)
    summary: str = ""
    fields: list = field(default_factory=list)
    applies_to: str = "record"
    keeps: dict = field(default_factory=dict)
    rename: dict = field(default_factory=dict)
    warning: str = ""

    def output_fields(self) -> list[str]:
        return [self.rename.get(name, name) for name in self.fields]


@dataclass
class UseCase:
    id: str
    title: str
    description: str
    scopes: list[str]


@dataclass
class ScopeSet:
    scopes: list[Scope]
    base_scopes: list[str] = field(default_factory=lambda: list(IDENTITY_PIVOT))
    use_cases: list[UseCase] = field(default_factory=list)
    entries: str = "entries"
    example: dict = field(default_factory=dict)
    authorize_endpoint: str = AUTHORIZE_ENDPOINT
    declared: bool = True  # False: scraped from the body, so no roles and no preview

    def by_id(self, ids) -> list[Scope]:
        wanted = set(ids)
        return [s for s in self.scopes if s.id in wanted]

    def scope_string(self, ids) -> str:
        """`openid`, the identity claims, then the chosen scopes in declaration order."""
        return " ".join(self.base_scopes + [s.id for s in self.by_id(ids)])

    def authorize_url(self, ids) -> str:
        params = [("response_type", "code"), ("client_id", "VOTRE_CLIENT_ID"), ("redirect_uri", "VOTRE_REDIRECT_URI"),
                  ("scope", self.scope_string(ids)), ("state", "VOTRE_STATE"), ("nonce", "VOTRE_NONCE"), ("acr_values", "eidas1")]
        return self.authorize_endpoint + "?" + "&".join(f"{k}={quote(v, safe='_')}" for k, v in params)

    def preview(self, ids, record: dict | None = None) -> dict:
        """What the API returns for `record` under the chosen scopes."""
        record = self.example if record is None else record
        chosen = self.by_id(ids)
        out: dict = {}
        for scope in chosen:
            if scope.role == "mask" and scope.applies_to == "record":
                for name in scope.fields:
                    out[name] = record.get(name)
        populations = [s for s in chosen if s.role == "population"]
        decorations = [s for s in chosen if s.role == "mask" and s.applies_to == "entries"]
        if not populations and not decorations:
            return out
        kept = []
        for entry in record.get(self.entries) or []:
            for scope in populations:
                if all(entry.get(key) == value for key, value in scope.keeps.items()):
                    item = {scope.rename.get(name, name): entry.get(name) for name in scope.fields}
                    for mask in decorations:
                        for name in mask.fields:
                            item[name] = entry.get(name)
                    kept.append(item)
                    break
        out[self.entries] = kept
        return out

    def warnings(self, ids) -> list[str]:
        """Plain-French cautions for a choice; the widget computes the same ones."""
        chosen = self.by_id(ids)
        notes = [s.warning for s in chosen if s.warning]
        if chosen:
            notes.append(MINIMISATION)
        if self.has_populations and any(s.role == "mask" and s.applies_to == "entries" for s in chosen) \
                and not any(s.role == "population" for s in chosen):
            notes.append(NO_POPULATION)
        return notes

    @property
    def has_populations(self) -> bool:
        return any(s.role == "population" for s in self.scopes)

    def to_json(self) -> dict:
        data = asdict(self)
        for scope in data["scopes"]:
            scope["output_fields"] = [scope["rename"].get(n, n) for n in scope["fields"]]
        data["messages"] = {"minimisation": MINIMISATION, "no_population": NO_POPULATION}
        return _jsonable(data)


MINIMISATION = ("Ne demandez que les scopes dont votre démarche a besoin : l'accès est limité aux données "
                "strictement nécessaires (article L114-8 du CRPA, minimisation des données du RGPD).")
NO_POPULATION = ("Aucune inscription ne sera retournée : ce choix ne contient que des scopes qui ajoutent des "
                 "données aux inscriptions, sans aucun scope qui sélectionne des inscriptions.")


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def from_meta(data: dict, doc: Document, problems: Problems) -> ScopeSet | None:
    if "scopes" not in data:
        return None
    scopes = []
    for index, raw in enumerate(data["scopes"]):
        if not {"id", "label", "role"} <= raw.keys():
            continue
        where = doc.line("franceconnect", "scopes", index)
        if raw["id"] in {s.id for s in scopes}:
            problems.error(doc.path, doc.line("franceconnect", "scopes", index, "id"),
                           f"franceconnect.scopes[{index}].id: « {raw['id']} » est déjà déclaré", "duplicate id")
            continue
        if raw["role"] not in ("mask", "population"):
            problems.error(doc.path, doc.line("franceconnect", "scopes", index, "role"),
                           f"franceconnect.scopes[{index}].role: doit valoir mask ou population, pas « {raw['role']} »", "value")
            continue
        if raw["applies_to"] not in ("record", "entries"):
            problems.error(doc.path, where, f"franceconnect.scopes[{index}].applies_to: doit valoir record ou entries", "value")
        if raw["role"] == "population" and not raw["keeps"]:
            problems.error(doc.path, where, f"franceconnect.scopes[{index}]: une population doit dire quelles entrées elle garde (`keeps`)", "value")
        scopes.append(Scope(**{k: v for k, v in raw.items()}))
    known = {s.id for s in scopes}
    use_cases = []
    for index, raw in enumerate(data.get("use_cases", [])):
        if not {"id", "title", "scopes"} <= raw.keys():
            continue
        if raw["id"] in {c.id for c in use_cases}:
            problems.error(doc.path, doc.line("franceconnect", "use_cases", index, "id"),
                           f"franceconnect.use_cases[{index}].id: « {raw['id']} » est déjà déclaré", "duplicate id")
            continue
        for j, sid in enumerate(raw["scopes"]):
            if sid not in known:
                problems.error(doc.path, doc.line("franceconnect", "use_cases", index, "scopes", j),
                               f"franceconnect.use_cases[{index}].scopes[{j}]: scope « {sid} » non déclaré", "dangling scope")
        use_cases.append(UseCase(raw["id"], raw["title"], raw.get("description", ""), [s for s in raw["scopes"] if s in known]))
    example = data.get("example", {})
    if not isinstance(example, dict):
        problems.error(doc.path, doc.line("franceconnect", "example"), "franceconnect.example: doit être une table", "type")
        example = {}
    return ScopeSet(scopes=scopes, base_scopes=data["base_scopes"], use_cases=use_cases, entries=data["entries"],
                    example=example, authorize_endpoint=data["authorize_endpoint"])


_HEADING = re.compile(r"#{1,6}[ \t]+[^\n]{0,200}?scopes?[ \t]+à[ \t]+transmettre[ \t]+à[ \t]+franceconnect", re.I)
_ITEM = re.compile(r"[ \t]{0,8}[-*+][ \t]+([^:\n]{1,200}?)[ \t]*:[ \t]*`([A-Za-z0-9_.:-]{1,100})`[ \t]*\.?[ \t]*")


def from_body(body: str) -> ScopeSet | None:
    """Files without a `franceconnect` key list their scopes under a known heading; read them there."""
    lines = body.splitlines()
    start = next((i for i, line in enumerate(lines) if _HEADING.match(line)), None)
    if start is None:
        return None
    scopes = []
    for line in lines[start + 1:]:
        if line.startswith("#"):
            break
        item = _ITEM.fullmatch(line)
        if item and item.group(2) not in {s.id for s in scopes}:
            scopes.append(Scope(id=item.group(2), label=item.group(1)))
    return ScopeSet(scopes=scopes, declared=False) if scopes else None


def dumps(data) -> str:
    """JSON that is stable (sorted nothing, fixed separators) and safe inside <script>."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
