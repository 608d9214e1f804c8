"""/eligibilite/ and the catalogue's profile filter in Chromium: the choice is kept in the URL."""

import pytest

from conftest import axe

pytestmark = pytest.mark.browser


def visible_sections(page) -> list[str]:
    return page.eval_on_selector_all("section.eligibility-role", "els => els.filter(e => !e.hidden).map(e => e.id)")


def test_a_profile_from_the_url_shows_its_section_only(page, server):
    page.goto(server + "eligibilite/?public=private")
    page.wait_for_selector("[data-eligibility-roles]:not([hidden])")
    assert visible_sections(page) == ["private"]
    assert page.get_by_role("radio", name="Particulier").is_checked()
    page.get_by_role("radio", name="Collectivité et Administration").check()
    assert visible_sections(page) == ["local_authority_and_administration"]
    assert page.evaluate("location.search") == "?public=local_authority_and_administration"
    item = page.locator("#local_authority_and_administration [data-api=api-statut-etudiant]")
    assert item.get_attribute("data-condition") == "yes"
    item.get_by_role("link").click()
    page.wait_for_selector("details[data-audience][open]")
    assert (
        page.locator("details[data-audience][open] > summary").inner_text() == "Une administration / Une collectivité"
    )
    page.goto(server + "eligibilite/?public=unknown")
    page.wait_for_selector("[data-eligibility-roles]:not([hidden])")
    assert len(visible_sections(page)) == 5
    assert axe(page) == []


def test_without_javascript_every_profile_is_listed(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "eligibilite/")
    assert len(visible_sections(page)) == 5 and not page.locator("[data-eligibility-roles]").is_visible()
    context.close()


def test_the_catalogue_filters_by_profile_and_says_the_answer(page, server):
    page.goto(server + "les-api/?public=private")
    page.wait_for_selector("[data-catalogue-filters]:not([hidden])")
    assert page.locator(".api-item:not([hidden])").count() == 0  # individuals cannot use it
    page.select_option("#filtre-public", "company_and_association")
    assert "public=company_and_association" in page.evaluate("location.search")
    assert page.locator(".api-item:not([hidden])").count() == 0  # companies: no, since 2024-02-13
    page.select_option("#filtre-public", "local_authority_and_administration")
    cards = page.locator(".api-item:not([hidden])")
    assert cards.count() == 2  # both APIs answer administrations: yes
    assert cards.locator("[data-condition]").all_inner_texts() == ["Profil choisi : Oui"] * 2


@pytest.mark.parametrize("query, count", [("INE", 1), ("inscrite", 1), ("universite", 1), ("étudiant", 2)])
def test_the_text_filter_reads_keywords_and_taglines(page, server, query, count):
    page.goto(server + "les-api/")
    page.wait_for_selector("[data-catalogue-filters]:not([hidden])")
    page.fill("#filtre-texte", query)
    assert page.locator(".api-item:not([hidden])").count() == count
    page.fill("#filtre-texte", query + " zzz")
    assert page.locator(".api-item:not([hidden])").count() == 0
