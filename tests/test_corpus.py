"""The real api.gouv.fr corpora build: every API, funnel, scope and producer page, the index and the exports."""

import json
import logging
import re
from collections import Counter

import pytest
from selectolax.lexbor import LexborHTMLParser

from generator import model
from generator.problems import Problems
from generator.reading import read

from conftest import CORPUS, axe, build, serve

pytestmark = pytest.mark.slow  # real builds of the two corpora

SNAPSHOTS = ["api.gouv.fr-2022-09", "api.gouv.fr-2026-01"]


def corpus_dir(name):
    folder = CORPUS / name / "_data"
    if not folder.is_dir():
        pytest.skip(f"corpus {folder} is absent: the real-content tests need ../shared/corpus/")
    return folder


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


BUILD_LOGS = {}


@pytest.fixture(scope="module", params=SNAPSHOTS)
def corpus_site(request, tmp_path_factory):
    folder = corpus_dir(request.param)
    site = tmp_path_factory.mktemp(request.param) / "site"
    records = _Records()
    logging.getLogger("mkdocs").addHandler(records)
    try:
        assert build(folder, site) == 0
    finally:
        logging.getLogger("mkdocs").removeHandler(records)
    BUILD_LOGS[request.param] = records.messages
    return folder, site


def test_navigation_stays_the_same_size_whatever_the_catalogue(corpus_site):
    """Past NAV_LIMIT APIs, the nav leads to the catalogue page, which links every API and their producers: a page
    does not grow with the catalogue. The build says nothing about the nav."""
    folder, site = corpus_site
    assert not [m for m in BUILD_LOGS[folder.parent.name] if "nav" in m.lower()]
    catalogue = LexborHTMLParser((site / "les-api" / "index.html").read_text())
    listed = {a.attributes["href"] for a in catalogue.css(".api-item__title a[href]")}
    assert listed == {f"../les-api/{path.stem}/" for path in folder.glob("api/*.md")}
    producers = {a.attributes["href"] for a in catalogue.css(".api-item__producer a[href]")}
    assert producers and all(href.startswith("../producteurs/") for href in producers)
    for path in list(folder.glob("api/*.md"))[:20]:
        page = LexborHTMLParser((site / "les-api" / path.stem / "index.html").read_text())
        nav = [a.attributes["href"] for a in page.css(".md-nav--primary a.md-nav__link[href]")]
        assert len(nav) <= 6 and "../" in nav, (path.stem, nav)  # the catalogue page, one level up


def test_the_catalogue_and_the_eligibility_page_apply_one_rule(corpus_site):
    """Who sees an API under a profile is decided once, in Python (audiences.listed): the catalogue's data says it,
    and /eligibilite/ counts the open APIs it does not list by name."""
    from generator import audiences

    folder, site = corpus_site
    catalogue = model.load(folder, Problems())
    roles = list(catalogue.audiences.roles)
    page = LexborHTMLParser((site / "les-api" / "index.html").read_text())
    for item in page.css(".api-item"):
        slug = item.css_first(".api-item__title a").attributes["href"].rstrip("/").rsplit("/", 1)[-1]
        api = catalogue.apis[slug]
        assert item.attributes["data-listed"].split() == [r for r in roles if audiences.listed(api, r)], slug
    eligibility = LexborHTMLParser((site / "eligibilite" / "index.html").read_text())
    for role in roles:
        open_to_all = sum(audiences.answer(api, role) == "open" for api in catalogue.apis.values())
        note = eligibility.css_first(f"section#{role} .eligibility-open")
        assert (note is not None) == bool(open_to_all)
        if note:
            assert f"Et {open_to_all} API en accès libre" in note.text()


def test_every_file_gets_its_pages(corpus_site):
    folder, site = corpus_site
    files = sorted(p for p in (folder / "api").glob("*.md"))
    assert len(files) in (126, 170)
    with_access = [p for p in files if read(p, Problems()).meta.get("access_page")]
    for path in files:
        assert (site / "les-api" / path.stem / "index.html").is_file(), path
    funnels = list((site / "les-api").glob("*/demande-acces/index.html"))
    assert len(funnels) == len(with_access)
    producers = list((folder / "producteurs").glob("*.md"))
    assert len(list((site / "producteurs").glob("*/index.html"))) == len(producers)
    assert not list((site / "les-api").glob("*.md.example*"))
    apis = json.loads((site / "api" / "v1" / "apis.json").read_text())
    assert len(apis) == len(files)
    assert {a["openness"] for a in apis} == {"open", "semi_open", "closed"}
    assert all(
        set(a)
        == {
            "title",
            "tagline",
            "path",
            "slug",
            "openness",
            "owner",
            "owner_acronym",
            "logo",
            "datagouv_uuid",
            "datapass_link",
            "access",
        }
        for a in apis
    )
    assert not any("since" in a["access"] or "history" in a["access"] for a in apis)  # no file declares `access`


def test_lists_written_as_api_gouv_fr_wrote_them_are_lists(corpus_site):
    """A list right after a line of text, or nested by two spaces, is a list in CommonMark, which api.gouv.fr's
    renderer followed: no paragraph of an API's body holds list lines as text (Python-Markdown left 28 pages of
    the 2026 corpus and 10 of 2022 so)."""
    _, site = corpus_site
    collapsed = [
        path.parent.name
        for path in sorted((site / "les-api").glob("*/index.html"))
        if any(
            re.search(r"(^|\n)[-*+] \S", p.text(deep=True))
            for p in LexborHTMLParser(path.read_text()).css(".api-body p")
        )
    ]
    assert not collapsed


def test_scope_pages_where_scopes_are_found():
    folder = corpus_dir("api.gouv.fr-2022-09")
    catalogue = model.load(folder, Problems())
    with_scopes = sorted(slug for slug, api in catalogue.apis.items() if api.scopes)
    assert with_scopes == ["api-statut-etudiant", "api-statut-etudiant-boursier"]
    ids = [s.id for s in catalogue.apis["api-statut-etudiant-boursier"].scopes.current.scopes]
    assert ids[:2] == ["cnous_statut_boursier", "cnous_echelon_bourse"]


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_warnings_not_errors(name):
    problems = Problems()
    model.load(corpus_dir(name), problems)
    assert not problems.errors, [str(p) for p in problems.errors]
    kinds = Counter(p.category for p in problems.warnings)
    assert kinds["dangling question tree"] > 0 and kinds["partner without producer"] > 0
    assert kinds["malformed tag"] == 1  # <External href"https://..."> in api_carto_cadastre.md
    malformed = next(p for p in problems.warnings if p.category == "malformed tag")
    assert malformed.path.endswith("api_carto_cadastre.md") and malformed.line == 39


def test_catalogue_index(corpus_site):
    folder, site = corpus_site
    doc = LexborHTMLParser((site / "les-api" / "index.html").read_text())
    items = doc.css(".api-list .api-item")
    assert len(items) == len(list((folder / "api").glob("*.md")))
    badges = Counter(node.text().strip() for node in doc.css(".api-item .badge"))
    assert badges["Accès libre"] and badges["Compte nécessaire"] and badges["Habilitation nécessaire"]
    assert badges["Compatible FranceConnect"] + badges["FranceConnect obligatoire"] > 0
    for item in items:
        assert item.css_first(".api-item__title a") and item.css_first(".api-item__tagline")
        assert item.css_first(".api-item__producer").text().strip()


def test_search_is_french(corpus_site):
    _, site = corpus_site
    index = json.loads((site / "search" / "search_index.json").read_text())
    assert index["config"]["lang"] == ["fr"]


@pytest.mark.browser
def test_catalogue_filters_in_the_browser(corpus_site, page):
    _, site = corpus_site
    srv = serve(site)
    base = f"http://127.0.0.1:{srv.server_address[1]}/les-api/"
    try:
        page.goto(base)
        page.wait_for_selector("[data-catalogue-filters][data-ready]")
        total = page.locator(".api-item").count()

        def visible():
            return page.locator(".api-item:not([hidden])")

        assert visible().count() == total
        page.fill("#filtre-texte", "etudiant statut")  # accent-insensitive, every term must match
        titles = visible().locator(".api-item__title").all_inner_texts()
        assert any(t.startswith("API Statut") for t in titles) and len(titles) < total
        folded = visible().evaluate_all(
            "els => els.map(e => e.dataset.search.normalize('NFD').replace(/[\\u0300-\\u036f]/g, '').toLowerCase())"
        )
        assert all("etudiant" in text and "statut" in text for text in folded)
        assert "texte=etudiant+statut" in page.url
        page.fill("#filtre-texte", "")
        page.select_option("#filtre-acces", "open")
        assert 0 < visible().count() < total
        assert visible().locator(".badge--closed").count() == 0
        page.check("#filtre-fc")
        fc_count = visible().count()
        assert visible().locator(".badge--fc").count() == fc_count
        shared = page.url
        page.goto(shared)
        page.wait_for_selector("[data-catalogue-filters][data-ready]")
        assert visible().count() == fc_count and page.is_checked("#filtre-fc")
        page.select_option("#filtre-acces", "")
        page.uncheck("#filtre-fc")
        theme = page.locator("#filtre-theme option").nth(1).get_attribute("value")
        page.select_option("#filtre-theme", theme)
        assert 0 < visible().count() < total
        assert axe(page) == []
    finally:
        srv.shutdown()


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_schema_and_check_agree(name):
    """Whatever the shipped schema rejects in a real file, `check` reports on the same field; and a file
    the schema accepts gets no error from `check` (warnings with fallbacks may remain)."""
    import jsonschema

    from generator import schema

    folder = corpus_dir(name)
    problems = Problems()
    model.load(folder, problems)
    validator = jsonschema.Draft202012Validator(schema.api_schema())
    disagreements, rejected = [], 0
    for path in sorted(folder.glob("api/*.md")):
        doc = read(path, Problems())
        reported = [p for p in problems.items if p.path.endswith(f"/api/{path.name}")]
        errors = list(validator.iter_errors(json.loads(json.dumps(doc.meta, default=str))))
        rejected += bool(errors)
        for error in errors:
            field = str(error.absolute_path[0]) if error.absolute_path else ""
            if not any(p.message.startswith(field) for p in reported):
                disagreements.append(f"{path.name}: {list(error.absolute_path)} {error.message[:80]}")
        if not errors and any(p.severity == "error" for p in reported):
            disagreements.append(f"{path.name}: check refuses what the schema accepts")
    assert disagreements == []
    assert rejected  # real files do break the format: the comparison is not empty
