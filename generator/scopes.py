"""FranceConnect scopes: what an API declares, and what a set of scopes returns.

The filter rules are data: a *population* scope keeps the entries that match its `keeps`
conditions and emits its `fields` (renamed by `rename`); a *mask* scope adds `fields`,
either at the top of the response or to each kept entry. Nothing here knows `mesri_*`.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass, field, fields, is_dataclass
from urllib.parse import quote

from .problems import Problems
from .reading import Document, dotted
from .spec import Bool, Field, Int, Json, List, Map, Str, record

# FranceConnect's identity claims ("identité pivot"); API Particulier's FranceConnect mode needs all of them.
IDENTITY_PIVOT = ["openid", "given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry"]
# The integration environment: a service starts there; production endpoints come from the production discovery document.
AUTHORIZE_ENDPOINT = "https://fcp-low.integ01.dev-franceconnect.fr/api/v2/authorize"

# A chooser with more is unusable and its page too heavy; real APIs have fewer than 20.
MAX_SCOPES = 100
# What a version's use cases may put in the page, in characters (real ones: under 20 000).
MAX_PAGE_CHARS = 2_000_000

STATUS = {"current": "en service", "deprecated": "dépréciée, encore servie", "retired": "retirée"}

SCOPE = Map(
    doc="Un scope FranceConnect fourni par l'API.",
    unknown="error",
    fields={
        "id": Field(Str(kind="id", doc="Identifiant exact à transmettre, ex. mesri_admissions."), required=True),
        "label": Field(Str(doc="Libellé lisible."), required=True),
        "datapass_label": Field(
            Str(doc="Le nom que le formulaire DataPass donne à ce scope (la case à cocher)."), default=""
        ),
        "role": Field(
            Str(
                choices=("mask", "population"),
                doc="mask : ajoute des champs ; population : renvoie des entrées (celles qui remplissent `keeps`,"
                " toutes sans `keeps`).",
            ),
            required=True,
        ),
        "summary": Field(Str(doc="Ce que fait le scope, en une ligne (Markdown en ligne : `code`)."), default=""),
        "fields": Field(
            List(Str(code=True), doc="Champs de la réponse débloqués (noms dans l'enregistrement)."), default=list
        ),
        "applies_to": Field(
            Str(
                choices=("record", "entries"),
                doc="Pour un masque : `record` (haut de la réponse) ou `entries` (chaque entrée gardée).",
            ),
            default="record",
        ),
        "keeps": Field(
            Map(values=Json(), code_keys=True, doc="Pour une population : conditions qu'une entrée doit remplir."),
            default=dict,
        ),
        "rename": Field(
            Map(values=Str(code=True), code_keys=True, doc="Champ de l'enregistrement → nom dans la réponse."),
            default=dict,
        ),
        "requires": Field(
            List(Str(kind="id"), doc="Scopes sans lesquels celui-ci ne renvoie rien ; le choix les ajoute."),
            default=list,
        ),
        "withheld": Field(
            Bool(doc="true : l'API ne renvoie jamais ces champs sur ce canal (l'aperçu les omet)."), default=False
        ),
        "warning": Field(Str(doc="Mise en garde affichée quand le scope est coché.")),
        "aliases": Field(
            List(
                Map(
                    unknown="error",
                    fields={
                        "id": Field(Str(kind="id"), required=True),
                        "used_by": Field(Str(doc="Qui écrit le scope ainsi."), required=True),
                    },
                ),
                doc="Autres orthographes du même scope, et qui les emploie (conflit de nommage).",
            ),
            default=list,
        ),
        "spelled_by": Field(Str(doc="Qui écrit le scope comme `id` (en cas d'alias)."), default=""),
        "conflict": Field(
            Str(doc="Ce que l'intégrateur doit vérifier à cause des orthographes divergentes."), default=""
        ),
        "replaced_by": Field(
            List(Str(kind="id"), doc="Scopes de la version actuelle qui le remplacent (version retirée)."), default=list
        ),
        "migration": Field(Str(doc="Comment passer à la version actuelle (version retirée)."), default=""),
    },
)
CONDITION = Map(
    doc="Une condition qu'une entrée de la réponse doit remplir : `field` avec `equals`, `in` ou `present`, ou"
    " `dates` (début, fin) qui encadrent `cover` (today : le jour de la lecture).",
    unknown="error",
    fields={
        "field": Field(
            Str(code=True, doc="Champ de l'entrée, avec des points pour descendre : regime_formation.code.")
        ),
        "equals": Field(Json(doc="La valeur exacte attendue.")),
        "in": Field(List(Json(), min_items=1, max_items=1000, doc="Les valeurs acceptées.")),
        "present": Field(Bool(doc="true : le champ doit être renvoyé (non nul).")),
        "dates": Field(List(Str(code=True), min_items=2, max_items=2, doc="Champs de début et de fin, AAAA-MM-JJ.")),
        "cover": Field(Str(choices=("today",), doc="Le jour que les dates doivent encadrer : today.")),
        "label": Field(Str(doc="La condition en mots, pour la page."), default=""),
    },
)
USE_CASE = Map(
    unknown="error",
    fields={
        "id": Field(Str(kind="id"), required=True),
        "title": Field(Str(), required=True),
        "description": Field(Str(), default=""),
        "scopes": Field(List(Str(kind="id"), min_items=1), required=True),
        "filter": Field(
            Str(doc="Le filtre que l'appelant applique à la réponse, ex. garder `est_inscrit: true`."), default=""
        ),
        "rule": Field(
            List(
                CONDITION,
                max_items=20,
                doc="Le même filtre, lisible par la machine : une entrée passe si elle"
                " remplit toutes les conditions ; l'usager passe si une entrée passe.",
            ),
            default=list,
        ),
        "replaces": Field(Str(kind="id", doc="Cas d'usage d'une version retirée que celui-ci remplace."), default=""),
    },
)
_VERSION_FIELDS = {
    "entries": Field(
        Str(kind="id", doc="Nom de la liste d'entrées dans la réponse, ex. admissions."), default="entries"
    ),
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
        "status": Field(
            Str(
                choices=tuple(STATUS),
                doc="current (en service, une seule), deprecated (encore servie, à ne"
                " plus choisir) ou retired (retirée).",
            ),
            default="current",
        ),
        "since": Field(Str(doc="Date de début (AAAA-MM-JJ)."), default=""),
        "until": Field(Str(doc="Date de retrait (AAAA-MM-JJ)."), default=""),
        "source": Field(Str(kind="url", doc="Où ces faits sont publiés.")),
        "summary": Field(Str(doc="Ce qui caractérise la version (Markdown en ligne)."), default=""),
        "endpoint": Field(Str(code=True, doc="L'appel à faire avec le jeton FranceConnect."), default=""),
        "envelope": Field(Str(kind="id", doc="Clé qui enveloppe les données dans la réponse, ex. data."), default=""),
        "empty_answer": Field(
            Map(
                unknown="error",
                fields={
                    "status": Field(Int(), default=200),
                    "body": Field(Json(), default=dict),
                    "note": Field(Str(), default=""),
                },
                doc="Ce que l'API répond quand le choix ne renvoie aucune entrée.",
            )
        ),
        "forbidden_answer": Field(
            Map(
                unknown="error",
                fields={
                    "status": Field(Int(), default=403),
                    "body": Field(Json(), default=dict),
                    "note": Field(Str(), default=""),
                },
                doc="Ce que l'API répond quand aucun scope accordé n'est un scope de données de cet appel (ceux qui ne"
                " renvoient rien sur ce canal ne comptent pas).",
            )
        ),
        "errors": Field(
            List(
                Map(
                    unknown="error",
                    fields={
                        "status": Field(Int(), required=True),
                        "code": Field(Str(), default=""),
                        "title": Field(Str(), required=True),
                        "when": Field(Str(), default=""),
                    },
                ),
                max_items=50,
                doc="Les erreurs que l'appel peut renvoyer : statut HTTP, code, titre, quand.",
            ),
            default=list,
        ),
        "parameters": Field(
            List(
                Map(
                    unknown="error",
                    fields={
                        "name": Field(Str(kind="id"), required=True),
                        "required": Field(Bool(), default=False),
                        "text": Field(Str(), required=True),
                    },
                ),
                max_items=20,
                doc="Les paramètres de l'appel et ce qu'ils valent.",
            ),
            default=list,
        ),
        "implementation": Field(
            Str(
                doc="Pour une version retirée : quelle implémentation l'aperçu suit, et quand elle a"
                " servi (Markdown en ligne)."
            ),
            default="",
        ),
        "messages": Field(
            Map(values=Str(), doc="Textes des avertissements : no_population, no_entries, minimisation."), default=dict
        ),
        "body": Field(Bool(doc="true : la liste de scopes du corps de la fiche décrit cette version."), default=False),
        "sections": Field(
            List(
                Str(),
                max_items=20,
                doc="Titres des sections du corps qui décrivent cette version : une"
                " version retirée y reçoit une marque datée.",
            ),
            default=list,
        ),
        **_VERSION_FIELDS,
    },
)
SPEC = Map(
    doc="Scopes FranceConnect de l'API : une seule version (clés `scopes`, `use_cases`…) ou plusieurs (`versions`).",
    unknown="error",
    fields={
        "base_scopes": Field(
            List(Str(kind="id"), doc="Scopes de toute requête : openid et les données d'identité."),
            default=lambda: list(IDENTITY_PIVOT),
        ),
        "authorize_endpoint": Field(
            Str(kind="url", doc="Point d'autorisation (environnement d'intégration)."), default=AUTHORIZE_ENDPOINT
        ),
        "identity_alias": Field(
            Str(kind="id", doc="Le scope qui vaut toutes les données d'identité, ex. identite_pivot."), default=""
        ),
        "integration_note": Field(Str(doc="Quel environnement FranceConnect utiliser pour l'intégration."), default=""),
        "versions": Field(
            List(VERSION, min_items=1, max_items=10, doc="Versions des scopes, la version en service d'abord.")
        ),
        # One set of scopes (no `versions`) takes every key a version takes, but its name and state.
        **{
            key: Field(f.check, default=f.default)
            for key, f in VERSION.fields.items()
            if key not in ("id", "label", "status")
        },
    },
)

# Generic wording; a version's `messages` replace these with the API's own words.
MESSAGES = {
    "minimisation": (
        "Ne demandez que les scopes dont votre démarche a besoin : l'accès est limité aux données "
        "strictement nécessaires (article L114-8 du CRPA, minimisation des données du RGPD)."
    ),
    "no_population": "Aucune entrée ne sera renvoyée : ce choix ne contient aucun scope qui sélectionne des entrées.",
    "no_entries": "Ce choix ne renvoie aucune entrée.",
    "requires": "« {scope} » ne renvoie rien sans « {required} » : les deux sont cochés ensemble.",
    "withheld": "« {scope} » ne renvoie rien sur ce canal.",
}

# What each message may name; anything else in braces would print "undefined" on the page.
PLACEHOLDERS = {"requires": {"scope", "required"}, "withheld": {"scope"}}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Names a response key cannot take: the page builds responses as JS objects, where `__proto__` is no key.
RESERVED_KEYS = {"__proto__"}
# Keys the envelope adds beside the data.
ENVELOPE_KEYS = {"links", "meta"}


class Scope(record(SCOPE, "Scope")):
    def output_fields(self) -> list[str]:
        return [self.rename.get(name, name) for name in self.fields]


class UseCase(
    record(USE_CASE, "UseCase", "A use case: what an administration wants to know, and the scopes that answer it.")
):
    def check(self, entries, today: str) -> list[bool]:
        """Which entries of a response pass the use case's filter on `today` (AAAA-MM-JJ)."""
        return [isinstance(entry, dict) and all(_holds(c, entry, today) for c in self.rule) for entry in entries]

    def reads(self) -> set[str]:
        """The top-level entry fields its filter reads."""
        names = {c["field"].split(".")[0] for c in self.rule if c.get("field")}
        return names | {name for c in self.rule for name in c.get("dates", [])}


def _path(entry, dotted: str):
    value = entry
    for part in dotted.split("."):
        value = _own(value, part)
    return value


def _holds(condition: dict, entry: dict, today: str) -> bool:
    """One condition on one entry; a field the response does not hold fails it (the caller cannot check it)."""
    if "dates" in condition:
        start, end = (_path(entry, name) for name in condition["dates"])
        return isinstance(start, str) and isinstance(end, str) and start <= today <= end
    value = _path(entry, condition.get("field", ""))
    if "equals" in condition:
        return _same(value, condition["equals"])
    if "in" in condition:
        return any(_same(value, accepted) for accepted in condition["in"])
    if condition.get("present"):
        return value is not None
    return True


def _same(a, b) -> bool:
    """JSON equality, as the page compares (true is not 1)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


class Version(
    record(
        VERSION,
        "Version",
        base_scopes=(list, lambda: list(IDENTITY_PIVOT)),
        authorize_endpoint=(str, AUTHORIZE_ENDPOINT),
        identity_alias=(str, ""),
        integration_note=(str, ""),
        declared=(bool, True),  # False: scraped from the body, so no roles and no preview
        identity_known=(bool, True),  # False: the API's identity scopes are unknown (body fallback)
    )
):
    """One generation of an API's scopes, with the rules that say what a choice returns."""

    def message(self, key: str, **values) -> str:
        """A warning's text with its `{placeholders}` filled as the page fills them (an unknown one stays as is)."""
        return _PLACEHOLDER.sub(lambda m: str(values.get(m[1], m[0])), self.messages.get(key, MESSAGES[key]))

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

    def required(self, ids) -> list[tuple[str, str]]:
        """(scope, required) for each chosen scope that needs another: said as long as the choice holds it."""
        return [(s.id, r) for s in self.by_id(self.resolve(ids)) for r in s.requires]

    def by_id(self, ids) -> list[Scope]:
        wanted = set(ids)
        return [s for s in self.scopes if s.id in wanted]

    def scope_string(self, ids) -> str:
        """`openid`, the identity claims, then the chosen scopes in declaration order."""
        return " ".join(self.base_scopes + self.resolve(ids))

    def authorize_url(self, ids) -> str:
        params = [
            ("response_type", "code"),
            ("client_id", "VOTRE_CLIENT_ID"),
            ("redirect_uri", "VOTRE_REDIRECT_URI"),
            ("scope", self.scope_string(ids)),
            ("state", "VOTRE_STATE"),
            ("nonce", "VOTRE_NONCE"),
            ("acr_values", "eidas1"),
        ]
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

    def answer(self, ids, record: dict | None = None) -> dict:
        """What the API answers, as production does: the documented refusal when no chosen scope returns data on
        this channel, the documented empty answer when no entry is kept, else the data in its envelope."""
        chosen = self.by_id(self.resolve(ids))
        if self.forbidden_answer and not [s for s in chosen if not s.withheld]:
            return {
                "status": self.forbidden_answer["status"],
                "body": self.forbidden_answer["body"],
                "note": self.forbidden_answer["note"],
            }
        data = self.preview(ids, record)
        note = ""
        if self.has_populations and not data.get(self.entries):
            if self.empty_answer:
                return {
                    "status": self.empty_answer["status"],
                    "body": self.empty_answer["body"],
                    "note": self.empty_answer["note"],
                }
            if chosen:
                selects = any(s.role == "population" for s in chosen)
                note = self.message("no_entries") if selects else self.message("no_population")
        body = {self.envelope: data, "links": {}, "meta": {}} if self.envelope else data
        return {"status": 200, "body": body, "note": note}

    def entries_of(self, body) -> list:
        """The entries of an answer's body (inside its envelope)."""
        data = _own(body, self.envelope) if self.envelope else body
        entries = _own(data, self.entries)
        return entries if isinstance(entries, list) else []

    def record_of(self, value) -> dict | None:
        """A pasted response (whole, or only its data) as this version's record; None when it has another shape:
        the list of entries for a version that has one, else one of its scopes' fields at the top."""
        lists = self.has_populations or any(s.applies_to == "entries" for s in self.scopes)
        marks = {self.entries} if lists else {name for s in self.scopes for name in s.fields}
        for candidate in (_own(value, self.envelope) if self.envelope else None, value):
            if isinstance(candidate, dict) and marks & candidate.keys():
                return candidate
        return None

    def error_status(self, value) -> int | None:
        """A pasted error body: its HTTP status from the version's `errors` (0 when the code is unknown), or None."""
        if not isinstance(value, dict):
            return None
        errors = _own(value, "errors")
        if isinstance(errors, list) and errors:
            code = _own(errors[0], "code")
        elif isinstance(_own(value, "error"), str):
            code = value["error"]
        else:
            return None
        statuses = [e["status"] for e in self.errors if e.get("code") == code]
        empty = self.empty_answer or {}
        if not statuses and _own(empty.get("body"), "error") == code:
            statuses = [empty["status"]]
        return statuses[0] if statuses else 0

    def filter_result(self, case: UseCase, today: str, record: dict | None = None) -> dict:
        """A use case's filter applied to what production answers for its scopes, on `today`."""
        answer = self.answer(case.scopes, record)
        entries = self.entries_of(answer["body"]) if answer["status"] == 200 else []
        kept = case.check(entries, today)
        return {
            "today": today,
            "status": answer["status"],
            "total": len(entries),
            "kept": sum(kept),
            "entries": kept,
            "passes": any(kept),
        }

    def warnings(self, ids) -> list[str]:
        """Plain-French cautions for a choice; the widget computes the same ones."""
        given = [self.canonical(i) for i in ids]
        chosen = self.by_id(self.resolve(ids))
        notes = [self.message("requires", scope=s, required=r) for s, r in self.required(ids)]
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

    @property
    def status_label(self) -> str:
        return STATUS.get(self.status, self.status)

    def to_json(self) -> dict:
        data = _jsonable(self)
        for scope in data["scopes"]:
            scope["output_fields"] = [scope["rename"].get(n, n) for n in scope["fields"]]
        data["messages"] = {key: self.messages.get(key, text) for key, text in MESSAGES.items()}
        data["has_populations"] = self.has_populations
        data["status_label"] = self.status_label
        return data


@dataclass
class ScopeSet:
    """Every version of an API's scopes; the current one comes first."""

    versions: list[Version]
    declared: bool = True
    _json: dict | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def current(self) -> Version:
        return next((v for v in self.versions if v.current), self.versions[0])

    def version(self, version_id: str) -> Version | None:
        return next((v for v in self.versions if v.id == version_id), None)

    @property
    def ordered(self) -> list[Version]:
        return [self.current] + [v for v in self.versions if v is not self.current]

    @property
    def older(self) -> list[Version]:
        """Every version but the current one, deprecated and retired alike, in the content's order."""
        return [v for v in self.versions if not v.current]

    def successor(self, case: UseCase | None) -> UseCase | None:
        """The current version's use case that replaces a retired one, if any."""
        if case is None:
            return None
        return next((c for c in self.current.use_cases if c.replaces == case.id), None)

    def migration(self) -> list[dict]:
        """Rows from each retired version's scopes and use cases to the current version."""
        current = self.current
        rows = []
        for old in self.older:
            for scope in old.scopes:
                if scope.replaced_by or scope.migration:
                    rows.append(
                        {
                            "from": old,
                            "to": current,
                            "kind": "scope",
                            "old": [scope.id],
                            "new": current.resolve(scope.replaced_by),
                            "note": scope.migration,
                            "title": scope.label,
                        }
                    )
            for case in old.use_cases:
                if new := self.successor(case):
                    rows.append(
                        {
                            "from": old,
                            "to": current,
                            "kind": "use_case",
                            "old": old.resolve(case.scopes),
                            "new": current.resolve(new.scopes),
                            "note": new.filter,
                            "title": case.title,
                        }
                    )
        return rows

    def forward(self, version: Version, ids) -> dict:
        """Where a choice made in a retired version leads in the current one: the scopes that replace it, or, when the
        choice is exactly a retired use case that has a successor, that use case (it keeps what the old one
        returned)."""
        current, chosen = self.current, version.resolve(ids)
        old_case = next((c for c in version.use_cases if chosen and version.resolve(c.scopes) == chosen), None)
        case = self.successor(old_case)
        new = case.scopes if case else [r for s in version.by_id(chosen) for r in s.replaced_by]
        return {"scopes": current.resolve(new), "use_case": case.id if case else ""}

    def to_json(self) -> dict:
        """The page's and the export's data, made once a build (read it, do not change it): both serialise it."""
        if self._json is None:
            self._json = {
                "default_version": self.current.id,
                "declared": self.declared,
                "versions": [v.to_json() for v in self.ordered],
            }
        return self._json


def _own(mapping, key):
    """A key's value only if the mapping holds it itself (no `toString` from anywhere else)."""
    return mapping.get(key) if isinstance(mapping, dict) else None


_PLAIN = {str, int, float, bool, type(None)}
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # a record class → its fields' names, looked up once


def _jsonable(value):
    """A record as JSON's types, its dates as ISO text. Unlike dataclasses.asdict, nothing is deep-copied first:
    the fresh dicts and lists made here are the copy. The common types are told by their exact type: asking
    is_dataclass() and fields() of every value took half the time of an API's scopes export."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list:
        return [_jsonable(v) for v in value]
    names = _FIELD_NAMES.get(kind)
    if names is None and is_dataclass(value):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _jsonable(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)):  # a subclass: the exact types, None among them, left above
        return value
    return str(value)


def _version(version: Version, doc: Document, problems: Problems, base: dict) -> Version:
    """A cleaned version with its cross-references checked: duplicate ids and dangling scopes are reported and
    left out."""
    written = _own_path(doc.meta, (*version.where, "scopes"))
    written_ids = {_own(item, "id") for item in written} if isinstance(written, list) else set()
    scopes = _first_of_each_id(version.scopes, doc, problems)
    known = {s.id for s in scopes}
    dropped = written_ids - known  # refused, and reported once: references to them are not reported again
    for scope in scopes:
        scope.requires = _declared_only(scope, "requires", known, dropped, doc, problems)
    use_cases = _first_of_each_id(version.use_cases, doc, problems)
    for case in use_cases:
        case.scopes = _declared_only(case, "scopes", known, dropped, doc, problems)
    version.scopes, version.use_cases = scopes, use_cases
    _check_rules(use_cases, scopes, doc, problems)
    if not isinstance(version.example, dict):
        problems.error(
            doc.path,
            doc.line(*version.where, "example"),
            f"{dotted(version.where)}.example: doit être une table",
            "type",
        )
        version.example = {}
    for key in set(version.messages) - set(MESSAGES):
        problems.warn(
            doc.path,
            doc.line(*version.where, "messages", key),
            f"{dotted(version.where)}.messages.{key}: message inconnu ({', '.join(MESSAGES)})",
            "unknown key",
        )
    for key, value in base.items():
        setattr(version, key, value)
    return version


def _first_of_each_id(items: list, doc: Document, problems: Problems) -> list:
    """The first item of each id; each later one is reported where it is written, and left out."""
    seen, kept = set(), []
    for item in items:
        if item.id in seen:
            problems.error(
                doc.path,
                doc.line(*item.where, "id"),
                f"{dotted(item.where)}.id: « {item.id} » est déjà déclaré",
                "duplicate id",
            )
            continue
        seen.add(item.id)
        kept.append(item)
    return kept


def _declared_only(item, key: str, known: set, dropped: set, doc: Document, problems: Problems) -> list[str]:
    """The scope ids of `item.<key>` that the version declares; the others are reported, unless they name a scope
    already refused."""
    ids = getattr(item, key)
    for j, scope_id in enumerate(ids):
        if scope_id not in known and scope_id not in dropped:
            problems.error(
                doc.path,
                doc.line(*item.where, key, j),
                f"{dotted(item.where)}.{key}[{j}]: scope « {scope_id} » non déclaré",
                "dangling scope",
            )
    return [scope_id for scope_id in ids if scope_id in known]


def _check_rules(use_cases: list[UseCase], scopes: list[Scope], doc: Document, problems: Problems) -> None:
    """Minimisation made checkable: a use case with a rule asks for no scope whose data the rule does not read, and
    its rule reads nothing that its scopes do not return."""
    by_id = {s.id: s for s in scopes}
    for case in use_cases:
        label = dotted(case.where)
        if not case.rule:
            continue
        asked = [by_id[i] for i in case.scopes if i in by_id]
        returned = {name for s in asked if not s.withheld for name in s.output_fields()}
        for scope in asked:
            if scope.role == "mask" and not scope.withheld and not set(scope.output_fields()) & case.reads():
                problems.warn(
                    doc.path,
                    doc.line(*case.where, "scopes"),
                    f"{label}.scopes: « {scope.id} » est demandé mais le filtre (`rule`) ne lit"
                    f" aucun de ses champs ({', '.join(scope.output_fields())}) : minimisation",
                    "minimisation",
                )
        for name in sorted(case.reads() - returned):
            problems.warn(
                doc.path,
                doc.line(*case.where, "rule"),
                f"{label}.rule: le filtre lit « {name} », qu'aucun scope du cas ne renvoie",
                "minimisation",
            )


def _own_path(value, path: tuple):
    for part in path:
        value = (
            value[part]
            if isinstance(value, list) and isinstance(part, int) and part < len(value)
            else _own(value, part)
        )
    return value


def from_meta(data: dict, doc: Document, problems: Problems) -> ScopeSet | None:
    base = {key: data[key] for key in ("base_scopes", "authorize_endpoint", "identity_alias", "integration_note")}
    if "versions" not in data:  # one set of scopes, written with the keys of a version
        if "scopes" not in data:
            return None
        version = Version(id="v1", label="", **{k: v for k, v in data.items() if k in VERSION.fields})
        version.where = ("franceconnect",)
        version = _version(version, doc, problems, base)
        _check_shapes([version], doc, problems)
        return ScopeSet([version])
    written = doc.meta.get("franceconnect", {})
    for key in ("scopes", "use_cases", "example", "entries"):
        if key in written:
            problems.error(
                doc.path,
                doc.line("franceconnect", key),
                f"franceconnect.{key}: avec `versions`, se déclare dans chaque version",
                "value",
            )
    versions = [
        _version(version, doc, problems, base) for version in _first_of_each_id(data["versions"], doc, problems)
    ]
    current = [v for v in versions if v.current]
    if versions and len(current) != 1:
        problems.error(
            doc.path,
            doc.line("franceconnect", "versions"),
            f"franceconnect.versions: une seule version doit avoir `status: current` ({len(current)} ici)",
            "value",
        )
    _check_migration(versions, doc, problems)
    _check_shapes(versions, doc, problems)
    return ScopeSet(versions) if versions else None


def _check_shapes(versions: list[Version], doc: Document, problems: Problems) -> None:
    """Shapes the schema lets through but the page would show wrong or differently from the model."""
    anchors: dict[str, str] = {}  # the page's element ids, `<version>-<scope>`: one per scope and use case
    bodies = [v for v in versions if v.body]
    for version in bodies[1:]:
        problems.error(
            doc.path,
            doc.line(*version.where, "body"),
            f"{dotted(version.where)}.body: une seule version décrit la liste du corps ({bodies[0].id} le fait déjà)",
            "value",
        )
    for version in versions:
        label = dotted(version.where)
        if version.envelope in ENVELOPE_KEYS:
            problems.error(
                doc.path,
                doc.line(*version.where, "envelope"),
                f"{label}.envelope: « {version.envelope} » est"
                f" une clé que l'enveloppe ajoute déjà ({', '.join(sorted(ENVELOPE_KEYS))})",
                "value",
            )
        for key, text in version.messages.items():
            for name in _PLACEHOLDER.findall(text):
                if name not in PLACEHOLDERS.get(key, set()):
                    allowed = ", ".join(f"{{{n}}}" for n in sorted(PLACEHOLDERS.get(key, ()))) or "aucune"
                    problems.error(
                        doc.path,
                        doc.line(*version.where, "messages", key),
                        f"{label}.messages.{key}: « {{{name}}} »"
                        f" n'est pas une valeur que ce message reçoit (valeurs : {allowed})",
                        "value",
                    )
        for name, where in _response_keys(version):
            if name in RESERVED_KEYS:
                problems.error(
                    doc.path,
                    doc.line(*version.where, *where),
                    f"{label}.{dotted(where)}: « {name} » ne peut"
                    " pas être un nom de champ (la page ne saurait pas le renvoyer)",
                    "value",
                )
        base = set(version.base_scopes) | {version.identity_alias} - {""}
        ids = {}
        for scope in version.scopes:
            here = scope.where
            if scope.id in base:
                problems.error(
                    doc.path,
                    doc.line(*here, "id"),
                    f"{dotted(here)}.id: « {scope.id} » est déjà"
                    " envoyé avec toute requête (base_scopes) : il serait transmis deux fois",
                    "duplicate id",
                )
            ids.setdefault(scope.id, here + ("id",))
        for scope in version.scopes:
            for j, alias in enumerate(scope.aliases):
                here = (*scope.where, "aliases", j, "id")
                if alias["id"] in ids or alias["id"] in base:
                    problems.error(
                        doc.path,
                        doc.line(*here),
                        f"{dotted(here)}: « {alias['id']} » est déjà l'identifiant"
                        " d'un scope ou d'un autre alias : un seul scope peut porter un nom",
                        "duplicate id",
                    )
                ids.setdefault(alias["id"], here)
        for cycle_at in _cycles(version):
            problems.error(
                doc.path,
                doc.line(*cycle_at.where, "requires"),
                f"{dotted(cycle_at.where)}.requires: « {cycle_at.id} » se requiert lui-même par un cycle :"
                " on ne pourrait plus le décocher",
                "value",
            )
        if (weight := _use_case_weight(version)) > MAX_PAGE_CHARS:
            problems.error(
                doc.path,
                doc.line(*version.where, "use_cases"),
                f"{label}.use_cases: la page répéterait"
                f" {weight // 1_000_000} millions de caractères (chaque cas d'usage liste ses scopes et ceux"
                f" qu'ils requièrent ; au plus {MAX_PAGE_CHARS // 1_000_000} millions) ; raccourcissez les libellés"
                " ou les listes",
                "limit",
            )
        for kind, items in (("scopes", version.scopes), ("use_cases", version.use_cases)):
            for item in items:
                anchor = f"{kind}:{version.id}-{item.id}"
                if anchor in anchors:
                    problems.error(
                        doc.path,
                        doc.line(*item.where, "id"),
                        f"{dotted(item.where)}.id:"
                        f" « {version.id}-{item.id} » désigne déjà un élément de la page ({anchors[anchor]}) ;"
                        " changez l'un des deux identifiants",
                        "duplicate id",
                    )
                anchors.setdefault(anchor, f"{version.id} / {item.id}")


def _use_case_weight(version: Version) -> int:
    """Characters the page's use cases hold: each names its scopes, the required ones included, in labels and
    three times in ids (the `scope` value, the URL, the rule)."""
    total = 0
    for case in version.use_cases:
        total += len(case.title) + len(case.description) + len(case.filter) + 500
        total += sum(len(s.label) + 3 * len(s.id) + 20 for s in version.by_id(version.resolve(case.scopes)))
    return total


def _response_keys(version: Version):
    """(name, where) of every key the page writes into a response."""
    yield version.entries, ("entries",)
    if version.envelope:
        yield version.envelope, ("envelope",)
    for scope in version.scopes:
        here = scope.where[len(version.where) :]
        for j, name in enumerate(scope.fields):
            yield name, (*here, "fields", j)
        for name, to in scope.rename.items():
            yield name, (*here, "rename", name)
            yield to, (*here, "rename", name)
        for name in scope.keeps:
            yield name, (*here, "keeps", name)


def _cycles(version: Version) -> list[Scope]:
    """The scopes that reach themselves through `requires`."""
    by_id = {s.id: s for s in version.scopes}
    looping = []
    for scope in version.scopes:
        seen, pending = set(), list(scope.requires)
        while pending:
            current = pending.pop()
            if current == scope.id:
                looping.append(scope)
                break
            if current not in seen and current in by_id:
                seen.add(current)
                pending.extend(by_id[current].requires)
    return looping


def _check_migration(versions: list[Version], doc: Document, problems: Problems) -> None:
    current = next((v for v in versions if v.current), None)
    if current is None:
        return
    for old in versions:
        if old is current:
            continue
        for scope in old.scopes:
            for j, new in enumerate(scope.replaced_by):
                if not current.canonical(new):
                    problems.error(
                        doc.path,
                        doc.line(*scope.where, "replaced_by", j),
                        f"replaced_by: « {new} » n'est pas un scope de la version {current.id}",
                        "dangling scope",
                    )
    for case in current.use_cases:
        if case.replaces and not any(c.id == case.replaces for v in versions if v is not current for c in v.use_cases):
            problems.error(
                doc.path,
                doc.line(*case.where, "replaces"),
                f"replaces: aucun cas d'usage « {case.replaces} » dans une version retirée",
                "dangling scope",
            )


# Bounded everywhere: a long run of blanks must not be re-read for every split point.
_HEADING = re.compile(
    r"#{1,6}[ \t]{1,8}[^\n]{0,200}?scopes?[ \t]{1,8}à[ \t]{1,8}transmettre[ \t]{1,8}à[ \t]{1,8}franceconnect", re.I
)
_ITEM = re.compile(
    r"[ \t]{0,8}[-*+][ \t]{1,8}([^:\n]{1,200}?)[ \t]{0,8}:[ \t]{0,8}`([A-Za-z0-9_.:-]{1,100})`[ \t]{0,8}\.?[ \t]{0,8}"
)


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
    version = Version(
        "v1",
        "",
        [Scope(id=sid, label=label, role="") for label, sid, _ in found],
        base_scopes=["openid"],
        declared=False,
        identity_known=False,
    )
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
            problems.warn(
                doc.path,
                body_line + index,
                f"scope « {sid} » listé dans le corps mais absent de franceconnect (version {version.id})",
                "scope mismatch",
            )
    for index, scope in enumerate(version.scopes):
        if scope.id not in listed and not listed & {a["id"] for a in scope.aliases}:
            where = (
                ("franceconnect", "versions", scope_set.versions.index(version), "scopes", index)
                if "versions" in doc.meta.get("franceconnect", {})
                else ("franceconnect", "scopes", index)
            )
            problems.warn(
                doc.path,
                doc.line(*where),
                f"scope « {scope.id} » déclaré dans franceconnect (version {version.id})"
                " mais absent de la liste du corps",
                "scope mismatch",
            )
