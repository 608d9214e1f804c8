"""FranceConnect scopes: what an API declares, and what a set of scopes returns.

The filter rules are data: a *population* scope keeps the entries that match its `keeps`
conditions and emits its `fields` (renamed by `rename`); a *mask* scope adds `fields`,
either at the top of the response or to each kept entry. Nothing here knows `mesri_*`.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import asdict, dataclass
from urllib.parse import quote

from .problems import Problems
from .reading import Document
from .spec import Bool, Field, Int, Json, List, Map, Str, record

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
        "id": Field(Str(kind="id", doc="Identifiant exact à transmettre, ex. mesri_admissions."), required=True),
        "label": Field(Str(doc="Libellé lisible."), required=True),
        "role": Field(Str(doc="mask : ajoute des champs ; population : renvoie des entrées (celles qui remplissent `keeps`, toutes sans `keeps`)."), required=True),
        "summary": Field(Str(doc="Ce que fait le scope, en une ligne (Markdown en ligne : `code`)."), default=""),
        "fields": Field(List(Str(), doc="Champs de la réponse débloqués (noms dans l'enregistrement)."), default=list),
        "applies_to": Field(Str(doc="Pour un masque : `record` (haut de la réponse) ou `entries` (chaque entrée gardée)."), default="record"),
        "keeps": Field(Map(values=Json(), doc="Pour une population : conditions qu'une entrée doit remplir."), default=dict),
        "rename": Field(Map(values=Str(), doc="Champ de l'enregistrement → nom dans la réponse."), default=dict),
        "requires": Field(List(Str(kind="id"), doc="Scopes sans lesquels celui-ci ne renvoie rien ; le choix les ajoute."), default=list),
        "withheld": Field(Bool(doc="true : l'API ne renvoie jamais ces champs sur ce canal (l'aperçu les omet)."), default=False),
        "warning": Field(Str(doc="Mise en garde affichée quand le scope est coché.")),
        "aliases": Field(List(Map(unknown="error", fields={
            "id": Field(Str(kind="id"), required=True),
            "used_by": Field(Str(doc="Qui écrit le scope ainsi."), required=True)}),
            doc="Autres orthographes du même scope, et qui les emploie (conflit de nommage)."), default=list),
        "spelled_by": Field(Str(doc="Qui écrit le scope comme `id` (en cas d'alias)."), default=""),
        "conflict": Field(Str(doc="Ce que l'intégrateur doit vérifier à cause des orthographes divergentes."), default=""),
        "replaced_by": Field(List(Str(kind="id"), doc="Scopes de la version actuelle qui le remplacent (version retirée)."), default=list),
        "migration": Field(Str(doc="Comment passer à la version actuelle (version retirée)."), default=""),
    },
)
USE_CASE = Map(
    unknown="error",
    fields={
        "id": Field(Str(kind="id"), required=True),
        "title": Field(Str(), required=True),
        "description": Field(Str(), default=""),
        "scopes": Field(List(Str(kind="id"), min_items=1), required=True),
        "filter": Field(Str(doc="Le filtre que l'appelant applique à la réponse, ex. garder `est_inscrit: true`."), default=""),
        "replaces": Field(Str(kind="id", doc="Cas d'usage d'une version retirée que celui-ci remplace."), default=""),
    },
)
_VERSION_FIELDS = {
    "entries": Field(Str(kind="id", doc="Nom de la liste d'entrées dans la réponse, ex. admissions."), default="entries"),
    "scopes": Field(List(SCOPE, min_items=1, max_items=MAX_SCOPES), required=True),
    "use_cases": Field(List(USE_CASE, max_items=MAX_SCOPES), default=list),
    "example": Field(Json(doc="Enregistrement d'exemple pour l'aperçu (une table)."), default=dict),
}
VERSION = Map(
    doc="Une version des scopes de l'API.",
    unknown="error",
    fields={
        "id": Field(Str(kind="id", doc="Identifiant court, utilisé dans l'adresse (?version=v3)."), required=True),
        "label": Field(Str(doc="Nom affiché, ex. V3."), required=True),
        "status": Field(Str(doc="current (en service) ou retired (retirée)."), default="current"),
        "since": Field(Str(doc="Date de début (AAAA-MM-JJ)."), default=""),
        "until": Field(Str(doc="Date de retrait (AAAA-MM-JJ)."), default=""),
        "source": Field(Str(kind="url", doc="Où ces faits sont publiés.")),
        "summary": Field(Str(doc="Ce qui caractérise la version (Markdown en ligne)."), default=""),
        "endpoint": Field(Str(doc="L'appel à faire avec le jeton FranceConnect."), default=""),
        "envelope": Field(Str(kind="id", doc="Clé qui enveloppe les données dans la réponse, ex. data."), default=""),
        "empty_answer": Field(Map(unknown="error", fields={
            "status": Field(Int(), default=200), "body": Field(Json(), default=dict), "note": Field(Str(), default="")},
            doc="Ce que l'API répond quand le choix ne renvoie aucune entrée.")),
        "messages": Field(Map(values=Str(), doc="Textes des avertissements : no_population, no_entries, minimisation."), default=dict),
        "body": Field(Bool(doc="true : la liste de scopes du corps de la fiche décrit cette version."), default=False),
        "sections": Field(List(Str(), max_items=20, doc="Titres des sections du corps qui décrivent cette version : une"
                               " version retirée y reçoit une marque datée."), default=list),
        **_VERSION_FIELDS,
    },
)
SPEC = Map(
    doc="Scopes FranceConnect de l'API : une seule version (clés `scopes`, `use_cases`…) ou plusieurs (`versions`).",
    unknown="error",
    fields={
        "base_scopes": Field(List(Str(kind="id"), doc="Scopes de toute requête : openid et les données d'identité."), default=lambda: list(IDENTITY_PIVOT)),
        "authorize_endpoint": Field(Str(kind="url", doc="Point d'autorisation (environnement d'intégration)."), default=AUTHORIZE_ENDPOINT),
        "versions": Field(List(VERSION, min_items=1, max_items=10, doc="Versions des scopes, la version en service d'abord.")),
        **{key: Field(f.check, default=f.default) for key, f in _VERSION_FIELDS.items()},
    },
)

# Generic wording; a version's `messages` replace these with the API's own words.
MESSAGES = {
    "minimisation": ("Ne demandez que les scopes dont votre démarche a besoin : l'accès est limité aux données "
                     "strictement nécessaires (article L114-8 du CRPA, minimisation des données du RGPD)."),
    "no_population": "Aucune entrée ne sera renvoyée : ce choix ne contient aucun scope qui sélectionne des entrées.",
    "no_entries": "Ce choix ne renvoie aucune entrée.",
    "requires": "« {scope} » ne renvoie rien sans « {required} » : ce scope a été ajouté.",
    "withheld": "« {scope} » ne renvoie rien sur ce canal.",
}


class Scope(record(SCOPE, "Scope")):
    def output_fields(self) -> list[str]:
        return [self.rename.get(name, name) for name in self.fields]


UseCase = record(USE_CASE, "UseCase", "A use case: what an administration wants to know, and the scopes that answer it.")


class Version(record(VERSION, "Version", base_scopes=(list, lambda: list(IDENTITY_PIVOT)),
                    authorize_endpoint=(str, AUTHORIZE_ENDPOINT),
                    declared=(bool, True),  # False: scraped from the body, so no roles and no preview
                    identity_known=(bool, True))):  # False: the API's identity scopes are unknown (body fallback)
    """One generation of an API's scopes, with the rules that say what a choice returns."""

    def message(self, key: str, **values) -> str:
        return self.messages.get(key, MESSAGES[key]).format(**values)

    def canonical(self, scope_id: str) -> str | None:
        """A declared id, or the id a known alias stands for."""
        for scope in self.scopes:
            if scope_id == scope.id or scope_id in (a["id"] for a in scope.aliases):
                return scope.id
        return None

    def resolve(self, ids) -> list[str]:
        """The ids a choice really sends: aliases read as their scope, required base scopes added."""
        chosen = {c for c in map(self.canonical, ids) if c}
        pending = list(chosen)
        while pending:
            scope = self.by_id([pending.pop()])[0]
            for required in scope.requires:
                if required not in chosen:
                    chosen.add(required)
                    pending.append(required)
        return [s.id for s in self.scopes if s.id in chosen]

    def added(self, ids) -> list[tuple[str, str]]:
        """(scope, required) pairs that `resolve` added."""
        given = {self.canonical(i) for i in ids}
        return [(s.id, r) for s in self.by_id(given) for r in s.requires if r not in given]

    def by_id(self, ids) -> list[Scope]:
        wanted = set(ids)
        return [s for s in self.scopes if s.id in wanted]

    def scope_string(self, ids) -> str:
        """`openid`, the identity claims, then the chosen scopes in declaration order."""
        return " ".join(self.base_scopes + self.resolve(ids))

    def authorize_url(self, ids) -> str:
        params = [("response_type", "code"), ("client_id", "VOTRE_CLIENT_ID"), ("redirect_uri", "VOTRE_REDIRECT_URI"),
                  ("scope", self.scope_string(ids)), ("state", "VOTRE_STATE"), ("nonce", "VOTRE_NONCE"), ("acr_values", "eidas1")]
        return self.authorize_endpoint + "?" + "&".join(f"{k}={quote(v, safe='_')}" for k, v in params)

    def preview(self, ids, record: dict | None = None) -> dict:
        """The data the API returns for `record` under the chosen scopes (aliases and requirements resolved)."""
        record = self.example if record is None else record
        chosen = [s for s in self.by_id(self.resolve(ids)) if not s.withheld]
        out: dict = {}
        for scope in chosen:
            if scope.role == "mask" and scope.applies_to == "record":
                for name in scope.fields:
                    out[scope.rename.get(name, name)] = _own(record, name)
        populations = [s for s in chosen if s.role == "population"]
        decorations = [s for s in chosen if s.role == "mask" and s.applies_to == "entries"]
        if not populations and not decorations:
            return out
        kept = []
        entries = _own(record, self.entries)
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            for scope in populations:
                if all(_own(entry, key) == value for key, value in scope.keeps.items()):
                    item = {scope.rename.get(name, name): _own(entry, name) for name in scope.fields}
                    for mask in decorations:
                        for name in mask.fields:
                            item[mask.rename.get(name, name)] = _own(entry, name)
                    kept.append(item)
                    break
        if populations:
            out[self.entries] = kept
        return out

    def returns_entries(self, ids) -> bool:
        return bool(self.preview(ids).get(self.entries))

    def answer(self, ids, record: dict | None = None) -> dict:
        """What the API answers: the data in its envelope, or, when the choice keeps no entry, the
        answer the content documents for that case (`empty_answer`), with a note in words."""
        data = self.preview(ids, record)
        chosen = self.by_id(self.resolve(ids))
        if chosen and self.has_populations and not data.get(self.entries):
            if self.empty_answer:
                return {"status": self.empty_answer["status"], "body": self.empty_answer["body"], "note": self.empty_answer["note"]}
            selects = any(s.role == "population" for s in chosen)
            note = self.message("no_entries") if selects else self.message("no_population")
        else:
            note = ""
        body = {self.envelope: data, "links": {}, "meta": {}} if self.envelope else data
        return {"status": 200, "body": body, "note": note}

    def warnings(self, ids) -> list[str]:
        """Plain-French cautions for a choice; the widget computes the same ones."""
        given = [self.canonical(i) for i in ids]
        chosen = self.by_id(self.resolve(ids))
        notes = [self.message("requires", scope=s, required=r) for s, r in self.added(ids)]
        notes += [s.warning or self.message("withheld", scope=s.id) for s in chosen if s.withheld]
        notes += [s.warning for s in chosen if s.warning and not s.withheld]
        notes += [s.conflict for s in chosen if s.conflict and s.id in given]
        if chosen:
            notes.append(self.message("minimisation"))
        if self.has_populations and chosen and not any(s.role == "population" for s in chosen):
            notes.append(self.message("no_population"))
        return notes

    @property
    def has_populations(self) -> bool:
        return any(s.role == "population" for s in self.scopes)

    @property
    def current(self) -> bool:
        return self.status == "current"

    def to_json(self) -> dict:
        data = asdict(self)
        for scope in data["scopes"]:
            scope["output_fields"] = [scope["rename"].get(n, n) for n in scope["fields"]]
        data["messages"] = {key: self.messages.get(key, text) for key, text in MESSAGES.items()}
        data["has_populations"] = self.has_populations
        return _jsonable(data)


@dataclass
class ScopeSet:
    """Every version of an API's scopes; the current one comes first."""

    versions: list[Version]
    declared: bool = True

    @property
    def current(self) -> Version:
        return next((v for v in self.versions if v.current), self.versions[0])

    def version(self, version_id: str) -> Version | None:
        return next((v for v in self.versions if v.id == version_id), None)

    @property
    def ordered(self) -> list[Version]:
        return [self.current] + [v for v in self.versions if v is not self.current]

    @property
    def retired(self) -> list[Version]:
        return [v for v in self.versions if not v.current]

    def migration(self) -> list[dict]:
        """Rows from each retired version's scopes and use cases to the current version."""
        current = self.current
        rows = []
        for old in self.retired:
            for scope in old.scopes:
                if scope.replaced_by or scope.migration:
                    rows.append({"from": old, "to": current, "kind": "scope", "old": [scope.id],
                                 "new": current.resolve(scope.replaced_by), "note": scope.migration, "title": scope.label})
            for case in old.use_cases:
                new = next((c for c in current.use_cases if c.replaces == case.id), None)
                if new:
                    rows.append({"from": old, "to": current, "kind": "use_case", "old": old.resolve(case.scopes),
                                 "new": current.resolve(new.scopes), "note": new.filter, "title": case.title})
        return rows

    def to_json(self) -> dict:
        return {"default_version": self.current.id, "declared": self.declared,
                "versions": [v.to_json() for v in self.ordered]}


def _own(mapping, key):
    """A key's value only if the mapping holds it itself (no `toString` from anywhere else)."""
    return mapping.get(key) if isinstance(mapping, dict) else None


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


def _version(data: dict, where: tuple, doc: Document, problems: Problems, base: dict) -> Version | None:
    if "scopes" not in data:
        return None
    label = ".".join(str(p) for p in where)
    scopes = []
    for index, raw in enumerate(data["scopes"]):
        if not {"id", "label", "role"} <= raw.keys():
            continue
        here = where + ("scopes", index)
        if raw["id"] in {s.id for s in scopes}:
            problems.error(doc.path, doc.line(*here, "id"), f"{label}.scopes[{index}].id: « {raw['id']} » est déjà déclaré", "duplicate id")
            continue
        if raw["role"] not in ("mask", "population"):
            problems.error(doc.path, doc.line(*here, "role"),
                           f"{label}.scopes[{index}].role: doit valoir mask ou population, pas « {raw['role']} »", "value")
            continue
        if raw["applies_to"] not in ("record", "entries"):
            problems.error(doc.path, doc.line(*here), f"{label}.scopes[{index}].applies_to: doit valoir record ou entries", "value")
        # An alias whose id or user was refused (and reported) is left out whole.
        raw = {**raw, "aliases": [a for a in raw["aliases"] if {"id", "used_by"} <= a.keys()]}
        scopes.append(Scope(**raw))
    known = {s.id for s in scopes}
    for index, scope in enumerate(scopes):
        for j, required in enumerate(scope.requires):
            if required not in known:
                problems.error(doc.path, doc.line(*where, "scopes", index, "requires", j),
                               f"{label}.scopes[{index}].requires[{j}]: scope « {required} » non déclaré", "dangling scope")
        scope.requires = [r for r in scope.requires if r in known]
    use_cases = []
    for index, raw in enumerate(data.get("use_cases", [])):
        if not {"id", "title", "scopes"} <= raw.keys():
            continue
        if raw["id"] in {c.id for c in use_cases}:
            problems.error(doc.path, doc.line(*where, "use_cases", index, "id"),
                           f"{label}.use_cases[{index}].id: « {raw['id']} » est déjà déclaré", "duplicate id")
            continue
        for j, sid in enumerate(raw["scopes"]):
            if sid not in known:
                problems.error(doc.path, doc.line(*where, "use_cases", index, "scopes", j),
                               f"{label}.use_cases[{index}].scopes[{j}]: scope « {sid} » non déclaré", "dangling scope")
        use_cases.append(UseCase(**{**raw, "scopes": [s for s in raw["scopes"] if s in known]}))
    example = data.get("example", {})
    if not isinstance(example, dict):
        problems.error(doc.path, doc.line(*where, "example"), f"{label}.example: doit être une table", "type")
        example = {}
    status = data.get("status", "current")
    if status not in ("current", "retired"):
        problems.error(doc.path, doc.line(*where, "status"), f"{label}.status: doit valoir current ou retired, pas « {status} »", "value")
    for key in set(data.get("messages", {})) - set(MESSAGES):
        problems.warn(doc.path, doc.line(*where, "messages", key), f"{label}.messages.{key}: message inconnu ({', '.join(MESSAGES)})", "unknown key")
    fields = {k: data[k] for k in ("id", "label", "status", "since", "until", "source", "summary", "endpoint", "envelope",
                                   "empty_answer", "messages", "body", "sections", "entries") if k in data}
    return Version(**{"id": "v1", "label": "", **fields}, scopes=scopes, use_cases=use_cases, example=example, **base)


def from_meta(data: dict, doc: Document, problems: Problems) -> ScopeSet | None:
    base = {"base_scopes": data["base_scopes"], "authorize_endpoint": data["authorize_endpoint"]}
    if "versions" in data:
        written = doc.meta.get("franceconnect", {})
        for key in ("scopes", "use_cases", "example", "entries"):
            if key in written:
                problems.error(doc.path, doc.line("franceconnect", key),
                               f"franceconnect.{key}: avec `versions`, se déclare dans chaque version", "value")
        versions = []
        for index, raw in enumerate(data["versions"]):
            if raw.get("id") in {v.id for v in versions}:
                problems.error(doc.path, doc.line("franceconnect", "versions", index, "id"),
                               f"franceconnect.versions[{index}].id: « {raw['id']} » est déjà déclaré", "duplicate id")
                continue
            version = _version(raw, ("franceconnect", "versions", index), doc, problems, base) if "id" in raw else None
            if version:
                versions.append(version)
        current = [v for v in versions if v.current]
        if versions and len(current) != 1:
            problems.error(doc.path, doc.line("franceconnect", "versions"),
                           f"franceconnect.versions: une seule version doit avoir `status: current` ({len(current)} ici)", "value")
        _check_migration(versions, doc, problems)
        return ScopeSet(versions) if versions else None
    version = _version(data, ("franceconnect",), doc, problems, base)
    return ScopeSet([version]) if version else None


def _check_migration(versions: list[Version], doc: Document, problems: Problems) -> None:
    current = next((v for v in versions if v.current), None)
    if current is None:
        return
    for v_index, old in enumerate(versions):
        if old is current:
            continue
        for index, scope in enumerate(old.scopes):
            for j, new in enumerate(scope.replaced_by):
                if not current.canonical(new):
                    problems.error(doc.path, doc.line("franceconnect", "versions", v_index, "scopes", index, "replaced_by", j),
                                   f"replaced_by: « {new} » n'est pas un scope de la version {current.id}", "dangling scope")
    for index, case in enumerate(current.use_cases):
        if case.replaces and not any(c.id == case.replaces for v in versions if v is not current for c in v.use_cases):
            v_index = versions.index(current)
            problems.error(doc.path, doc.line("franceconnect", "versions", v_index, "use_cases", index, "replaces"),
                           f"replaces: aucun cas d'usage « {case.replaces} » dans une version retirée", "dangling scope")


# Bounded everywhere: a long run of blanks must not be re-read for every split point.
_HEADING = re.compile(r"#{1,6}[ \t]{1,8}[^\n]{0,200}?scopes?[ \t]{1,8}à[ \t]{1,8}transmettre[ \t]{1,8}à[ \t]{1,8}franceconnect", re.I)
_ITEM = re.compile(r"[ \t]{0,8}[-*+][ \t]{1,8}([^:\n]{1,200}?)[ \t]{0,8}:[ \t]{0,8}`([A-Za-z0-9_.:-]{1,100})`[ \t]{0,8}\.?[ \t]{0,8}")


def body_list(body: str) -> list[tuple[str, str, int]]:
    """(label, id, line index in the body) of the scopes listed under the "Scopes à transmettre à
    FranceConnect" heading that api.gouv.fr files use."""
    lines = body.splitlines()
    start = next((i for i, line in enumerate(lines) if _HEADING.match(line)), None)
    if start is None:
        return []
    found = []
    for index in range(start + 1, len(lines)):
        if lines[index].startswith("#"):
            break
        item = _ITEM.fullmatch(lines[index])
        if item and item.group(2) not in {f[1] for f in found}:
            found.append((item.group(1), item.group(2), index))
    return found


def from_body(body: str) -> ScopeSet | None:
    """Files without a `franceconnect` key list their scopes in the body; read them there. Their
    roles and identity scopes are unknown, and the page says so instead of guessing."""
    found = body_list(body)
    if not found:
        return None
    version = Version("v1", "", [Scope(id=sid, label=label, role="") for label, sid, _ in found], base_scopes=["openid"],
                      declared=False, identity_known=False)
    return ScopeSet([version], declared=False)


def check_body(body: str, body_line: int, scope_set: ScopeSet, doc: Document, problems: Problems) -> None:
    """One source of truth: the body's list and the front matter name the same scopes."""
    found = body_list(body)
    if not found:
        return
    version = next((v for v in scope_set.versions if v.body), scope_set.current)
    listed = {sid for _, sid, _ in found}
    for _, sid, index in found:
        if not version.canonical(sid):
            problems.warn(doc.path, body_line + index, f"scope « {sid} » listé dans le corps mais absent de"
                          f" franceconnect (version {version.id})", "scope mismatch")
    for index, scope in enumerate(version.scopes):
        if scope.id not in listed and not listed & {a["id"] for a in scope.aliases}:
            where = ("franceconnect", "versions", scope_set.versions.index(version), "scopes", index) \
                if "versions" in doc.meta.get("franceconnect", {}) else ("franceconnect", "scopes", index)
            problems.warn(doc.path, doc.line(*where), f"scope « {scope.id} » déclaré dans franceconnect (version {version.id})"
                          " mais absent de la liste du corps", "scope mismatch")


def dumps(data) -> str:
    """JSON that is stable (sorted nothing, fixed separators) and safe inside <script>."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
