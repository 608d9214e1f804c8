"""The eligibility funnel in Chromium: choices, question tree, keyboard, no-JS, deep links, axe."""

import pytest

from conftest import axe, steady_context

pytestmark = pytest.mark.browser

FUNNEL = "les-api/api-statut-etudiant/demande-acces/"
DATAPASS = 'a[href="https://datapass.api.gouv.fr/api-statut-etudiant"]'
PARTICULIER = 'a[href="https://datapass.api.gouv.fr/api-particulier"]'
ADMIN = "details#une-administration"


def open_funnel(page, server, suffix=""):
    page.goto(server + FUNNEL + suffix)
    page.wait_for_selector("[data-funnel][data-ready]")


def test_administration_path(page, server):
    open_funnel(page, server)
    assert axe(page) == []
    page.click(f"{ADMIN} > summary")
    panel = page.locator(f"{ADMIN} .audience__panel")
    assert panel.locator(".verdict").inner_text().strip().endswith("Vous êtes éligible")
    assert panel.locator(".next-steps").is_visible()
    assert "SIRET" in panel.locator(".next-steps").inner_text()
    question = panel.locator(".qt-question__text")
    assert question.is_visible() and "FranceConnect" in question.inner_text()
    assert not panel.locator(DATAPASS).is_visible()
    page.wait_for_function("location.hash === '#une-administration'")  # the toggle event is asynchronous
    assert axe(page) == []

    panel.locator("label", has_text="Oui").click()
    assert panel.locator(DATAPASS).is_visible() and not panel.locator(PARTICULIER).is_visible()
    assert axe(page) == []
    panel.locator("label", has_text="Non").click()
    assert panel.locator(PARTICULIER).is_visible() and not panel.locator(DATAPASS).is_visible()


def test_switching_audience_closes_and_resets(page, server):
    open_funnel(page, server)
    page.click(f"{ADMIN} > summary")
    page.locator(ADMIN).locator("label", has_text="Oui").click()
    page.click("details#un-particulier > summary")
    assert page.locator("details#un-particulier").evaluate("d => d.open")
    assert not page.locator(ADMIN).evaluate("d => d.open")
    assert not page.locator(f"{ADMIN} .qt-question__text").is_visible()
    page.wait_for_function("!document.querySelector('#une-administration input[type=radio]:checked')")
    verdict = page.locator("details#un-particulier .verdict").inner_text()
    assert "Désolé, vous n'êtes pas éligible" in verdict
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
    assert page.locator(f"{ADMIN} {DATAPASS}").is_visible()
    page.keyboard.press("ArrowRight")
    assert page.locator(f"{ADMIN} {PARTICULIER}").is_visible()
    _tab_to(page, "document.activeElement.matches('a[href*=\"api-particulier\"]')")
    assert axe(page) == []


def test_without_javascript_everything_is_reachable(browser, server):
    context = steady_context(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(server + FUNNEL)
    html = page.content()
    for verdict in ("Vous êtes éligible", "Vous êtes peut-être éligible", "Désolé, vous n'êtes pas éligible"):
        assert verdict in html
    assert DATAPASS.split('"')[1] in html and PARTICULIER.split('"')[1] in html
    for summary in page.locator("details[data-audience] > summary").all():
        summary.click()
        assert summary.locator("xpath=..").locator(".verdict").is_visible()
    page.click(f"{ADMIN} > summary") if not page.locator(ADMIN).evaluate("d => d.open") else None
    page.locator(ADMIN).locator("label", has_text="Oui").click()
    assert page.locator(f"{ADMIN} {DATAPASS}").is_visible()  # CSS alone reveals the answer
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
