"""Who may use what: the access pages' `who` labels mapped to roles, and each API's condition per role.

The mapping is data (`audiences.yml`): the package ships a default that covers the api.gouv.fr corpora,
and a content folder may add to it or override it with its own `audiences.yml`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from .naming import fold
from .problems import Problems
from .reading import Document, inside, load_yaml
from .spec import MISSING, Bool, Field, List, Map, Str, record

DEFAULT = Path(__file__).resolve().parent / "audiences.yml"
# The audiences data.gouv.fr's dataservices know (udata's `access_audiences`): no other role may be exported.
DATAGOUV_ROLES = ("local_authority_and_administration", "company_and_association", "private")
ROLE_ID = re.compile(r"[A-Za-z0-9_]{1,60}")
CONDITIONS = {1: "yes", 0: "under_condition", -1: "no"}  # api.gouv.fr's is_eligible → data.gouv.fr's condition
CONDITION_LABELS = {"yes": "Oui", "under_condition": "Sous condition", "no": "Non"}
RANK = {"yes": 0, "under_condition": 1, "no": 2}  # most favourable first
# What the catalogue says of an API for a profile it does not describe, when anyone may use it.
OPEN_LABEL = "Accès libre"


def answer(api, role: str) -> str:
    """The API's answer for a role: its condition when its access page describes that public; "open" when it
    does not but the API is open to all; "" otherwise."""
    if role in api.conditions:
        return api.conditions[role][0]
    return "open" if api.openness == "open" else ""


def listed(api, role: str) -> bool:
    """Whether the catalogue lists the API for someone of that role: they may ask, or need not ask at all."""
    return answer(api, role) in ("yes", "under_condition", "open")


ROLE = Map(
    doc="Un rôle : un public que le catalogue sait filtrer.",
    unknown="error",
    fields={
        "label": Field(Str(doc="Nom affiché, ex. « Collectivité et Administration »."), required=True),
        "datagouv": Field(Bool(doc="true : un rôle de data.gouv.fr (access_audiences)."), default=False),
    },
)
Role = record(ROLE, "Role")
AUDIENCES = Map(
    doc="Rôles et correspondance des libellés « Qui êtes-vous ? » (`audiences.yml`).",
    unknown="error",
    fields={
        "roles": Field(Map(values=ROLE, doc="Rôles, par identifiant, dans l'ordre d'affichage."), default=dict),
        "labels": Field(
            Map(values=List(Str(kind="id"), one_or_many=True, min_items=1), doc="Libellé « who » → rôle(s)."),
            default=dict,
        ),
    },
)


@functools.lru_cache(maxsize=4096)  # the same few labels, for every API: 29 look-ups an API in MkDocs' process
def key(label: str) -> str:
    """Labels match ignoring case, accents, spacing and the apostrophe's shape."""
    return fold(label).replace("’", "'")


@dataclass
class Audiences:
    roles: dict[str, Role] = field(default_factory=dict)  # in display order
    labels: dict[str, list[str]] = field(default_factory=dict)  # key(label) → roles
    sources: dict[str, tuple[Document, str]] = field(default_factory=dict)  # key(label) → where it was mapped

    def roles_of(self, label: str) -> list[str]:
        return self.labels.get(key(label), [])

    @property
    def datagouv_roles(self) -> list[str]:
        return [role for role, spec in self.roles.items() if spec.datagouv and role in DATAGOUV_ROLES]


def load(content_dir: Path, problems: Problems) -> Audiences:
    audiences = Audiences()
    for other in sorted(Path(content_dir).glob("[aA][uU][dD][iI][eE][nN][cC][eE][sS].[yY]*")):
        if other.name != "audiences.yml" and other.name.lower() in ("audiences.yml", "audiences.yaml"):
            problems.error(
                other, 1, f"« {other.name} » n'est pas lu : le fichier des publics s'appelle audiences.yml", "file name"
            )
    for path in (DEFAULT, Path(content_dir) / "audiences.yml"):
        if path != DEFAULT and not path.exists():  # the default ships with the package: reading it must work
            continue
        if path != DEFAULT and not inside(path, Path(content_dir)):
            problems.error(
                path, 1, "lien symbolique vers l'extérieur du dossier de contenu : ignoré sans être lu", "io"
            )
            continue
        doc = problems.guard(path, load_yaml, path, problems)
        if doc is None:
            continue
        data = AUDIENCES.clean(doc.meta, (), doc, problems)
        if data is MISSING:
            continue
        for role in list(data["roles"]):
            if not ROLE_ID.fullmatch(role):  # it becomes an anchor and a URL parameter
                problems.error(
                    doc.path,
                    doc.line("roles", role),
                    f"roles.{role[:40]}: identifiant invalide (lettres, chiffres et _ seulement)",
                    "value",
                )
                del data["roles"][role]
        for role, spec in data["roles"].items():
            if spec.datagouv and role not in DATAGOUV_ROLES:
                problems.error(
                    doc.path,
                    doc.line("roles", role, "datagouv"),
                    f"roles.{role}.datagouv: data.gouv.fr ne connaît"
                    f" que {', '.join(DATAGOUV_ROLES)} ; retirez `datagouv: true`",
                    "value",
                )
                spec.datagouv = False
        audiences.roles.update(data["roles"])
        written: dict[str, str] = {}
        for label, roles in data["labels"].items():
            first = written.get(key(label))
            if first is not None and set(data["labels"][first]) != set(
                roles
            ):  # one key: the second would replace the first
                problems.error(
                    doc.path,
                    doc.line("labels", label),
                    f"labels.{label}: se confond avec « {first} », qui mène"
                    " à d'autres rôles (accents, casse et espaces ne comptent pas) ; réunissez-les sous un seul"
                    " libellé",
                    "duplicate id",
                )
                continue
            written.setdefault(key(label), label)
            audiences.labels[key(label)] = roles
            audiences.sources[key(label)] = (doc, label)
    for label_key, roles in audiences.labels.items():
        doc, label = audiences.sources[label_key]
        for role in roles:
            if role not in audiences.roles:
                problems.error(
                    doc.path,
                    doc.line("labels", label),
                    f"labels.{label}: rôle « {role} » non déclaré dans `roles`",
                    "audience",
                )
    audiences.labels = {k: [r for r in roles if r in audiences.roles] for k, roles in audiences.labels.items()}
    return audiences


def conditions(audiences_today: list, audiences: Audiences) -> dict[str, tuple[str, str]]:
    """Role → (condition, anchor of the audience to open) for one API, in the roles' order.

    Rule, when several labels of the API fall on one role: if they all give the same answer, it is the
    role's; if they differ, the role is `under_condition` and the link opens the first favourable audience."""
    found: dict[str, list[tuple[str, str]]] = {}
    for audience in audiences_today:
        for label in audience.who:
            for role in audiences.roles_of(label):
                found.setdefault(role, []).append((audience.eligible, audience.anchor))
    out = {}
    for role in audiences.roles:
        answers = found.get(role)
        if not answers:
            continue
        kinds = {condition for condition, _ in answers}
        condition = kinds.pop() if len(kinds) == 1 else "under_condition"
        anchor = min(answers, key=lambda a: RANK[a[0]])[1]
        out[role] = (condition, anchor)
    return out


def unmapped(api, audiences: Audiences, problems: Problems) -> None:
    """A label nobody mapped: a warning with its line; the page shows it as it is."""
    labelled = [
        ("access_page", index, entry.who) for index, entry in enumerate(api.history.entries if api.history else [])
    ]
    if api.access.dated:
        labelled += [("access", "audiences", index, a.who) for index, a in enumerate(api.access.audiences)]
    else:
        labelled += [("access_page", index, a.who) for index, a in enumerate(api.access.audiences)]
    for *where, who in labelled:
        for j, label in enumerate(who):
            if not audiences.roles_of(label):
                path = ".".join(str(p) for p in where[:-1]) + f"[{where[-1]}].who[{j}]"
                problems.warn(
                    api.source,
                    api.doc.line(*where, "who", j),
                    f"{path}: « {label} » ne correspond à aucun rôle ; ajoutez-le à audiences.yml",
                    "unmapped audience",
                )


def pair(api, audiences: Audiences, problems: Problems) -> None:
    """Hang each published entry under today's audience for the same publics (by role), so the funnel shows the
    past under the present; report a public that the fiche answered and today's access leaves unanswered."""
    history = api.history
    if history is None:
        return
    today = [
        (audience, {role for label in audience.who for role in audiences.roles_of(label)})
        for audience in api.access.audiences
    ]
    anchors = {audience.anchor for audience in api.access.audiences}
    for index, entry in enumerate(history.entries):
        roles = {role for label in entry.who for role in audiences.roles_of(label)}
        matches = [audience for audience, theirs in today if roles & theirs]
        for audience in matches[:1]:
            audience.history.append(entry)
            if entry.anchor not in anchors:
                audience.aliases.append(entry.anchor)
                anchors.add(entry.anchor)
        if not matches:
            history.unpaired.append(entry)
            if roles:
                names = ", ".join(audiences.roles[r].label for r in sorted(roles, key=list(audiences.roles).index))
                problems.warn(
                    api.source,
                    api.doc.line("access_page", index),
                    f"access.audiences: « {entry.who[0]} » ({names}) avait une réponse en"
                    f" {history.published or 'publication'}"
                    " et n'en a pas aujourd'hui",
                    "access",
                )
