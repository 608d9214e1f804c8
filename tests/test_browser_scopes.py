"""The scope chooser in Chromium: same results as the Python model, URL round trip, copy, reset, axe."""

import itertools
import json

import pytest

from generator import model
from generator.problems import Problems

from conftest import CONTENT, axe, build, every_choice, rules_in_page, seed_content, serve, steady_context

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
        "version": page.eval_on_selector_all("input[name=version]:checked", "els => els.map(e => e.value)"),
        "scope": page.locator('[data-output="scope"]').inner_text(),
        "preview": json.loads(preview.inner_text()) if preview.count() else None,
        "note": page.locator('[data-output="answer-note"]').inner_text() if preview.count() else None,
        "warnings": page.locator('[data-output="warnings"] li').all_inner_texts(),
    }


def test_v3_is_what_a_developer_sees_first(page, server, declared):
    open_chooser(page, server + SCOPES)
    assert axe(page) == []
    got = state(page)
    assert got["version"] == ["v3"] and got["checked"] == []
    assert page.locator('[data-output="endpoint"]').inner_text().startswith("GET https://particulier.api.gouv.fr/v3/")
    page.locator("label", has_text="étudiant aujourd'hui").click()
    got = state(page)
    case = next(c for c in declared.current.use_cases if c.id == "statut-etudiant")
    assert got["checked"] == ["mesri_admissions", "mesri_admission_inscrit"] == declared.current.resolve(case.scopes)
    assert got["scope"] == (
        "openid given_name family_name birthdate gender birthplace birthcountry "
        "mesri_admissions mesri_admission_inscrit"
    )
    assert got["preview"] == declared.current.answer(case.scopes)["body"]
    assert declared.current.authorize_url(case.scopes) == page.locator('[data-output="url"]').inner_text()
    assert page.url.endswith("?cas=statut-etudiant&scopes=mesri_admissions,mesri_admission_inscrit")
    assert axe(page) == []


@pytest.mark.parametrize("version_id", ["v3", "v2"])
def test_the_page_rules_equal_the_model_for_every_choice(page, server, declared, version_id):
    """scopes.js's rule functions against scopes.Version, every subset of scopes, in one page load."""
    version = declared.version(version_id)
    open_chooser(page, server + SCOPES)
    choices = every_choice([s.id for s in version.scopes])
    for ids, got in zip(choices, rules_in_page(page, version_id, choices), strict=True):
        assert got["checked"] == version.resolve(ids), ids
        assert got["scope"] == version.scope_string(ids) and got["url"] == version.authorize_url(ids), ids
        assert got["answer"] == version.answer(ids), ids
        assert got["warnings"] == version.warnings(ids), ids


@pytest.mark.parametrize("version_id", ["v3", "v2"])
def test_widget_shows_what_the_rules_give(page, server, declared, version_id):
    """The form wires the rules: a link opens on a choice, and the page shows the model's answer for it."""
    version = declared.version(version_id)
    ids = [s.id for s in version.scopes]
    suffix = "" if version.current else f"version={version_id}&"
    for combo in every_choice(ids, sizes=(0, 1, len(ids))):
        open_chooser(page, server + SCOPES + "?" + suffix + "scopes=" + ",".join(combo))
        got = state(page)
        assert got["version"] == [version_id]
        assert got["checked"] == version.resolve(combo), combo
        assert got["scope"] == version.scope_string(combo)
        answer = version.answer(combo)
        assert got["preview"] == answer["body"], combo
        assert answer["note"] in got["note"], combo
        assert got["warnings"] == version.warnings(combo), combo


def test_sub_scope_ticks_its_base_and_says_so(page, server):
    open_chooser(page, server + SCOPES)
    page.check("input[value=mesri_admission_commune_etudes]")
    got = state(page)
    assert got["checked"] == ["mesri_admissions", "mesri_admission_commune_etudes"]
    assert "cochés ensemble" in got["warnings"][0]
    page.check("input[value=mesri_admission_inscrit]")  # the explanation stays while the choice holds
    assert "cochés ensemble" in state(page)["warnings"][0]
    page.uncheck("input[value=mesri_admissions]")  # a sub-scope never stands alone
    assert state(page)["checked"] == []


def test_old_links_open_the_version_they_name(page, server, declared):
    open_chooser(page, server + SCOPES + "?scopes=mesri_admission,mesri_etablissements")
    got = state(page)
    assert got["version"] == ["v2"] and got["checked"] == ["mesri_admission", "mesri_etablissements"]
    assert page.locator(".chooser-retired").is_visible()
    assert (
        page.locator('[data-output="endpoint"]').inner_text().startswith("GET https://particulier.api.gouv.fr/api/v2/")
    )
    assert "version=v2" in page.url
    assert axe(page) == []


def test_unknown_ids_are_named_and_use_cases_restored(page, server):
    open_chooser(page, server + SCOPES + "?scopes=mesri_admissions,mesri_admission_inscrit,mesri_nimporte")
    unknown = page.locator('[data-output="unknown"]')
    assert unknown.is_visible() and "mesri_nimporte" in unknown.inner_text()
    assert page.is_checked("#uc-v3-statut-etudiant") and not page.is_checked("#uc-v3-etudiants-admis")
    alias = "mesri_admission_etablissement_etude"  # FranceConnect's spelling reads as the same scope
    open_chooser(page, server + SCOPES + f"?scopes={alias}")
    assert state(page)["checked"] == ["mesri_admissions", "mesri_admission_etablissement_etudes"]
    assert any("orthographe" in w for w in state(page)["warnings"])


def test_switching_version_keeps_the_page_coherent(page, server, declared):
    open_chooser(page, server + SCOPES)
    page.check("input[value=mesri_admissions]")
    page.check("#version-choice-v2")
    got = state(page)
    assert got["checked"] == [] and got["scope"] == declared.version("v2").scope_string([])
    assert "version=v2" in page.url
    page.check("input[value=mesri_admission]")
    assert state(page)["preview"] == declared.version("v2").answer(["mesri_admission"])["body"]
    page.check("#version-choice-v3")
    assert "version" not in page.url and state(page)["checked"] == []


def test_paste_box_applies_the_choice_to_a_real_response(page, server, declared):
    """A staging-like response written here at random, not copied from the expectations."""
    import random

    rng = random.Random(7)
    admissions = [
        {
            "date_debut": f"202{rng.randint(0, 5)}-09-01",
            "date_fin": f"202{rng.randint(6, 9)}-08-31",
            "est_inscrit": rng.random() < 0.5,
            "regime_formation": {"libelle": "x", "code": f"RF{rng.randint(1, 7)}"},
            "code_cog_insee_commune": f"{rng.randint(1000, 95999):05d}",
            "etablissement_etudes": {"uai": f"{rng.randint(0, 9999999):07d}X", "nom": "Établissement"},
        }
        for _ in range(4)
    ]
    response = {
        "data": {
            "identite": {"nom_naissance": "Martin", "prenom": "Léa", "date_naissance": "2001-02-03"},
            "admissions": admissions,
        },
        "links": {},
        "meta": {},
    }
    open_chooser(page, server + SCOPES + "?scopes=mesri_admissions,mesri_admission_commune_etudes,mesri_identite")
    page.click(".chooser-paste > summary")
    page.fill('[data-input="record"]', json.dumps(response))
    ids = ["mesri_admissions", "mesri_admission_commune_etudes", "mesri_identite"]
    expected = declared.current.answer(ids, response["data"])["body"]
    page.wait_for_function(
        "document.querySelector('[data-output=preview]').textContent.includes('Martin') === false && "
        f"document.querySelector('[data-output=preview]').textContent.includes({admissions[0]['code_cog_insee_commune']!r})"
    )
    assert state(page)["preview"] == expected
    assert "identite" not in expected["data"] and all(
        set(a) == {"date_debut", "date_fin", "code_cog_insee_commune"} for a in expected["data"]["admissions"]
    )
    before = state(page)["preview"]
    page.fill('[data-input="record"]', "{pas du json")
    assert page.locator('[data-output="record-error"]').inner_text()
    assert page.get_attribute('[data-input="record"]', "aria-invalid") == "true"
    assert state(page)["preview"] == before  # invalid JSON changes nothing else
    assert axe(page) == []
    page.click("[data-record-reset]")
    assert state(page)["preview"] == declared.current.answer(ids)["body"]


def test_toString_and_friends_are_plain_fields(page, server, declared):
    open_chooser(page, server + SCOPES + "?scopes=mesri_admissions")
    page.click(".chooser-paste > summary")
    record = {"admissions": [{"date_debut": "2024-01-01", "toString": 1}], "constructor": 2}
    page.fill('[data-input="record"]', json.dumps(record))
    page.wait_for_function("document.querySelector('[data-output=preview]').textContent.includes('2024-01-01')")
    assert state(page)["preview"] == declared.current.answer(["mesri_admissions"], record)["body"]


def test_url_round_trip_copy_and_reset(browser, server, declared):
    context = steady_context(browser, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    open_chooser(page, server + SCOPES)
    page.check("input[value=mesri_admission_regime_formation]")
    assert page.url.endswith("?scopes=mesri_admissions,mesri_admission_regime_formation")
    page.reload()
    page.wait_for_selector("[data-scope-chooser][data-ready]")
    assert state(page)["checked"] == ["mesri_admissions", "mesri_admission_regime_formation"]

    page.click("[data-copy=scope]")
    page.wait_for_function("document.querySelector('[data-output=status]').textContent.includes('Copié')")
    assert page.evaluate("navigator.clipboard.readText()") == declared.current.scope_string(
        ["mesri_admission_regime_formation"]
    )

    page.click("[data-reset]")
    page.wait_for_function("!location.search.includes('scopes')")
    got = state(page)
    assert got["checked"] == [] and got["scope"] == declared.current.scope_string([])
    context.close()


def test_warnings_in_plain_french(page, server):
    open_chooser(page, server + SCOPES + "?version=v2&scopes=mesri_etablissements")
    warnings = state(page)["warnings"]
    assert any("Aucune inscription ne sera renvoyée" in w for w in warnings)
    assert any("L114-8" in w for w in warnings)
    assert "404" in state(page)["note"]
    assert page.locator('[data-output="warnings"]').get_attribute("aria-live") == "polite"
    page.check("input[value=mesri_identifiant]")
    assert any("INE" in w for w in state(page)["warnings"])
    assert axe(page) == []


def test_keyboard_and_use_case_untick(page, server):
    open_chooser(page, server + SCOPES)
    page.focus("#uc-v3-statut-etudiant")
    page.keyboard.press("Space")
    assert state(page)["checked"] == ["mesri_admissions", "mesri_admission_inscrit"]
    assert page.locator("[data-output=status]").inner_text().startswith("2 scopes choisis")
    page.keyboard.press("Space")
    assert state(page)["checked"] == []
    page.focus("input[value=mesri_admission_regime_formation]")
    page.keyboard.press("Space")
    assert state(page)["scope"].endswith(" mesri_admissions mesri_admission_regime_formation")


def test_works_after_instant_navigation(page, server):
    """The fiche does not load the chooser's file; the page that holds the chooser loads it, once."""
    scripts = []
    page.on("request", lambda request: scripts.append(request.url.rsplit("/", 1)[-1]))
    page.goto(server + "les-api/api-statut-etudiant/")
    page.wait_for_load_state("networkidle")
    assert "widgets.js" in scripts and "scopes.js" not in scripts and "funnel.js" not in scripts
    page.click(".api-access >> text=Choisir les scopes FranceConnect")
    page.wait_for_selector("[data-scope-chooser][data-ready]")
    assert page.evaluate("!!window.document$")
    assert scripts.count("scopes.js") == 1
    page.check("input[value=mesri_admissions]")
    assert state(page)["scope"].endswith(" mesri_admissions")


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


def status_of(page) -> int:
    note = page.locator('[data-output="answer-note"]').inner_text()
    return int(note.split("HTTP ", 1)[1].split(".")[0])


@pytest.mark.parametrize("version_id", ["v3", "v2"])
def test_the_status_is_production_s_for_every_choice(page, server, declared, version_id):
    """No data scope over FranceConnect is a 403, no enrolment kept in V2 a 404: never an empty 200."""
    version = declared.version(version_id)
    ids = [s.id for s in version.scopes]
    suffix = "" if version.current else f"version={version_id}&"
    for size in (0, 1):
        for combo in itertools.combinations(ids, size):
            open_chooser(page, server + SCOPES + "?" + suffix + "scopes=" + ",".join(combo))
            answer = version.answer(combo)
            assert status_of(page) == answer["status"], combo
            assert state(page)["preview"] == answer["body"], combo
    assert declared.current.answer([])["status"] == 403 and declared.version("v2").answer([])["status"] == 404


def paste(page, value) -> None:
    """Paste as a person does (clipboard, then Ctrl+V), so the page sees a real paste."""
    page.evaluate("text => navigator.clipboard.writeText(text)", value if isinstance(value, str) else json.dumps(value))
    page.locator('[data-input="record"]').focus()
    page.keyboard.press("ControlOrMeta+A")  # over what was there, in one input event
    page.keyboard.press("ControlOrMeta+V")


@pytest.fixture
def clipboard_page(browser):
    context = steady_context(browser, permissions=["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    yield pg
    context.close()


def test_the_paste_box_recognises_errors_and_other_versions(clipboard_page, server, declared):
    page = clipboard_page
    open_chooser(page, server + SCOPES + "?cas=statut-etudiant")
    page.click(".chooser-paste > summary")
    unknown = {
        "errors": [
            {
                "code": "25003",
                "title": "Aucun étudiant n'a pu être trouvé.",
                "detail": "…",
                "source": None,
                "meta": {"provider": "MESRI"},
            }
        ]
    }
    paste(page, unknown)
    page.wait_for_function("document.querySelector('[data-output=answer-note]').textContent.startsWith('HTTP 404')")
    assert state(page)["preview"] == unknown  # shown as that error, whatever the scopes
    page.uncheck("input[value=mesri_admission_inscrit]")
    assert status_of(page) == 404 and state(page)["preview"] == unknown

    v2_body = {"nom": "Dupont", "prenom": "Jean", "inscriptions": [{"statut": "admis", "regime": "formation initiale"}]}
    paste(page, v2_body)
    error = page.locator('[data-output="record-error"]')
    error.wait_for(state="visible")
    assert "version V2" in error.inner_text() and state(page)["preview"] == unknown  # nothing changed
    page.locator("[data-switch]").click()
    assert state(page)["version"] == ["v2"]
    page.check("input[value=mesri_admission]")
    assert state(page)["preview"] == declared.version("v2").answer(["mesri_admission"], v2_body)["body"]

    page.check("#version-choice-v3")
    paste(page, {"data": {"autre_chose": []}})
    page.wait_for_function(
        "document.querySelector('[data-output=record-error]').textContent.includes('forme attendue')"
    )
    deep = {
        "data": {
            "admissions": [{"date_debut": "2025-09-01", "date_fin": "2026-08-31", "x": json.loads("[" * 60 + "]" * 60)}]
        }
    }
    paste(page, deep)  # deeply nested but valid: read, never called invalid
    page.wait_for_function("!document.querySelector('[data-output=record-error]').textContent")
    assert (
        state(page)["preview"]
        == declared.current.answer(["mesri_admissions"] if state(page)["checked"] else [], deep["data"])["body"]
    )
    before = state(page)["preview"]
    for deeper in ('{"data": {"admissions": [' + "[" * 300 + "]" * 300 + "]}}", "[" * 200_000 + "]" * 200_000):
        paste(page, deeper)  # valid JSON past what the page reads, or past the engine's stack: never called invalid
        page.wait_for_function("document.querySelector('[data-output=record-error]').textContent.includes('imbriqué')")
        assert "pas du JSON valide" not in page.locator('[data-output="record-error"]').inner_text()
        assert state(page)["preview"] == before
    page.check("input[value=mesri_admission_regime_formation]")  # the address shares what the page shows
    shared = page.evaluate("new URLSearchParams(location.search).get('scopes')").split(",")
    assert shared == state(page)["checked"]
    assert axe(page) == []


def test_on_a_phone_the_paste_result_is_in_view(browser, server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        reduced_motion="reduce",
        permissions=["clipboard-read", "clipboard-write"],
    )
    page = context.new_page()
    open_chooser(page, server + SCOPES + "?scopes=mesri_admissions")
    page.click(".chooser-paste > summary")
    box = page.locator('[data-input="record"]')
    form_width = page.locator("[data-scope-chooser]").evaluate("e => e.getBoundingClientRect().width")
    assert box.evaluate("e => e.getBoundingClientRect().width") >= form_width - 40  # full width
    paste(page, {"data": {"admissions": [{"date_debut": "2025-09-01", "date_fin": "2026-08-31"}]}})
    page.wait_for_function("document.querySelector('[data-output=preview]').textContent.includes('2025-09-01')")
    top = page.locator('[data-output="preview"]').evaluate("e => e.getBoundingClientRect().top")
    assert 0 <= top < page.viewport_size["height"]
    context.close()


def test_a_use_case_filter_runs_on_today(clipboard_page, server, declared):
    page = clipboard_page
    open_chooser(page, server + SCOPES + "?version=v3&cas=statut-etudiant")
    assert page.is_checked("#uc-v3-statut-etudiant") and not page.is_checked("#uc-v3-etudiants-admis")
    today = page.evaluate(
        "(() => { const d = new Date(); return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0')"
        " + '-' + String(d.getDate()).padStart(2, '0'); })()"
    )
    case = next(c for c in declared.current.use_cases if c.id == "statut-etudiant")
    verdict = page.locator('[data-output="filter"] [data-use-case="statut-etudiant"]')
    expected = declared.current.filter_result(case, today)
    assert verdict.get_attribute("data-passes") == ("true" if expected["passes"] else "false")
    year = int(today[:4])
    running = {"date_debut": f"{year - 1}-01-01", "date_fin": f"{year + 1}-12-31", "est_inscrit": True}
    record = {"data": {"admissions": [{**running, "est_inscrit": False}, running]}, "links": {}, "meta": {}}
    page.click(".chooser-paste > summary")
    paste(page, record)
    page.wait_for_function("document.querySelector('[data-output=filter] [data-use-case]').dataset.passes === 'true'")
    assert declared.current.filter_result(case, today, record["data"])["entries"] == [False, True]
    assert "(n° 2)" in verdict.inner_text()
    assert axe(page) == []


def test_old_links_lead_forward(page, server, declared):
    open_chooser(page, server + SCOPES + "?scopes=mesri_admission")
    assert state(page)["version"] == ["v2"]
    forward = page.locator('[data-output="forward"]')
    assert forward.is_visible() and "remplacé en V3" in forward.inner_text()
    assert axe(page) == []
    page.locator("[data-forward]").click()
    admitted = next(c for c in declared.current.use_cases if c.id == "etudiants-admis")
    got = state(page)
    assert got["version"] == ["v3"] and got["checked"] == declared.current.resolve(admitted.scopes)
    assert page.is_checked("#uc-v3-etudiants-admis") and "cas=etudiants-admis" in page.url

    open_chooser(page, server + SCOPES + "?version=v3&scopes=mesri_admission,mesri_admissions")
    notes = page.locator('[data-output="unknown"]')
    assert "version V2" in notes.inner_text() and "inconnu" not in notes.inner_text()
    assert state(page)["checked"] == ["mesri_admissions"]
    notes.get_by_role("button", name="Ouvrir la version V2").click()
    assert state(page)["version"] == ["v2"] and state(page)["checked"] == ["mesri_admission"]


@pytest.mark.parametrize(
    "query",
    [
        "scopes=mesri_admissions+mesri_admission_inscrit",
        "scopes=mesri_admissions%20mesri_admission_inscrit",
        "scopes=mesri_admissions&scopes=mesri_admission_inscrit",
        "scopes=openid,given_name,identite_pivot,mesri_admissions,mesri_admission_inscrit",
    ],
)
def test_links_are_read_as_people_write_them(page, server, query):
    open_chooser(page, server + SCOPES + "?" + query)
    assert state(page)["checked"] == ["mesri_admissions", "mesri_admission_inscrit"]
    notes = (
        page.locator('[data-output="unknown"]').inner_text()
        if page.locator('[data-output="unknown"]').is_visible()
        else ""
    )
    assert "ignoré" not in notes
    if "openid" in query:
        assert "toujours envoyés" in notes


def test_an_unknown_version_is_named(page, server):
    open_chooser(page, server + SCOPES + "?version=v9&scopes=mesri_admissions")
    notes = page.locator('[data-output="unknown"]')
    assert "« v9 » n'existe pas" in notes.inner_text() and state(page)["version"] == ["v3"]
    assert state(page)["checked"] == ["mesri_admissions"]
