"""axe-core (WCAG 2.1 A/AA) on every page type of the project's site, and the on-demand embed."""

import pytest

from conftest import axe

pytestmark = pytest.mark.browser

PAGES = ["", "les-api/", "les-api/api-statut-etudiant/", "producteurs/mesri/", "producteurs/renater/",
         "les-api/api-statut-etudiant/demande-acces/#une-entreprise", "les-api/api-statut-etudiant/scopes/?scopes=mesri_admission",
         "404.html"]


@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violation(page, server, path):
    page.goto(server + path)
    page.wait_for_load_state("load")
    assert axe(page) == []


def test_search_dialog_has_no_violation(page, server):
    page.goto(server + "les-api/api-statut-etudiant/")
    page.wait_for_load_state("networkidle")
    # The search worker answers once its (French) index is built; type again until it does.
    for _ in range(20):
        page.fill(".md-search__input", "")
        page.type(".md-search__input", "inscription")
        try:
            page.wait_for_selector(".md-search-result__item", timeout=500)
            break
        except Exception:
            continue
    assert page.locator(".md-search-result__item").count() > 0
    assert axe(page) == []
    page.hover(".md-search-result__item >> nth=0")  # the hovered result has its own background
    assert axe(page) == []


def test_embed_loads_only_on_demand(page, server):
    requested = []
    page.route("**/*", lambda route: (requested.append(route.request.url), route.abort())
               if "127.0.0.1" not in route.request.url else route.continue_())
    page.goto(server + "les-api/api-statut-etudiant/")
    page.wait_for_load_state("load")
    assert requested == [] and page.locator("iframe").count() == 0
    page.click("[data-embed-load]")
    frame = page.locator("[data-embed-frame] iframe")
    assert frame.count() == 1 and frame.get_attribute("title")
    assert frame.get_attribute("src").startswith("https://data.enseignementsup-recherche.gouv.fr/")
