"""The scope chooser in Chromium: same results as the Python model, URL round trip, copy, reset, axe."""

import itertools
import json

import pytest

from conftest import CONTENT, axe, build, seed_content, serve, steady_context

from generator import model
from generator.problems import Problems

pytestmark = pytest.mark.browser

SCOPES = "les-api/api-statut-etudiant/scopes/"


@pytest.fixture(scope="module")
def declared():
    return model.load(CONTENT, Problems()).apis["api-statut-etudiant"].scopes


def open_chooser(page, url):
    page.goto(url)
    page.wait_for_selector("[data-scope-chooser][data-ready]")


def state(page):
    preview = page.locator('[data-output="preview"]')
    return {
        "checked": page.eval_on_selector_all("input[name=scope]:checked", "els => els.map(e => e.value)"),
        "scope": page.locator('[data-output="scope"]').inner_text(),
        "preview": json.loads(preview.inner_text()) if preview.count() else None,
        "warnings": page.locator('[data-output="warnings"] li').all_inner_texts(),
    }


def test_use_case_gives_the_exact_scope_string_and_preview(page, server, declared):
    open_chooser(page, server + SCOPES)
    assert axe(page) == []
    page.locator("label", has_text="étudiants dans mon département").click()
    got = state(page)
    case = next(c for c in declared.use_cases if c.id == "etudiants-departement")
    assert sorted(got["checked"]) == sorted(case.scopes)
    assert got["scope"] == ("openid given_name family_name birthdate gender birthplace birthcountry "
                            "mesri_inscription_etudiant mesri_inscription_autre mesri_etablissements")
    assert got["preview"] == declared.preview(case.scopes)
    assert "scopes=" in page.url
    assert declared.authorize_url(case.scopes) == page.locator('[data-output="url"]').inner_text()
    assert axe(page) == []


def test_widget_matches_the_model_for_every_choice(page, server, declared):
    ids = [s.id for s in declared.scopes]
    for size in range(len(ids) + 1):
        for combo in itertools.combinations(ids, size):
            open_chooser(page, server + SCOPES + "?scopes=" + ",".join(combo))
            got = state(page)
            assert sorted(got["checked"]) == sorted(combo)
            assert got["scope"] == declared.scope_string(combo)
            assert got["preview"] == declared.preview(combo), combo
            assert got["warnings"] == declared.warnings(combo), combo


def test_url_round_trip_copy_and_reset(browser, server, declared):
    context = steady_context(browser, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    open_chooser(page, server + SCOPES)
    page.check("input[value=mesri_admission]")
    page.check("input[value=mesri_etablissements]")
    assert page.url.endswith("?scopes=mesri_admission,mesri_etablissements")
    page.reload()
    page.wait_for_selector("[data-scope-chooser][data-ready]")
    assert sorted(state(page)["checked"]) == ["mesri_admission", "mesri_etablissements"]

    page.click("[data-copy=scope]")
    page.wait_for_function("document.querySelector('[data-output=status]').textContent.includes('Copié')")
    assert page.evaluate("navigator.clipboard.readText()") == declared.scope_string(["mesri_admission", "mesri_etablissements"])

    page.click("[data-reset]")
    page.wait_for_function("!location.search.includes('scopes')")
    got = state(page)
    assert got["checked"] == [] and got["scope"] == declared.scope_string([])
    context.close()


def test_warnings_in_plain_french(page, server, declared):
    open_chooser(page, server + SCOPES + "?scopes=mesri_etablissements")
    warnings = state(page)["warnings"]
    assert any("Aucune inscription ne sera retournée" in w for w in warnings)
    assert any("L114-8" in w for w in warnings)
    assert page.locator('[data-output="warnings"]').get_attribute("aria-live") == "polite"
    page.check("input[value=mesri_identifiant]")
    assert any("INE" in w for w in state(page)["warnings"])
    assert axe(page) == []


def test_keyboard_and_use_case_untick(page, server):
    open_chooser(page, server + SCOPES)
    page.focus("#uc-etudiants-admis")
    page.keyboard.press("Space")
    assert state(page)["checked"] == ["mesri_admission"]
    assert page.locator("[data-output=status]").inner_text().startswith("1 scope choisi")
    page.keyboard.press("Space")
    assert state(page)["checked"] == []
    page.focus("input[value=mesri_inscription_autre]")
    page.keyboard.press("Space")
    assert state(page)["scope"].endswith(" mesri_inscription_autre")


def test_works_after_instant_navigation(page, server):
    page.goto(server + "les-api/api-statut-etudiant/")
    page.click("aside >> text=Choisir les scopes FranceConnect")
    page.wait_for_selector("[data-scope-chooser][data-ready]")
    assert page.evaluate("!!window.document$")
    page.check("input[value=mesri_admission]")
    assert state(page)["scope"].endswith(" mesri_admission")


def test_fallback_chooser_on_the_unmodified_seed(page, tmp_path_factory):
    root = tmp_path_factory.mktemp("seed")
    assert build(seed_content(root / "content"), root / "site") == 0
    srv = serve(root / "site")
    try:
        open_chooser(page, f"http://127.0.0.1:{srv.server_address[1]}/{SCOPES}")
        page.check("input[value=mesri_inscription_etudiant]")
        got = state(page)
        assert got["scope"].endswith(" mesri_inscription_etudiant") and got["preview"] is None
        assert axe(page) == []
    finally:
        srv.shutdown()
