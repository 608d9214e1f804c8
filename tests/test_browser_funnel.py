"""The eligibility funnel in Chromium: today's answers first, 2022's as history, question tree, keyboard,
no-JS, deep links, axe."""

import pytest

from conftest import axe, steady_context

pytestmark = pytest.mark.browser

FUNNEL = "les-api/api-statut-etudiant/demande-acces/"
OLD_FORM = 'a[href="https://datapass.api.gouv.fr/api-statut-etudiant"]'
PARTICULIER = 'a[href="https://datapass.api.gouv.fr/api-particulier"]'
ADMIN = "details#une-administration"
TODAY = f"{ADMIN} .audience__today"


def open_funnel(page, server, suffix=""):
    page.goto(server + FUNNEL + suffix)
    page.wait_for_selector("[data-funnel][data-ready]")


def test_administration_path(page, server):
    open_funnel(page, server)
    assert axe(page) == []
    page.click(f"{ADMIN} > summary")
    panel = page.locator(TODAY)
    verdict = panel.locator(".verdict").inner_text()
    assert (
        panel.locator(".verdict strong").inner_text() == "Aujourd'hui : Oui, vous êtes éligible"
        and "13 février 2024" in verdict
    )
    assert panel.locator(".next-steps").is_visible()
    assert "SIRET" in panel.locator(".next-steps").inner_text()
    question = panel.locator(".qt-question__text")
    assert question.is_visible() and "FranceConnect" in question.inner_text()
    assert not panel.locator(PARTICULIER).first.is_visible()
    page.wait_for_function("location.hash === '#une-administration'")  # the toggle event is asynchronous
    assert axe(page) == []

    # Today's route either way: API Particulier, with or without its FranceConnect modality.
    panel.locator("label", has_text="Oui").click()
    button = panel.locator(PARTICULIER).filter(has_text="modalité FranceConnect")
    assert button.is_visible()
    assert axe(page) == []
    panel.locator("label", has_text="Non").click()
    assert (
        not button.is_visible()
        and panel.locator(PARTICULIER).get_by_text("Demander API Particulier", exact=True).is_visible()
    )
    assert page.locator(f"{ADMIN} {OLD_FORM}").count() and not page.locator(f"{ADMIN} {OLD_FORM}").first.is_visible()


def test_2022_answers_are_history_folded_under_today(page, server):
    open_funnel(page, server, "#une-administration")
    history = page.locator(f"{ADMIN} details[data-history]")
    assert history.count() == 1 and not history.evaluate("d => d.open")
    assert "Publié en 2022" in history.locator("summary").inner_text()
    history.locator("summary").click()
    history.locator("label", has_text="Oui").click()
    old_button = history.locator(OLD_FORM)
    assert old_button.is_visible()  # readable as it was published, inside the dated history only
    assert "gardé tel quel" in history.inner_text()
    assert axe(page) == []


@pytest.mark.parametrize(
    "anchor, verdict",
    [
        ("une-entreprise", "Non"),
        ("un-particulier", "Non"),
        ("un-editeur-de-logiciel", "Non"),
        ("une-administration", "Oui"),
    ],
)
def test_a_deep_link_states_todays_answer_in_the_first_screen_on_a_phone(browser, server, anchor, verdict):
    context = browser.new_context(viewport={"width": 390, "height": 844}, reduced_motion="reduce", is_mobile=True)
    page = context.new_page()
    open_funnel(page, server, f"#{anchor}")
    answer = page.locator(f"details#{anchor} .audience__today .verdict strong")
    answer.wait_for(state="visible")
    assert answer.inner_text().strip().startswith(f"Aujourd'hui : {verdict}")
    assert page.evaluate(
        """el => { const r = el.getBoundingClientRect();
                                    return r.top >= 0 && r.bottom <= window.innerHeight; }""",
        answer.element_handle(),
    )
    context.close()


def test_switching_audience_closes_and_resets(page, server):
    open_funnel(page, server)
    page.click(f"{ADMIN} > summary")
    page.locator(TODAY).locator("label", has_text="Oui").click()
    page.click("details#un-particulier > summary")
    assert page.locator("details#un-particulier").evaluate("d => d.open")
    assert not page.locator(ADMIN).evaluate("d => d.open")
    assert not page.locator(f"{TODAY} .qt-question__text").is_visible()
    page.wait_for_function("!document.querySelector('#une-administration input[type=radio]:checked')")
    verdict = page.locator("details#un-particulier .verdict").inner_text()
    assert "Non, vous n'êtes pas éligible" in verdict
    assert page.locator("details#un-particulier .verdict [aria-hidden=true]").count() == 1  # the emoji
    assert axe(page) == []


def _tab_to(page, predicate: str, limit: int = 80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return
    raise AssertionError(f"focus never reached: {predicate}")


def test_keyboard_only(page, server):
    open_funnel(page, server)
    _tab_to(page, "document.activeElement.matches('#une-administration > summary')")
    page.keyboard.press("Enter")
    assert page.locator(ADMIN).evaluate("d => d.open")
    _tab_to(page, "document.activeElement.matches('#une-administration input[type=radio]')")
    page.keyboard.press("Space")
    assert page.locator(TODAY).locator(PARTICULIER).filter(has_text="modalité FranceConnect").is_visible()
    page.keyboard.press("ArrowRight")
    assert page.locator(TODAY).locator(PARTICULIER).get_by_text("Demander API Particulier", exact=True).is_visible()
    _tab_to(page, "document.activeElement.matches('a[href*=\"api-particulier\"]')")
    assert axe(page) == []


def test_without_javascript_everything_is_reachable(browser, server):
    context = steady_context(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(server + FUNNEL)
    html = page.content()
    for verdict in (
        "Aujourd'hui : Oui, vous êtes éligible",
        "Aujourd'hui : Non, vous n'êtes pas éligible",
        "vous étiez peut-être éligible",
    ):
        assert verdict in html
    assert PARTICULIER.split('"')[1] in html
    for summary in page.locator("details[data-audience] > summary").all():
        summary.click()
        assert summary.locator("xpath=..").locator(".verdict").is_visible()
    page.click(f"{ADMIN} > summary") if not page.locator(ADMIN).evaluate("d => d.open") else None
    page.locator(TODAY).locator("label", has_text="Oui").click()
    assert page.locator(TODAY).locator(PARTICULIER).filter(has_text="modalité FranceConnect").is_visible()  # CSS alone
    context.close()


def test_deep_links_and_history(page, server):
    open_funnel(page, server, "#une-administration")
    assert page.locator(ADMIN).evaluate("d => d.open")
    page.keyboard.press("Tab")  # keyboard navigation starts at the fragment's target
    assert page.evaluate("document.activeElement.matches('#une-administration > summary')")
    page.click("details#une-entreprise > summary")
    page.wait_for_function("location.hash === '#une-entreprise'")
    page.go_back()
    page.wait_for_function("document.querySelector('#une-administration').open")
    page.wait_for_function("document.activeElement.matches('#une-administration > summary')")
    assert not page.locator("details#une-entreprise").evaluate("d => d.open")
    page.go_forward()
    page.wait_for_function("document.querySelector('#une-entreprise').open")
    assert not page.locator(ADMIN).evaluate("d => d.open")
