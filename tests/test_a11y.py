"""axe-core (WCAG 2.1 A/AA) on every page type of the project's site, and the on-demand embed."""

import pytest

from conftest import axe, search, steady_context

pytestmark = pytest.mark.browser

PAGES = [
    "",
    "les-api/",
    "eligibilite/?public=company_and_association",
    "les-api/api-statut-etudiant/",
    "producteurs/mesri/",
    "producteurs/renater/",
    "les-api/api-statut-etudiant/demande-acces/#une-entreprise",
    "les-api/api-statut-etudiant/scopes/?scopes=mesri_admission_inscrit",
    "les-api/api-statut-etudiant/scopes/?version=v2&scopes=mesri_admission",
    "les-api/api-statut-etudiant-boursier/",
    "les-api/api-statut-etudiant-boursier/demande-acces/#une-administration",
    "les-api/api-statut-etudiant-boursier/scopes/?cas=tarif-transport-boursiers",
    "les-api/api-statut-etudiant-boursier/scopes/?version=v3&scopes=cnous_statut_boursier",
    "producteurs/cnous/",
    "les-api/?texte=zzz",
    "404.html",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violation(page, server, path):
    page.goto(server + path)
    page.wait_for_load_state("load")
    assert axe(page) == []


def test_search_dialog_has_no_violation(page, server):
    page.goto(server + "les-api/api-statut-etudiant/")
    assert search(page, "inscription")
    assert page.locator(".md-search-result__meta").count() == 1
    assert axe(page) == []
    page.hover(".md-search-result__item >> nth=0")  # the hovered result has its own background
    assert axe(page) == []


def test_embed_loads_only_on_demand(page, server):
    requested = []
    page.route(
        "**/*",
        lambda route: (
            (requested.append(route.request.url), route.abort())
            if "127.0.0.1" not in route.request.url
            else route.continue_()
        ),
    )
    page.goto(server + "les-api/api-statut-etudiant/")
    page.wait_for_load_state("load")
    assert requested == [] and page.locator("iframe").count() == 0
    page.click("[data-embed-load]")
    frame = page.locator("[data-embed-frame] iframe")
    assert frame.count() == 1 and frame.get_attribute("title")
    assert frame.get_attribute("src").startswith("https://data.enseignementsup-recherche.gouv.fr/")


NEEDS_SCRIPT = (
    "[data-catalogue-filters], [data-scope-chooser], [data-copy], [data-embed-load], [data-record-reset], "
    "[data-eligibility-roles]"
)


@pytest.mark.parametrize(
    "path",
    [
        "les-api/",
        "eligibilite/",
        "les-api/api-statut-etudiant/",
        "les-api/api-statut-etudiant/scopes/",
        "les-api/api-statut-etudiant/demande-acces/",
    ],
)
def test_without_javascript_no_control_is_inert(browser, server, path):
    """Whatever needs a script is out of sight without one; what the static page shows works."""
    context = steady_context(browser, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server + path)
        visible = [
            el.evaluate("e => e.outerHTML.slice(0, 80)") for el in page.locator(NEEDS_SCRIPT).all() if el.is_visible()
        ]
        assert visible == [], visible
        if path == "les-api/api-statut-etudiant/":
            assert page.locator("[data-embed] a.external-link").is_visible()  # the embed is still reachable
    finally:
        context.close()
