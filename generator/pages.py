"""Step 3 of the pipeline: turn the catalogue into pages and JSON exports.

Nothing here needs MkDocs: every page is a source path, a title, an HTML body rendered by
our own autoescaping templates, and TOC tokens. The plugin hands them to MkDocs.
"""

from __future__ import annotations

import datetime as _dt
import functools
import html
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import markupsafe
import orjson

from . import addresses, audiences, components, datagouv, naming, schema, workers
from .components import Embed, NextSteps, RelatedMark, TreeRef, VersionMark
from .links import Links
from .model import Api, Catalogue, Producer, content_files, published_label
from .problems import Problems
from .trees import resolve, retired

TEMPLATES = Path(__file__).resolve().parent / "templates"
OVERRIDES = "api-catalogue"  # a host's custom_dir may hold its own versions of our templates in this folder
# An audience's condition → (CSS modifier, the answer as the funnel says it, the same in the past tense, icon).
VERDICTS = {
    "yes": ("eligible", "Oui, vous êtes éligible", "vous étiez éligible", "✅"),
    "under_condition": (
        "maybe",
        "Sous condition : vous êtes peut-être éligible",
        "vous étiez peut-être éligible",
        "🤔",
    ),
    "no": ("ineligible", "Non, vous n'êtes pas éligible", "vous n'étiez pas éligible", "⛔"),
}
HIDE = {
    "home": ["toc"],
    "api": ["navigation"],
    "access": ["navigation", "toc"],
    "scopes": ["navigation"],
    "catalogue": ["toc"],
    "producer": ["toc"],
}
ACCESS = {
    "open": ("Accès libre", "Cette API est ouverte : aucune démarche n'est nécessaire."),
    "semi_open": ("Compte nécessaire", "Il faut créer un compte pour utiliser cette API."),
    "closed": ("Habilitation nécessaire", "L'accès est réservé aux organismes habilités, sur demande."),
}


@dataclass(kw_only=True)
class Page:
    kind: str  # a page kind of addresses.PAGES: where the page lives, which sidebars it hides
    slug: str = ""  # the API's or producer's, for the kinds that have one
    title: str
    html: str | bytes  # bytes, UTF-8, only from site(utf8=True): see there
    toc: list = field(default_factory=list)
    description: str = ""
    anchor: str = ""  # the h1's id: the TOC's root, and the theme's "Aller au contenu" target
    search: list | None = None  # what `index` (see site()) made of the HTML, where the page was rendered

    @property
    def src(self) -> str:
        """The Markdown source path MkDocs sees, e.g. "les-api/x/index.md"."""
        return addresses.source(self.kind, self.slug)

    @property
    def hide(self) -> list[str]:
        """Theme sidebars this page type does without: API pages need the width for their own columns."""
        return HIDE.get(self.kind, [])

    def toc_tokens(self) -> list[dict]:
        """The TOC rooted at the h1, as the theme expects; a page without sections still gets its skip link."""
        tokens = (
            [{"level": 1, "id": self.anchor, "name": self.title, "children": self.toc}] if self.anchor else self.toc
        )
        return _escaped(tokens)


def _escaped(tokens: list) -> list:
    """The theme prints TOC names as HTML: each is escaped exactly once, whether it came from content (a version's
    label, a role's) or from Markdown (which may have escaped it already)."""
    return [
        {
            **token,
            "name": str(markupsafe.escape(html.unescape(token["name"]))),
            "children": _escaped(token.get("children", [])),
        }
        for token in tokens
    ]


# Around each block a template marks `data-search-exclude`: the search index skips the block, and its parser need
# not read it either (on the scopes page, more than half the HTML).
SEARCH_OFF, SEARCH_ON = "<!--search:off-->", "<!--search:on-->"


def searchable(html: str) -> str:
    """The page as the search index reads it: without the blocks it excludes anyway, each from its SEARCH_OFF to
    the first SEARCH_ON after it. Found with str.find: a regular expression's lazy `.*?` tried the end marker at
    every character of the block (0.5 ms an API's pages, a tenth of their sections)."""
    kept, at = [], 0
    while (start := html.find(SEARCH_OFF, at)) >= 0 and (end := html.find(SEARCH_ON, start + len(SEARCH_OFF))) >= 0:
        kept.append(html[at:start])
        at = end + len(SEARCH_ON)
    kept.append(html[at:])
    return "".join(kept)


@functools.cache
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept from one build to the next, in Jinja's private folder of the system's temporary
    directory: compiling ours and the theme's is a third of a small site's build. A template whose source changed
    is compiled again (Jinja checks a checksum). None where no safe folder can be had."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


def environment(custom_dir: Path | None = None, directory_urls: bool = True) -> jinja2.Environment:
    """Our templates, each of which a host site may override from `<custom_dir>/api-catalogue/`.
    `directory_urls` is MkDocs' use_directory_urls: how links between pages are written."""
    folders = [custom_dir / OVERRIDES] if custom_dir else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in [*folders, TEMPLATES]]),
        autoescape=True,  # every front-matter string is escaped; only our renderers' output is marked safe
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        bytecode_cache=bytecode_cache(),
        auto_reload=False,  # a build makes its own environment: a template need not be checked on every use
    )
    env.globals["address"] = addresses.page
    env.globals["published_label"] = published_label
    env.globals.update(
        answer=audiences.answer,
        listed=audiences.listed,
        ANSWER_LABELS={**audiences.CONDITION_LABELS, "open": audiences.OPEN_LABEL},
    )
    env.globals.update(
        VERDICTS=VERDICTS, ACCESS=ACCESS, CONDITION_LABELS=audiences.CONDITION_LABELS, directory_urls=directory_urls
    )
    env.filters["slug"] = naming.slugify
    env.filters["date_fr"] = date_fr
    env.filters["join_fr"] = join_fr
    env.filters["condition_text"] = condition_text
    env.filters["file_kind"] = _file_kind
    env.filters["uptime_level"] = lambda v: "good" if v >= 98 else ("medium" if v >= 90 else "bad")
    env.filters["percent"] = lambda v: (f"{v:.2f}".rstrip("0").rstrip(".")).replace(".", ",") + " %"
    return env


MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def join_fr(items, last: str = "et") -> str:
    """["V3", "V2"] → "V3 ou V2"; three or more take commas: "V3, V2 ou V1"."""
    items = [str(item) for item in items]
    return f" {last} ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def date_fr(iso: str) -> str:
    """2024-02-13 → 13 février 2024 (the 1st is « 1er »); anything else is shown as it is."""
    year, _, rest = str(iso).partition("-")
    month, _, day = rest.partition("-")
    if not (year.isdigit() and month.isdigit() and day.isdigit() and 1 <= int(month) <= 12):
        return str(iso)
    return f"{'1er' if int(day) == 1 else int(day)} {MONTHS[int(month) - 1]} {year}"


def condition_text(condition: dict) -> str:
    """A use case's filter condition as an integrator would write it."""
    if "dates" in condition:
        start, end = condition["dates"]
        return f"{start} ≤ jour ≤ {end}"
    field = condition.get("field", "")
    if "equals" in condition:
        return f"{field} = {json.dumps(condition['equals'], ensure_ascii=False)}"
    if "in" in condition:
        return f"{field} ∈ {{{', '.join(json.dumps(v, ensure_ascii=False) for v in condition['in'])}}}"
    if condition.get("present"):
        return f"{field} renvoyé"
    return field


def _file_kind(url: str) -> str:
    """Says when a link opens a raw file rather than a page."""
    path = url.split("?")[0].split("#")[0].lower()
    for ext, kind in ((".yml", "YAML"), (".yaml", "YAML"), (".json", "JSON")):
        if path.endswith(ext):
            return f" (fichier {kind})"
    return ""


class Renderer:
    """Renders Markup and block components for one page (links are relative to it)."""

    def __init__(self, env: jinja2.Environment, catalogue: Catalogue, depth: int, api: Api | None = None):
        self.env = env
        self.catalogue = catalogue
        self.api = api  # the API the page is about: components such as NextSteps adapt to it
        self.links = Links(
            "../" * depth, catalogue.apis.keys(), catalogue.producers.keys(), env.globals["directory_urls"]
        )
        self.ids = itertools.count()  # form ids stay unique when a page shows several trees

    def markup(self, markup, history: bool = False) -> str:
        """`history`: the text is shown as dated history, so its question trees are shown as they were published."""
        return self.markup_with_toc(markup, history)[0]

    def markup_with_toc(self, markup, history: bool = False):
        block = functools.partial(self.block, history=True) if history else self.block
        return components.render(markup, self.links, block, self.inline)

    def inline(self, component: components.Inline, closing: bool) -> str:
        """The component's HTML, before sanitising: its href is mapped onto the site by the sanitiser's filter."""
        return self.env.get_template("inline.html").render(component=component, href=component.href, closing=closing)

    def block(self, block, history: bool = False) -> str:
        if isinstance(block, NextSteps):
            return self.env.get_template("next_steps.html").render(step=block, api=self.api)
        if isinstance(block, Embed):
            return self.env.get_template("embed.html").render(embed=block)
        if isinstance(block, RelatedMark):
            other = self.catalogue.apis.get(block.slug)
            return self.env.get_template("related_mark.html").render(
                href=self.href("/" + addresses.page("api", block.slug)), title=other.title if other else block.title
            )
        if isinstance(block, VersionMark):
            return self.env.get_template("version_mark.html").render(mark=block, api=self.api, r=self)
        if isinstance(block, TreeRef):
            question = resolve(self.catalogue.trees, block)
            if question is None:
                route = self.api.access.route if self.api else None  # the API's own request form, today's
                fallback = route.href if route else None
                return self.env.get_template("datapass_fallback.html").render(
                    link=fallback and self.links.href(fallback)
                )
            tree = self.catalogue.trees[block.tree]
            # A question that no longer holds is folded as dated history, after the one that replaces it.
            dated = not history and retired(question, today())
            return self.env.get_template("question_tree.html").render(
                tree=tree,
                question=question,
                dated=dated,
                replacement=tree.questions.get(question.replaced_by) if dated else None,
                uid=self.next_id(),
                r=self,
            )
        return ""

    def next_id(self) -> str:
        return f"qt{next(self.ids)}"

    def url(self, path: str) -> str:
        return self.links.page(path)

    def href(self, url: str) -> str:
        """A front-matter URL, with the content's site-absolute paths mapped onto this site."""
        return self.links.href(url) or "#"


def _render(env, name: str, **context) -> str:
    return env.get_template(name).render(**context)


def _notices(r: Renderer, api: Api) -> list:
    return [(notice, r.markup(notice.text)) for notice in api.notices]


STATUS_SHORT = {"deprecated": "dépréciée", "retired": "retirée"}


def _marked_toc(toc: list, body) -> list:
    """A heading that carries a version marker says so in the table of contents too (escaped: the theme prints it)."""
    marks = {naming.slugify(block.heading): block for block in body.blocks if isinstance(block, VersionMark)}
    for token in toc:
        mark = marks.get(token.get("id"))
        if mark:
            token["name"] = (
                f"{token['name']} ({mark.label}, {STATUS_SHORT.get(mark.status, '')})"  # escaped with the rest
            )
        _marked_toc(token.get("children", []), body)
    return toc


def api_page(env, catalogue: Catalogue, api: Api) -> Page:
    r = Renderer(env, catalogue, 2, api)
    body, toc = r.markup_with_toc(api.body)
    toc = _marked_toc(toc, api.body)
    intro = r.markup(api.intro) if api.intro else ""
    details = {key: r.markup(markup) for key, markup in api.details.items()}
    html = _render(env, "api.html", api=api, body=body, intro=intro, details=details, r=r, notices=_notices(r, api))
    return Page(
        kind="api", slug=api.slug, title=api.title, html=html, toc=toc, description=api.tagline, anchor=api.slug
    )


def access_page(env, catalogue: Catalogue, api: Api) -> Page:
    r = Renderer(env, catalogue, 3, api)
    audiences = [
        (
            audience,
            r.markup(audience.text),
            [(entry, r.markup(entry.description, history=True)) for entry in audience.history],
        )
        for audience in api.access.audiences
    ]
    unpaired = [(e, r.markup(e.description, history=True)) for e in api.history.unpaired] if api.history else []
    html = _render(env, "access.html", api=api, audiences=audiences, unpaired=unpaired, r=r, notices=_notices(r, api))
    title = f"Demande d'habilitation {api.title}"
    return Page(kind="access", slug=api.slug, title=title, html=html, description=api.tagline, anchor="demande-acces")


def scopes_sections(scope_set) -> dict[str, str]:
    """The scopes page's h2s, id → title, in page order: the template prints them, the TOC lists them."""
    several = len(scope_set.versions) > 1
    sections = {"choisir": "Choisir ses scopes", "comment": "Comment les scopes s'appliquent"}
    for version in scope_set.ordered:
        sections[f"version-{version.id}"] = (
            f"Version {version.label} ({version.status_label})" if several else "Les scopes"
        )
    if scope_set.migration():
        old = join_fr([v.label for v in scope_set.older], "ou")
        sections["migration"] = f"Passer de {old} à {scope_set.current.label}"
    return sections


def today() -> str:
    """The day a use case's filter is evaluated on for pages read without JavaScript: the build's."""
    return _dt.date.today().isoformat()


def scopes_page(env, catalogue: Catalogue, api: Api) -> Page:
    r = Renderer(env, catalogue, 3, api)
    scope_set = api.scopes
    sections = scopes_sections(scope_set)
    day = today()
    results = {
        f"{v.id}/{case.id}": v.filter_result(case, day) for v in scope_set.versions for case in v.use_cases if case.rule
    }
    html = _render(
        env,
        "scopes.html",
        api=api,
        scopes=scope_set,
        data=_script_json(scope_set.to_json()),
        r=r,
        notices=_notices(r, api),
        sections=sections,
        results=results,
    )
    toc = [{"level": 2, "id": anchor, "name": name, "children": []} for anchor, name in sections.items()]
    title = f"Scopes FranceConnect – {api.title}"
    return Page(kind="scopes", slug=api.slug, title=title, html=html, toc=toc, description=api.tagline, anchor="scopes")


def producer_page(env, catalogue: Catalogue, producer: Producer) -> Page:
    r = Renderer(env, catalogue, 2)
    body = r.markup(producer.body) if producer.body else ""
    html = _render(env, "producer.html", producer=producer, body=body, r=r)
    return Page(
        kind="producer",
        slug=producer.slug,
        title=producer.name,
        html=html,
        description=producer.short,
        anchor="producteur",
    )


def catalogue_page(env, catalogue: Catalogue) -> Page:
    r = Renderer(env, catalogue, 1)
    apis = sorted(catalogue.apis.values(), key=lambda a: naming.slugify(a.title))
    roles = catalogue.audiences.roles if catalogue.describes_audiences else {}
    html = _render(env, "catalogue.html", apis=apis, themes=catalogue.themes, roles=roles, r=r)
    description = "Toutes les API du catalogue"
    return Page(kind="catalogue", title="Les API", html=html, description=description, anchor="les-api")


def problems_banner(env, problems) -> str:
    """The content's problems as a box for the top of every page (`mkdocs serve` only)."""
    return _render(
        env, "problems.html", problems=problems.sorted(), errors=len(problems.errors), warnings=len(problems.warnings)
    )


def unreadable_pages(env, content: Path, catalogue: Catalogue, problems: Problems) -> list[Page]:
    """Under `mkdocs serve`, an API file that could not be read still has its page: the problems box, not a 404."""
    out = []
    for path in content_files(content / "api", (".md",), Problems()):
        if path.stem not in catalogue.apis:
            mine = [p for p in problems.sorted() if Path(p.path).name == path.name]
            html = _render(env, "unreadable.html", path=path, problems=mine)
            out.append(Page(kind="api", slug=path.stem, title=path.stem, html=html, anchor=path.stem))
    return out


class RenderError(Exception):
    """A page that could not be rendered, named by its content file (`check` should have caught it).
    Its one argument is the message, so that it crosses from a worker process intact."""


def _guard(source: Path, render, *args) -> Page:
    try:
        return render(*args)
    except (RecursionError, ValueError, OverflowError, jinja2.TemplateError) as exc:
        raise RenderError(f"{source}:1: la page n'a pas pu être produite ({exc.__class__.__name__})") from exc


def eligibility_page(env, catalogue: Catalogue) -> Page:
    """Every role, every API that describes its publics, with the condition for that role."""
    r = Renderer(env, catalogue, 1)
    apis = sorted(catalogue.apis.values(), key=lambda a: naming.slugify(a.title))
    rows = {
        role: sorted(
            ((api, *api.conditions[role]) for api in apis if role in api.conditions),
            key=lambda row: audiences.RANK[row[1]],
        )
        for role in catalogue.audiences.roles
    }
    # The catalogue's rule: an API open to all is listed for every profile it does not describe.
    open_to_all = {
        role: sum(audiences.answer(api, role) == "open" for api in apis) for role in catalogue.audiences.roles
    }
    html = _render(env, "eligibility.html", roles=catalogue.audiences.roles, rows=rows, open_to_all=open_to_all, r=r)
    toc = [
        {"level": 2, "id": role, "name": spec.label, "children": []} for role, spec in catalogue.audiences.roles.items()
    ]
    description = "Les API du catalogue que chaque profil peut demander"
    return Page(
        kind="eligibility", title="Qui êtes-vous ?", html=html, toc=toc, description=description, anchor="eligibilite"
    )


def home_page(env, catalogue: Catalogue, site_name: str, site_description: str, featured: str | None) -> Page:
    """The home page, when the host's docs have none: it links only to pages this content produces."""
    r = Renderer(env, catalogue, 0)
    counts = {
        "apis": len(catalogue.apis),
        "access": sum(1 for a in catalogue.apis.values() if a.access.audiences),
        "scopes": sum(1 for a in catalogue.apis.values() if a.scopes),
        "producers": len(catalogue.producers),
    }
    html = _render(
        env,
        "home.html",
        site_name=site_name,
        site_description=site_description,
        featured=catalogue.apis.get(featured or ""),
        counts=counts,
        r=r,
    )
    return Page(kind="home", title="Accueil", html=html, description=site_description, anchor="accueil")


def pages(catalogue: Catalogue, env: jinja2.Environment | None = None, **options) -> list[Page]:
    """Every page the content makes, without the exports: site()'s pages, with the same options."""
    return site(catalogue, env, **options, site_url=None)[0]


def site(
    catalogue: Catalogue,
    env: jinja2.Environment | None = None,
    *,
    home: bool = False,
    site_name: str = "",
    site_description: str = "",
    featured: str | None = None,
    jobs: int = 1,
    index=None,
    site_url: str | None = "",
    utf8: bool = False,
) -> tuple[list[Page], dict[str, str | bytes]]:
    """Every page and export file the content makes; no export file when `site_url` is None (see exports()).
    With `jobs` > 1, the work is shared among that many processes in one pass: each API's pages and files, each
    producer's page, and the catalogue-wide pages and files, which would otherwise wait for one another on one
    core. `index`, a function of a page's HTML, runs where the page is rendered; its result is the page's `search`.
    With `utf8`, a page or file made in another process keeps its HTML or text as the UTF-8 bytes it crossed as,
    for the caller to decode where it reads it (a file is written as it is): French typography (’, «) makes a str
    two bytes a character, and a build holds every page and file to its end (1.3 GB at 10 000 APIs)."""
    env = env or environment()
    work = [("catalogue", "")]
    if catalogue.describes_audiences:
        work.append(("eligibility", ""))
    if home:
        work.append(("home", ""))
    if site_url is not None:
        work.append(("exports", ""))  # among the longest pieces: early, not last to start
    work += [("api", slug) for slug in catalogue.apis] + [("producer", slug) for slug in catalogue.producers]
    home_text = (site_name, site_description, featured)
    make = functools.partial(_make, env, catalogue, index, home_text, site_url, utf8)
    made = workers.shared(make, work, jobs)
    rendered = [page for made_pages, _ in made for page in made_pages]
    if site_url is None:
        return rendered, {}
    files = dict(made[work.index(("exports", ""))][1])
    api_files = {slug: done for (kind, slug), (_, done) in zip(work, made) if kind == "api"}
    for slug in sorted(api_files):  # in the order of their paths, as exports() writes them
        files.update(api_files[slug])
    files[addresses.export("schema")] = _json(schema.api_schema())
    return rendered, files


def _make(
    env, catalogue: Catalogue, index, home_text: tuple, site_url: str | None, utf8: bool, work: tuple
) -> tuple[list, dict]:
    """One piece of site()'s work: its pages, with their search sections, and its files."""
    kind, slug = work
    files = {}
    if kind == "api":
        made = _pages_of_api(env, catalogue, slug)
        if site_url is not None:
            files = _api_exports(catalogue, slug)
    elif kind == "producer":
        producer = catalogue.producers[slug]
        made = [_guard(producer.source, producer_page, env, catalogue, producer)]
    elif kind == "exports":
        made, files = [], _catalogue_exports(catalogue, site_url, Problems())  # `check` reported its problems
    elif kind == "home":
        made = [home_page(env, catalogue, *home_text)]
    else:
        made = [(catalogue_page if kind == "catalogue" else eligibility_page)(env, catalogue)]
    if index is not None:
        for page in made:
            page.search = index(page.html)
    if utf8 and workers.in_worker():
        for page in made:
            page.html = page.html.encode()
        files = {path: text.encode() for path, text in files.items()}
    return made, files


def _pages_of_api(env, catalogue: Catalogue, slug: str) -> list[Page]:
    """One API's pages."""
    api = catalogue.apis[slug]
    out = [_guard(api.source, api_page, env, catalogue, api)]
    if api.access.audiences:
        out.append(_guard(api.source, access_page, env, catalogue, api))
    if api.scopes:
        out.append(_guard(api.source, scopes_page, env, catalogue, api))
    return out


# The theme writes the whole nav into every page: listing every API there would make the site grow with the
# square of the catalogue. Past this many, the nav leads to the catalogue page, which lists them all.
NAV_LIMIT = 12


def navigation(catalogue: Catalogue) -> list:
    """The catalogue's nav entries: a page's source path, or a section as (title, entries)."""
    apis = []
    for api in sorted(catalogue.apis.values(), key=lambda a: naming.slugify(a.title)):
        entries = [addresses.source("api", api.slug)]
        if api.access.audiences:
            entries.append(addresses.source("access", api.slug))
        if api.scopes:
            entries.append(addresses.source("scopes", api.slug))
        apis.append((api.title, entries))
    catalogue_page = addresses.source("catalogue")
    sections = [("Les API", [catalogue_page, *apis]) if len(apis) <= NAV_LIMIT else catalogue_page]
    if catalogue.describes_audiences:
        sections.insert(0, addresses.source("eligibility"))
    producers = sorted(catalogue.producers.values(), key=lambda p: naming.slugify(p.name))
    if producers and len(producers) <= NAV_LIMIT:  # else each API's page and the catalogue link to their producer
        sections.append(("Producteurs", [addresses.source("producer", producer.slug) for producer in producers]))
    return sections


def api_summary(api: Api) -> dict:
    """One entry of /api/v1/apis.json, in the shape of api.gouv.fr's /api/v1/apis."""
    producer = api.owner
    return {
        "title": api.title,
        "tagline": api.tagline,
        "path": f"/{api.url}",
        "slug": api.slug,
        "openness": api.openness,
        "owner": producer.name if producer else api.producer,
        "owner_acronym": (producer.acronym if producer else "") or None,
        "logo": (producer.logo if producer else "") or None,
        "datagouv_uuid": api.datagouv_uuid,
        "datapass_link": api.access.route.href if api.access.route else None,  # today's form
        "access": datagouv.access_summary(api),
    }


def load_site(
    content: Path,
    iframe_hosts,
    *,
    site_url: str,
    featured: str | None,
    home: bool,
    config_file: Path,
    jobs: int = 1,
) -> tuple[Catalogue, Problems]:
    """The catalogue and every problem a build reports: the content's, the exports' and the configuration's."""
    from . import model

    problems = Problems()
    catalogue = model.load(content, problems, iframe_hosts, jobs)
    problems.items += site_problems(
        catalogue, site_url=site_url, featured=featured, home=home, config_file=config_file
    ).items
    return catalogue, problems


def site_problems(
    catalogue: Catalogue, *, site_url: str, featured: str | None, home: bool, config_file: Path
) -> Problems:
    """What the build reports beyond the content files (the exports' and the configuration's problems), so that
    `check` reports it too."""
    problems = Problems()
    datagouv.dataservices(catalogue, site_url, problems)
    if home and featured and featured not in catalogue.apis:
        line = _line_of(config_file, "featured:")
        problems.warn(
            config_file,
            line,
            f"featured: « {featured} » n'est pas dans le contenu ; l'accueil n'en met aucune en avant",
            "config",
        )
    return problems


def _line_of(path: Path, needle: str) -> int:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError):
        return 1
    return next((i for i, line in enumerate(lines, 1) if line.strip().startswith(needle)), 1)


def exports(
    catalogue: Catalogue, site_url: str = "", problems: Problems | None = None, jobs: int = 1
) -> dict[str, str]:
    """Static JSON files, keyed by their path in the site. `site_url` makes the data.gouv.fr exports' links
    absolute; what cannot be made absolute is left out, with a warning in `problems`. With `jobs` > 1, each API's
    own files are written in that many processes. A build makes them with its pages, in site()."""
    out = _catalogue_exports(catalogue, site_url, problems if problems is not None else Problems())
    for files in workers.shared(functools.partial(_api_exports, catalogue), sorted(catalogue.apis), jobs):
        out.update(files)
    out[addresses.export("schema")] = _json(schema.api_schema())
    return out


def _catalogue_exports(catalogue: Catalogue, site_url: str, problems: Problems) -> dict[str, str]:
    apis = sorted(catalogue.apis.values(), key=lambda a: a.slug)
    out = {addresses.export("apis"): _json([api_summary(a) for a in apis])}
    bodies = datagouv.dataservices(catalogue, site_url, problems)
    out[addresses.export("dataservices")] = _json(bodies)
    for body in bodies:
        out[addresses.export("dataservice", body["extras"]["apigouv"]["slug"])] = _json(body)
    out[addresses.export("dcat")] = _json(datagouv.dcat(bodies, site_url, catalogue.audiences.roles), sort_keys=True)
    return out


def _api_exports(catalogue: Catalogue, slug: str) -> dict[str, str]:
    api = catalogue.apis[slug]
    out = {addresses.export("api", slug): _json(api_summary(api))}
    if api.scopes:
        out[addresses.export("scopes", slug)] = _json(api.scopes.to_json())
    return out


def _json(data, sort_keys: bool = False) -> str:
    """Indented as json.dumps(data, ensure_ascii=False, indent=2, sort_keys=sort_keys) writes it: an API's scopes
    17 times faster."""
    option = orjson.OPT_INDENT_2 | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    return _json_text(data, option, indent=2, sort_keys=sort_keys) + "\n"


def _script_json(data) -> str:
    """JSON for a page's script: compact (scopes.json is the readable one), in the data's own order, and safe
    inside <script>. 0.05 ms against json.dumps' 0.16 ms for the seed's scopes."""
    text = _json_text(data, 0, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _json_text(data, option: int, **like) -> str:
    """json.dumps(data, ensure_ascii=False, **like)'s text, byte for byte but for how a float's exponent is
    written, by orjson with the matching `option`. What orjson refuses (an integer past 64 bits, a lone surrogate,
    a key that is not a string) goes through json."""
    try:
        return orjson.dumps(data, option=option).decode()
    except orjson.JSONEncodeError:
        return json.dumps(data, ensure_ascii=False, **like)
