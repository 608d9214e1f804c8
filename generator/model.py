"""Step 2 of the pipeline: validated model of a content folder.

`load(content_dir)` reads every file, checks it against the format in `spec`, parses the
Markdown bodies into components, resolves cross-file references (producers, question
trees, themes) and returns a `Catalogue` together with every problem found.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import addresses, audiences, characters, components, naming, scopes, workers
from . import trees as question_trees
from .problems import Problems
from .reading import Document, dotted, inside, read
from .spec import MISSING, SLUG, Field, Int, List, Map, Num, Str, record

DETAIL_FIELDS = ("rate_limiting_description", "monitoring_description", "stats_detail_description")
OPENNESS = {1: "open", 0: "semi_open", -1: "closed"}

ACCESS_ENTRY = Map(
    doc="Une réponse à « Qui êtes-vous ? » sur la page de demande d'accès.",
    unknown="error",
    fields={
        "who": Field(
            List(Str(), lenient=True, min_items=1, doc="Libellés de ce public, ex. « Une administration »."),
            required=True,
        ),
        "is_eligible": Field(Int(choices=(-1, 0, 1), doc="1 éligible, 0 peut-être, -1 non éligible."), required=True),
        "description": Field(
            Str(markdown=True, doc="Markdown avec composants (Button, External, NextSteps, QuestionTree)."), default=""
        ),
    },
)

NOTICE = Map(
    doc="Un avis daté, affiché en tête de la fiche, de la demande d'accès et du choix des scopes.",
    unknown="error",
    fields={
        "date": Field(Str(kind="date", doc="Date du changement (AAAA-MM-JJ, entre guillemets)."), required=True),
        "about": Field(
            Str(
                choices=("access", "scopes", "other"),
                doc="Ce qui a changé : access (qui peut demander et où), scopes ou other.",
            ),
            default="other",
        ),
        "title": Field(Str(doc="Titre court."), required=True),
        "text": Field(Str(markdown=True, doc="Markdown avec composants."), required=True),
        "link": Field(
            Map(
                unknown="error",
                fields={"href": Field(Str(kind="url"), required=True), "label": Field(Str(), required=True)},
            )
        ),
    },
)

ACCESS_ROUTE = Map(
    doc="Une voie de demande en vigueur : le formulaire à remplir et la modalité à y choisir.",
    unknown="error",
    fields={
        "id": Field(Str(kind="id", doc="Identifiant court de la voie, ex. franceconnect."), required=True),
        "label": Field(
            Str(doc="Quand prendre cette voie, ex. « Votre démarche utilise FranceConnect »."), required=True
        ),
        "href": Field(Str(kind="url", doc="Le formulaire à remplir (DataPass)."), required=True),
        "form": Field(Str(doc="Nom du formulaire et modalité à choisir."), default=""),
        "text": Field(Str(markdown=True, doc="Précisions, en Markdown avec composants."), default=""),
    },
)

ACCESS_AUDIENCE = Map(
    doc="Un public, et la réponse d'aujourd'hui pour lui.",
    unknown="error",
    fields={
        "who": Field(
            List(
                Str(),
                lenient=True,
                min_items=1,
                doc="Libellés de ce public ; le premier donne l'ancre de la page (#une-entreprise).",
            ),
            required=True,
        ),
        "eligible": Field(
            Str(choices=tuple(audiences.RANK), doc="yes, under_condition ou no (les mots de data.gouv.fr)."),
            required=True,
        ),
        "text": Field(
            Str(markdown=True, doc="Ce que ce public doit savoir et faire (Markdown avec composants)."), default=""
        ),
    },
)

CURRENT_ACCESS = Map(
    doc="L'accès en vigueur. Les clés publiées de la fiche (access_page, datapass_link, contact_link…) restent telles"
    " quelles et deviennent l'historique daté.",
    unknown="error",
    fields={
        "since": Field(Str(kind="date", doc="Date depuis laquelle cet accès vaut (AAAA-MM-JJ)."), required=True),
        "source": Field(Str(kind="url", doc="Où ces faits sont publiés."), required=True),
        "summary": Field(Str(markdown=True, doc="L'accès en deux phrases (Markdown).")),
        "routes": Field(
            List(ACCESS_ROUTE, max_items=10, doc="Les voies de demande, la principale d'abord."), default=list
        ),
        "audiences": Field(
            List(ACCESS_AUDIENCE, max_items=30, doc="Les publics et leur réponse aujourd'hui."), default=list
        ),
        "contact_link": Field(Str(kind="link", doc="E-mail ou adresse web de l'équipe, aujourd'hui.")),
        "partners": Field(
            List(Str(), doc="Co-producteurs aujourd'hui : identifiants de `producteurs/` ou texte libre.")
        ),
        "doc_tech_link": Field(Str(kind="url", doc="Spécification OpenAPI en vigueur.")),
        "doc_tech_external": Field(Str(kind="url", doc="Documentation technique en vigueur.")),
        "rate_limiting_resume": Field(Str(doc="Limites d'appel en vigueur, en une ligne.")),
        "rate_limiting_description": Field(Str(markdown=True)),
    },
)

RELATED = Map(
    doc="Une API que le texte de la fiche mentionne.",
    unknown="error",
    fields={
        "slug": Field(Str(kind="slug", doc="Slug de l'autre API (nom de son fichier)."), required=True),
        "title": Field(Str(doc="Nom affiché quand l'API n'est pas dans le contenu."), required=True),
        "mention": Field(Str(doc="La phrase du corps qui parle de cette API : un lien vers elle la suit.")),
    },
)

API = Map(
    doc="Fiche d'une API, au format des fichiers `_data/api/*.md` d'api.gouv.fr.",
    ignored=("layout", "hide_pre_footer", "additional_css", "useSwaggerProxy", "clients", "category"),
    fields={
        "title": Field(Str(doc="Nom de l'API."), required=True),
        "tagline": Field(Str(doc="Une phrase qui dit à quoi sert l'API."), required=True),
        "producer": Field(
            Str(kind="slug", doc="Identifiant du producteur : nom d'un fichier de `producteurs/`."), required=True
        ),
        "is_open": Field(
            Int(choices=(-1, 0, 1), doc="1 accès libre, 0 compte nécessaire, -1 habilitation nécessaire."),
            required=True,
        ),
        "partners": Field(
            List(Str(), doc="Co-producteurs : identifiants de `producteurs/` ou texte libre."), default=list
        ),
        "keywords": Field(List(Str(), lenient=True, doc="Mots-clés pour la recherche."), default=list),
        "themes": Field(List(Str(), lenient=False, doc="Thèmes du catalogue."), default=list),
        "is_france_connected": Field(
            Int(choices=(0, 1, 2), fallback=0, doc="0 non, 1 compatible FranceConnect, 2 FranceConnect obligatoire."),
            default=0,
        ),
        "contact_link": Field(Str(kind="link", doc="E-mail ou adresse web de l'équipe.")),
        "doc_tech_link": Field(
            Str(kind="url", doc="Spécification OpenAPI (lien)."),
        ),
        "doc_tech_external": Field(Str(kind="url", doc="Documentation technique externe.")),
        "external_site": Field(Str(kind="url", doc="Site de l'API.")),
        "account_link": Field(Str(kind="url", doc="Page de création de compte (is_open: 0).")),
        "datapass_link": Field(Str(kind="url", doc="Formulaire DataPass (is_open: -1).")),
        "datagouv_uuid": Field(
            List(
                Str(kind="dataset", doc="Identifiant data.gouv.fr d'un jeu de données (24 chiffres hexadécimaux)."),
                doc="Jeux de données data.gouv.fr liés.",
            )
        ),
        "uptime": Field(Num(doc="Disponibilité en pourcentage.")),
        "monitoring_link": Field(Str(kind="url")),
        "monitoring_description": Field(Str(markdown=True)),
        "rate_limiting_resume": Field(Str(doc="Limites d'appel, en une ligne.")),
        "rate_limiting_description": Field(Str(markdown=True)),
        "rate_limiting_link": Field(Str(kind="url")),
        "stats_detail_resume": Field(Str()),
        "stats_detail_description": Field(Str(markdown=True)),
        "stats_detail_link": Field(Str(kind="url")),
        "stat": Field(
            Map(
                unknown="warn",
                fields={
                    "url": Field(Str(kind="url")),
                    "label": Field(Str()),
                    "lastXdays": Field(Int()),
                    "link": Field(Str(kind="url")),
                },
                ignored=("path",),
            )
        ),
        "visits_2019": Field(Int()),
        "last_update": Field(Str(doc="Date de dernière mise à jour (JJ/MM/AAAA).")),
        "content_intro": Field(Str(markdown=True, doc="Introduction en Markdown, avant le corps.")),
        "access_page": Field(List(ACCESS_ENTRY, doc="Les publics de la page de demande d'accès (tels que publiés).")),
        "access": Field(CURRENT_ACCESS),
        "franceconnect": Field(scopes.SPEC),
        "notices": Field(
            List(NOTICE, max_items=20, doc="Avis datés : ce qui a changé depuis le texte de la fiche."), default=list
        ),
        "related": Field(
            List(
                RELATED,
                max_items=20,
                doc="API liées, que le texte mentionne : un lien vers leur fiche dans ce site quand elle y est.",
            ),
            default=list,
        ),
    },
)

PRODUCER = Map(
    doc="Producteur d'API, au format des fichiers `_data/producteurs/*.md` d'api.gouv.fr.",
    ignored=("nameWithPronoun", "name_with_pronoun", "data", "annuaire", "siteOpenData", "siteAPI", "description"),
    fields={
        "name": Field(Str(doc="Nom complet."), required=True),
        "acronym": Field(Str(doc="Sigle.")),
        "type": Field(Str(doc="Ministère, Opérateur, Collectivité…")),
        "short": Field(Str(doc="Description courte.")),
        "contact": Field(Str(kind="link")),
        "logo": Field(Str(kind="file", doc="Nom du fichier de logo (facultatif), ex. mesri.png.")),
        "site": Field(Str(kind="url", doc="Site web du producteur.")),
    },
)


Related = record(RELATED, "Related")
Notice = record(NOTICE, "Notice")  # the loader replaces `text` with its parsed Markup
Route = record(ACCESS_ROUTE, "Route", doc="A way to ask for access today; the loader parses `text`.")


class AccessEntry(record(ACCESS_ENTRY, "AccessEntry", anchor=(str, ""))):
    """An audience as the fiche published it (`access_page`); the loader parses `description`."""

    @property
    def condition(self) -> str:
        return audiences.CONDITIONS[self.is_eligible]


class Audience(record(ACCESS_AUDIENCE, "Audience", anchor=(str, ""), aliases=(list, list), history=(list, list))):
    """A public and its answer today. `history`: the published entries about the same publics; `aliases`: their
    anchors, so that a link to the published page (#une-entreprise) still opens this answer."""


class Access(record(CURRENT_ACCESS, "Access", written=(frozenset, frozenset))):
    """What a person acts on to get access: the declared `access` (dated), or else what the fiche published.
    `written`: the keys the file writes itself under `access`; the others come from the published fiche.

    Every page and export reads this one shape, so none can show the past as the present."""

    @property
    def dated(self) -> bool:
        """Declared under `access`, which always writes `since`."""
        return bool(self.written)

    @property
    def route(self) -> Route | None:
        return self.routes[0] if self.routes else None


def published_label(published: str | None) -> str:
    """The badge of a dated history: a fiche's published access, a question tree's retired question."""
    return f"Publié en {published}" if published else "Publié avant ce changement"


@dataclass
class History:
    """What the fiche published before `access.since`: shown, dated, never the thing to act on."""

    published: str  # when the fiche's text was written: its `last_update` year, e.g. "2022"
    entries: list[AccessEntry]
    datapass_link: str = ""
    contact_link: str = ""
    doc_tech_link: str = ""
    doc_tech_external: str = ""
    partners: list = field(default_factory=list)
    unpaired: list = field(default_factory=list)  # published entries about publics that today's list does not name

    @property
    def label(self) -> str:
        return published_label(self.published)


class Producer(
    record(
        PRODUCER,
        "Producer",
        slug=(str, ""),
        source=(Path, None),
        body=(components.Markup, None),
        apis=(list, list),
        partner_of=(list, list),
    )
):
    @property
    def url(self) -> str:
        return addresses.page("producer", self.slug)


class Api(
    record(
        API,
        "Api",
        slug=(str, ""),
        doc=(Document, None),
        body=(components.Markup, None),
        intro=(components.Markup, None),  # `content_intro`, parsed
        details=(dict, dict),  # sidebar Markdown snippets (rate limits, monitoring, stats), parsed, by field name
        scopes=(scopes.ScopeSet, None),
        history=(History, None),  # the published access, when `access` declares a newer one
        owner=(Producer, None),  # the file of `producer`, when `producteurs/` has one
        conditions=(dict, dict),  # role → (yes | under_condition | no, audience anchor)
    )
):
    """An API's fiche as the pages and exports read it. The loader turns `access` into today's access (declared or
    as published), parses the Markdown of `notices` and `access_page`, and sorts the notices newest first."""

    @property
    def source(self) -> Path:
        return self.doc.path

    @property
    def url(self) -> str:
        return addresses.page("api", self.slug)

    @property
    def openness(self) -> str:
        return OPENNESS[self.is_open]

    @property
    def contact_email(self) -> str | None:
        link = self.access.contact_link or ""
        return link.removeprefix("mailto:") if link.startswith("mailto:") else None

    def declares(self, key: str) -> bool:
        """Today's access writes `key` itself; otherwise its value comes from the published fiche."""
        return key in self.access.written


@dataclass
class Catalogue:
    apis: dict[str, Api]
    producers: dict[str, Producer]
    trees: dict[str, question_trees.Tree]
    themes: list[str]
    audiences: audiences.Audiences = field(default_factory=audiences.Audiences)

    @property
    def describes_audiences(self) -> bool:
        """Some API has an access page whose publics map to roles: the eligibility page and filter exist."""
        return any(api.conditions for api in self.apis.values())


def _markup(text, doc, path, problems, context) -> components.Markup:
    return components.parse(text or "", doc.path, doc.text_line(*path), problems, context)


def _api(doc: Document, problems: Problems, context: components.Context) -> Api | None:
    api = API.clean(doc.meta, (), doc, problems)
    if api is MISSING:  # a required field failed: the body is still checked, so that one run reports it all
        components.parse(doc.body, doc.path, doc.body_line, problems, context)
        return None
    api.slug, api.doc = doc.slug, doc
    for index, entry in enumerate(api.access_page):
        entry.description = _markup(entry.description, doc, ("access_page", index, "description"), problems, context)
    _anchor(api.access_page)
    api.body = components.parse(doc.body, doc.path, doc.body_line, problems, context)
    api.intro = _markup(api.content_intro, doc, ("content_intro",), problems, context) if api.content_intro else None
    api.details = {
        key: _markup(getattr(api, key), doc, (key,), problems, context) for key in DETAIL_FIELDS if getattr(api, key)
    }
    date = update_date(api.last_update)
    if date is not None and not EPOCH_FLOOR.replace(year=1990) <= date < EPOCH_CEILING:
        problems.warn(
            doc.path, doc.line("last_update"), f"last_update: date improbable ({date.year}) ; ignorée", "value"
        )
        api.last_update = ""
        date = None
    api.scopes = scopes.from_meta(api.franceconnect, doc, problems) if api.franceconnect else scopes.from_body(doc.body)
    if api.scopes and api.scopes.declared:
        scopes.check_body(doc.body, doc.body_line, api.scopes, doc, problems)
        api.body = _mark_versions(api.body, api.scopes, doc, problems)
    for index, notice in enumerate(api.notices):
        notice.text = _markup(notice.text, doc, ("notices", index, "text"), problems, context)
    api.notices.sort(key=lambda n: n.date, reverse=True)  # the newest first
    for index, other in enumerate(api.related):
        mark = components.RelatedMark(other.slug, other.title)
        if other.mention and not components.mark_paragraph(api.body, other.mention, mark):
            problems.warn(
                doc.path,
                doc.line("related", index, "mention"),
                f"related[{index}].mention: phrase introuvable"
                " dans le corps de la fiche ; le lien n'est que dans « API liées »",
                "dangling section",
            )
    api.access, api.history = _access(api, date, doc, problems, context)
    access = api.access
    today = [access.summary, *(a.text for a in access.audiences), *(r.text for r in access.routes)]
    _dangling_trees(
        [
            api.body,
            api.intro,
            *api.details.values(),
            *(e.description for e in api.access_page),
            *(n.text for n in api.notices),
            *(today if api.history else []),
        ],
        context.trees,
        problems,
    )
    return api


def _anchor(entries: list) -> None:
    """Each audience's anchor: its first label as a slug, made unique within the page."""
    seen: dict[str, int] = {}
    for entry in entries:
        slug = naming.slugify(entry.who[0])
        seen[slug] = seen.get(slug, 0) + 1
        entry.anchor = slug if seen[slug] == 1 else f"{slug}-{seen[slug]}"


_LINKS = ("contact_link", "doc_tech_link", "doc_tech_external")  # what History keeps of the published page
_PUBLISHED_LINKS = (*_LINKS, "rate_limiting_resume")


def _access(
    api: Api, date, doc: Document, problems: Problems, context: components.Context
) -> tuple[Access, History | None]:
    """Today's access and, when the file declares one, the published access as dated history."""
    published = api.access_page
    as_published = Access(
        since="",
        source="",
        routes=[Route(id="datapass", label="Demande d'habilitation", href=api.datapass_link, form="DataPass")]
        if api.datapass_link
        else [],
        audiences=[Audience(who=e.who, eligible=e.condition, text=e.description, anchor=e.anchor) for e in published],
        partners=list(api.partners),
        rate_limiting_description=api.details.get("rate_limiting_description"),
        **{key: getattr(api, key) for key in _PUBLISHED_LINKS},
    )
    declared = api.access  # as written under `access`, or None: absent, or refused (and reported)
    if declared is None:
        for notice in api.notices:
            if notice.about == "access":
                problems.warn(
                    doc.path,
                    doc.line(*notice.where, "about"),
                    f"{dotted(notice.where)}: l'avis dit que l'accès a changé, mais la fiche ne déclare pas l'accès en"
                    " vigueur (clé `access`) : les pages et les exports donnent encore l'accès publié",
                    "access",
                )
        return as_published, None

    def markup(text, *where):
        return _markup(text, doc, ("access", *where), problems, context) if text else None

    for index, route in enumerate(declared.routes):
        route.text = markup(route.text, "routes", index, "text")
    for index, audience in enumerate(declared.audiences):
        audience.text = markup(audience.text, "audiences", index, "text")
    _anchor(declared.audiences)
    if not declared.routes and api.is_open == -1:
        problems.warn(
            doc.path,
            doc.line("access"),
            "access.routes: aucune voie de demande en vigueur ; la page ne peut dire où demander l'accès",
            "access",
        )
    if not declared.audiences and published:
        problems.warn(
            doc.path,
            doc.line("access"),
            "access.audiences: aucun public n'a de réponse aujourd'hui ; la"
            " page de demande d'accès ne montre que l'historique",
            "access",
        )
    written = doc.meta["access"]
    for key in ("contact_link", "doc_tech_link"):
        if key not in written and getattr(api, key):
            problems.warn(
                doc.path,
                doc.line("access"),
                f"access.{key}: absent ; la valeur publiée ({getattr(api, key)[:60]}) est reprise comme actuelle",
                "access",
            )
    declared.summary = markup(declared.summary, "summary")
    if "partners" not in written:
        declared.partners = list(api.partners)
    declared.rate_limiting_description = (
        markup(declared.rate_limiting_description, "rate_limiting_description")
        if "rate_limiting_description" in written
        else api.details.get("rate_limiting_description")
    )
    for key in _PUBLISHED_LINKS:
        setattr(declared, key, getattr(declared, key) or getattr(api, key))
    declared.written = frozenset(written)
    history = History(
        published=str(date.year) if date else "",
        entries=published,
        datapass_link=api.datapass_link,
        partners=list(api.partners),
        **{key: getattr(api, key) for key in _LINKS},
    )
    return declared, history


def _mark_versions(body: components.Markup, scope_set, doc: Document, problems: Problems) -> components.Markup:
    """Put a dated marker under each body heading that a version's `sections` names: the body's text stays as it was."""
    current = scope_set.current
    for v_index, version in enumerate(scope_set.versions):
        for index, title in enumerate(version.sections):
            if version is current:
                continue
            mark = components.VersionMark(
                title, version.id, version.label, version.status, version.until, current.id, current.label
            )
            if not components.mark_heading(body, title, mark):
                problems.warn(
                    doc.path,
                    doc.line("franceconnect", "versions", v_index, "sections", index),
                    f"franceconnect.versions[{v_index}].sections[{index}]: aucun titre « {title} » dans le"
                    " corps de la fiche",
                    "dangling section",
                )
    return body


def _dangling_trees(markups: list, trees: dict, problems: Problems) -> None:
    shown = 0  # characters of trees the fiche's pages would hold
    for markup in markups:
        for ref in markup.tree_refs if markup else []:
            if not question_trees.resolve(trees, ref):
                problems.warn(
                    ref.path,
                    ref.line,
                    f"QuestionTree : arbre « {ref.tree} » / question « {ref.question} » "
                    "introuvable dans question-trees/ ; remplacé par le lien DataPass de l'API",
                    "dangling question tree",
                )
            shown += question_trees.weight(trees, ref)
            if shown > question_trees.MAX_CHARS:
                problems.error(
                    ref.path,
                    ref.line,
                    f"QuestionTree : les arbres de questions affichés par cette fiche"
                    f" dépasseraient {question_trees.MAX_CHARS // 1_000_000} millions de caractères (chaque chemin"
                    " répète ses réponses) ; raccourcissez les réponses ou affichez l'arbre moins souvent",
                    "limit",
                )
                return


def _producer(doc: Document, problems: Problems, context) -> Producer | None:
    producer = PRODUCER.clean(doc.meta, (), doc, problems)
    if producer is MISSING:
        return None
    producer.slug, producer.source = doc.slug, doc.path
    if doc.body.strip():
        producer.body = components.parse(doc.body, doc.path, doc.body_line, problems, context)
    _dangling_trees([producer.body], context.trees, problems)
    return producer


# Device names Windows reserves whatever the extension: `con.html` can be neither written nor served there.
RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def content_files(
    folder: Path, extensions: tuple[str, ...], problems: Problems, root: Path | None = None
) -> list[Path]:
    """The files of one content folder that become pages, with every other entry reported.

    A file's slug is its name without the extension, and must be a plain slug: `x.v2.md`,
    `#x.md` or `.x.md` would give a wrong or empty URL. Slugs are unique ignoring case,
    since `Foo` and `foo` are one page on a case-insensitive disk or server.
    """
    if not folder.is_dir():
        return []
    root = root or folder.parent
    if not inside(folder, root):
        problems.error(
            folder, 1, "dossier lié hors du dossier de contenu (lien symbolique) : ignoré sans être lu", "io"
        )
        return []
    used: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        name = path.name
        stem, dot, ext = name.rpartition(".")
        if not inside(path, root):
            # Git stores links: a pull request could publish any file of the machine that builds the site.
            problems.error(
                path, 1, "lien symbolique vers l'extérieur du dossier de contenu : ignoré sans être lu", "io"
            )
        elif path.is_dir():
            problems.warn(path, 1, "sous-dossier ignoré : le contenu est lu à plat", "unused file")
        elif name.endswith(".example"):
            problems.warn(path, 1, "modèle pour contributeurs, ignoré", "unused file")
        elif not dot or f".{ext.lower()}" not in extensions:
            problems.warn(
                path, 1, f"fichier ignoré : seuls les fichiers {', '.join(extensions)} sont lus ici", "unused file"
            )
        elif f".{ext}" not in extensions:
            problems.error(
                path, 1, f"extension « .{ext} » : renommez le fichier en « {stem}.{ext.lower()} »", "file name"
            )
        elif stem.lower() in RESERVED_NAMES:
            problems.error(
                path,
                1,
                f"nom de fichier « {name} » : {stem} est un nom réservé sous Windows, où le site ne"
                " pourrait être ni extrait ni servi ; choisissez-en un autre",
                "file name",
            )
        elif not SLUG.fullmatch(stem):
            problems.error(
                path,
                1,
                f"nom de fichier « {name} » : il devient l'adresse de la page ; lettres, chiffres,"
                " « - » et « _ » seulement, sans point ni espace",
                "file name",
            )
        elif (other := used.get(naming.fold(stem))) is not None:
            problems.error(
                path,
                1,
                f"même adresse que {other.name} (la casse et l'extension ne comptent pas) : renommez l'un des deux",
                "file name",
            )
        else:
            used[naming.fold(stem)] = path
    return sorted(used.values())


def load(content_dir: Path, problems: Problems, iframe_hosts=components.IFRAME_HOSTS, jobs: int = 1) -> Catalogue:
    """The content folder as a catalogue; with `jobs` > 1, the API files are read and checked in that many
    processes, each on its own (what relates one to another is checked here, after)."""
    content_dir = Path(content_dir)
    if not (content_dir / "api").is_dir():
        problems.error(content_dir, 1, "dossier de contenu sans sous-dossier `api/`", "layout")
        return Catalogue(apis={}, producers={}, trees={}, themes=[])
    trees = question_trees.load_trees(
        content_files(content_dir / "question-trees", (".yml", ".yaml"), problems, content_dir), problems
    )
    context = components.Context(trees=trees, iframe_hosts=tuple(iframe_hosts))

    producers: dict[str, Producer] = {}
    for path in content_files(content_dir / "producteurs", (".md",), problems, content_dir):
        doc = problems.guard(path, read, path, problems)
        if doc and (producer := problems.guard(path, _producer, doc, problems, context)):
            producers[producer.slug] = producer

    apis: dict[str, Api] = {}
    paths = content_files(content_dir / "api", (".md",), problems, content_dir)
    for doc, api, found in workers.shared(functools.partial(_read_api, context), paths, jobs):
        problems.items += found
        if doc is None:
            continue
        producer = api.producer if api else doc.meta.get("producer")  # a failed file keeps its data
        if isinstance(producer, str) and producer not in producers and SLUG.fullmatch(producer):
            problems.error(
                doc.path,
                doc.line("producer"),
                f"producer: aucun fichier producteurs/{producer}.md",
                "dangling producer",
            )
        if api is not None:
            apis[api.slug] = api
            _link(api, producers, problems)
    _related(apis, problems)
    _titles(apis, problems)
    themes = _themes(apis, problems)
    roles = audiences.load(content_dir, problems)
    for api in apis.values():
        audiences.unmapped(api, roles, problems)
        audiences.pair(api, roles, problems)
        api.conditions = audiences.conditions(api.access.audiences, roles)
    return Catalogue(apis=apis, producers=producers, trees=trees, themes=themes, audiences=roles)


def _read_api(context: components.Context, path: Path) -> tuple[Document | None, Api | None, list]:
    """One API file, read and checked alone, with its problems."""
    problems = Problems()
    doc = problems.guard(path, read, path, problems)
    api = problems.guard(path, _api, doc, problems, context) if doc else None
    if doc:
        doc.forget_lines()
    if api:
        doc.forget_data()
    return doc, api, problems.items


def _titles(apis: dict[str, Api], problems: Problems) -> None:
    """Two APIs a reader could take for one another: same title once look-alike letters and invisibles are folded."""
    first: dict[str, Api] = {}
    for api in sorted(apis.values(), key=lambda a: a.slug):
        key = characters.skeleton(api.title)
        other = first.setdefault(key, api)
        if other is not api and other.title != api.title:  # the same title is no trick: a look-alike one is
            problems.warn(
                api.source,
                api.doc.line("title"),
                f"title: « {api.title} » se confond avec le titre de"
                f" « {other.slug} » (« {other.title} ») : un lecteur les prendrait l'une pour l'autre",
                "deceptive",
            )


def _related(apis: dict[str, Api], problems: Problems) -> None:
    """A related slug in another case than the file's would quietly link out of the site."""
    folded = {slug.lower(): slug for slug in apis}
    for api in apis.values():
        for index, other in enumerate(api.related):
            slug = other.slug
            if slug not in apis and slug.lower() in folded:
                problems.error(
                    api.source,
                    api.doc.line("related", index, "slug"),
                    f"related[{index}].slug: « {slug} » :"
                    f" la fiche s'appelle « {folded[slug.lower()]} » (la casse compte dans les adresses)",
                    "value",
                )


def _link(api: Api, producers: dict, problems: Problems) -> None:
    api.owner = producers.get(api.producer)
    if api.owner is not None:
        api.owner.apis.append(api)
    where = ("access", "partners") if api.declares("partners") else ("partners",)
    api.access.partners = _partners(api, api.access.partners, where, producers, problems)
    for partner in api.access.partners:
        if not isinstance(partner, str):
            partner.partner_of.append(api)
    if api.history:
        api.history.partners = _partners(api, api.history.partners, ("partners",), producers, Problems())


def _partners(api: Api, names: list, where: tuple, producers: dict, problems: Problems) -> list:
    """Producer files where they exist; other names are shown unlinked, with a warning."""
    out = []
    for index, name in enumerate(names):
        partner = producers.get(name)
        if partner is None:
            problems.warn(
                api.source,
                api.doc.line(*where, index),
                f"{'.'.join(where)}[{index}]: « {name} » n'a pas de fichier producteurs/ ; affiché sans lien",
                "partner without producer",
            )
        out.append(partner or name)
    return out


def _themes(apis: dict[str, Api], problems: Problems) -> list[str]:
    """Themes spelt several ways are folded into their most common spelling, with a warning."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    for api in apis.values():
        for theme in api.themes:
            spellings[characters.skeleton(theme)][theme] += 1
    canonical = {key: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for key, c in spellings.items()}
    for api in apis.values():
        fixed = []
        for index, theme in enumerate(api.themes):
            best = canonical[characters.skeleton(theme)]
            if theme != best:
                problems.warn(
                    api.source,
                    api.doc.line("themes", index),
                    f"themes[{index}]: « {theme} » est écrit « {best} » ailleurs ; lu comme « {best} »",
                    "theme spelling",
                )
            if best not in fixed:
                fixed.append(best)
        api.themes = fixed
    return sorted(canonical.values(), key=naming.fold)


def content_epoch(catalogue: Catalogue) -> int:
    """A build date taken from the content (newest `last_update`), so two builds are byte-identical."""
    newest = EPOCH_FLOOR
    for api in catalogue.apis.values():
        date = update_date(api.last_update)
        if date is not None:
            newest = max(newest, date)
    return int(newest.timestamp())


EPOCH_FLOOR = _dt.datetime(2020, 1, 1, tzinfo=_dt.UTC)
EPOCH_CEILING = _dt.datetime(2100, 1, 1, tzinfo=_dt.UTC)  # gzip stores a 32-bit mtime (2106)


def update_date(text) -> _dt.datetime | None:
    """`last_update` as a date, in the formats the corpora use, or None."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return _dt.datetime.strptime(str(text or ""), fmt).replace(tzinfo=_dt.UTC)
        except ValueError:
            continue
    return None
