"""Layouts measured in Chromium, on a phone (390 px) and a desktop (1 280 px): what a reader sees first,
how wide the text is, how tables read, what the search finds. Sizes are the test's own, not TEST_VIEWPORT."""

from __future__ import annotations

import pytest

from conftest import axe, search

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
API = "les-api/api-statut-etudiant/"
GRANT = "les-api/api-statut-etudiant-boursier/"
PAGES = [
    "",
    "les-api/",
    "eligibilite/",
    API,
    API + "demande-acces/",
    API + "scopes/",
    "producteurs/mesri/",
    "404.html",
    GRANT + "demande-acces/",
    GRANT + "scopes/",
]


@pytest.fixture(scope="module")
def contexts(browser):
    made = {}

    def get(size: dict, javascript: bool = True):
        key = (size["width"], javascript)
        if key not in made:
            made[key] = browser.new_context(viewport=size, reduced_motion="reduce", java_script_enabled=javascript)
        return made[key]

    yield get
    for context in made.values():
        context.close()


def open_page(contexts, server, path: str, size: dict, javascript: bool = True):
    page = contexts(size, javascript).new_page()
    page.goto(server + path)
    page.wait_for_load_state("load")
    return page


def top(page, selector: str) -> float:
    """Distance from the top of the document, whatever the scroll position."""
    return page.locator(selector).first.evaluate("e => e.getBoundingClientRect().top + window.scrollY")


def test_on_a_phone_the_request_link_is_on_the_first_screen(contexts, server):
    page = open_page(contexts, server, API, PHONE)
    link = page.get_by_role("link", name="Faire une demande d'accès")
    assert link.is_visible()
    assert link.evaluate("e => e.getBoundingClientRect().top + window.scrollY") <= 1000
    page.close()


@pytest.mark.parametrize("path", [API, API + "scopes/", API + "demande-acces/"])
def test_on_a_desktop_the_reading_column_is_comfortable(contexts, server, path):
    page = open_page(contexts, server, path, DESKTOP)
    column = ".api-body" if path == API else "article"
    assert page.locator(column).first.evaluate("e => e.getBoundingClientRect().width") >= 560
    page.close()


def test_a_wider_screen_does_not_make_the_api_page_longer(contexts, server, browser):
    heights = []
    for width in (1024, 1280, 1920):
        context = browser.new_context(viewport={"width": width, "height": 900}, reduced_motion="reduce")
        page = context.new_page()
        page.goto(server + API)
        heights.append(page.evaluate("document.documentElement.scrollHeight"))
        context.close()
    assert heights[2] <= heights[0], heights


@pytest.mark.parametrize("api", [API, GRANT])
@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_chooser_comes_first_on_the_scopes_page(contexts, server, size, api):
    page = open_page(contexts, server, api + "scopes/", size)
    page.wait_for_selector("[data-scope-chooser]:not([hidden])")
    assert top(page, "[data-scope-chooser] input[type=checkbox]") <= 1000
    assert top(page, "[data-scope-chooser]") < top(page, ".scope-table")
    page.close()


ROW_RULES = """() => [...document.querySelectorAll('article table')].filter(t => t.offsetParent).map(table => {
    const rows = [...table.querySelectorAll('tbody tr')].slice(1);
    const ruled = row => [row, ...row.children].some(el => {
        const s = getComputedStyle(el);
        return parseFloat(s.borderTopWidth) > 0 && s.borderTopStyle !== 'none' && !/rgba\\(.*, 0\\)$/.test(s.borderTopColor);
    });
    return {table: (table.className || table.querySelector('th, td').textContent).slice(0, 40),
            unruled: rows.filter(r => !ruled(r)).length};
}).filter(t => t.unruled)"""

# Every run of non-space characters inside inline code that looks like an identifier (not a URL or a path):
# its characters must share one line box. A Range over them has one rect per line it covers.
BROKEN_IDENTIFIERS = r"""() => {
    const broken = [];
    for (const code of document.querySelectorAll('article code')) {
        if (code.closest('pre') || !code.offsetParent) continue;
        for (const node of code.childNodes) {
            if (node.nodeType !== Node.TEXT_NODE) continue;
            for (const match of node.data.matchAll(/\S+/g)) {
                if (!/^[A-Za-z_][\w.*-]*$/.test(match[0]) || match[0].length > 48) continue;
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
                if (lines.size > 1) broken.push(match[0]);
            }
        }
    }
    return broken;
}"""


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", PAGES)
def test_tables_have_row_rules_and_identifiers_stay_whole(contexts, server, size, path):
    page = open_page(contexts, server, path, size)
    assert page.evaluate(ROW_RULES) == []
    assert page.evaluate(BROKEN_IDENTIFIERS) == []
    page.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("path", [API, API + "scopes/"])
def test_a_table_wider_than_the_screen_shows_that_it_scrolls(contexts, server, path, javascript):
    """The cue is the scrolling box's edge shadow, drawn only on the side where the table continues."""
    page = open_page(contexts, server, path, PHONE, javascript)
    cues = page.evaluate("""() => {
        const table = [...document.querySelectorAll('article table')].find(t => t.offsetParent !== null);  // the first shown
        table.querySelector('td').style.minWidth = '1500px';
        const scrollers = [];
        for (let e = table; e && e.tagName !== 'ARTICLE'; e = e.parentElement) {
            const s = getComputedStyle(e);
            if (/auto|scroll/.test(s.overflowX) && e.scrollWidth > e.clientWidth) scrollers.push(s.backgroundImage);
        }
        return scrollers;
    }""")
    assert len(cues) == 1 and "radial-gradient" in cues[0], cues
    page.close()


def test_the_contact_address_breaks_only_before_its_at_sign(contexts, server):
    page = open_page(contexts, server, API, PHONE)
    lines = page.locator(".api-contact").evaluate("""e => [...e.childNodes].filter(n => n.nodeType === 3).map(n => {
        const range = document.createRange(); range.selectNodeContents(n);
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; })""")
    assert lines == [1, 1]
    page.close()


ENGLISH = [
    "Made with",
    "Not found",
    "Skip to content",
    "Back to top",
    "Copy to clipboard",
    "Copied to clipboard",
    "Initializing search",
    "Type to start searching",
    "No matching documents",
    "Table of contents",
    "Search",
    "Share",
    "Clear",
    "Header",
    "Footer",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_english_theme_text(contexts, server, path):
    """Visible text and the labels assistive technology reads, after the theme's scripts ran."""
    page = open_page(contexts, server, path, DESKTOP)
    words = page.evaluate("""() => [document.body.innerText,
        ...[...document.querySelectorAll('[aria-label], [title], [placeholder], [data-md-state]')]
            .flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('title'), e.getAttribute('placeholder')])
        ].filter(Boolean).join('\\n')""")
    assert [w for w in ENGLISH if w in words.split("\n") or f"{w} " in words or f" {w}" in words] == []
    page.close()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("habilitation", API + "demande-acces/"),
        ("scope", API + "scopes/"),
        # What to prepare, today's list, on either API's access page (the 2022 lists are out of the index).
        ("SIRET", (API + "demande-acces/", GRANT + "demande-acces/")),
        ("boursier", GRANT),
        ("bourse", GRANT),
        ("échelon", GRANT),
        ("CNOUS", GRANT),
        ("CROUS", GRANT),
    ],
)
def test_the_search_finds_what_users_type(contexts, server, query, expected):
    page = open_page(contexts, server, "", DESKTOP)
    found = search(page, query)
    assert any(link.lstrip("/").startswith(expected) for link in found[:3]), found
    page.close()


INDEX = "search/search_index.json"


def searching(url: str) -> bool:
    """The requests that start the theme's search: its index, its worker, the worker's languages."""
    return url.endswith(INDEX) or "/assets/javascripts/workers/search." in url or "/assets/javascripts/lunr/" in url


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_search_loads_when_a_visitor_searches_not_before(contexts, server, size):
    page = contexts(size).new_page()
    asked = []
    page.on("request", lambda request: asked.append(request.url) if searching(request.url) else None)
    page.goto(server + API + "scopes/")
    page.wait_for_load_state("load")  # the theme asks for the index and the worker as its script runs, before this
    page.wait_for_selector("[data-widget=scopes][data-ready]")
    assert asked == []
    # What opens the search: a button on a phone, a field on a desktop.
    page.locator("label.md-header__button[for=__search]:visible, .md-search__input:visible").first.click()
    page.wait_for_selector(".md-search__input:focus")
    page.keyboard.type("boursier")
    page.wait_for_selector(f".md-search-result__item > a[href*='{GRANT.split('/')[1]}']")
    assert [url for url in asked if url.endswith(INDEX)] == [server + INDEX]
    assert any("/workers/search." in url for url in asked)
    page.close()


def test_an_address_that_highlights_search_terms_loads_the_index_at_once(contexts, server):
    page = open_page(contexts, server, API + "demande-acces/?h=habilitation", DESKTOP)
    page.wait_for_selector("article mark")  # the theme marks the terms once it has the index
    assert "habilitation" in page.locator("article mark").first.inner_text().lower()
    page.close()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_skip_link(contexts, server, path):
    page = open_page(contexts, server, path, DESKTOP)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.classList.contains('md-skip'), document.activeElement.textContent.trim()]"
    )
    assert focused == [True, "Aller au contenu"]
    target = page.evaluate("() => document.activeElement.hash")
    assert page.locator(f"article h1{target}").count() == 1
    page.close()


def test_the_funnel_answer_no_does_not_offer_franceconnect_scopes(contexts, server):
    page = open_page(contexts, server, API + "demande-acces/#une-administration", DESKTOP)
    panel = page.locator("details[data-audience][open] .audience__today")
    assert "habilitation FranceConnect" in panel.locator(".next-steps").inner_text()
    scopes_link = panel.get_by_role("link", name="choisissez-les ici")
    panel.get_by_label("Non").check()
    assert not scopes_link.is_visible()
    panel.get_by_label("Oui").check()
    assert scopes_link.is_visible()
    page.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violation_on_a_phone(contexts, server, path):
    page = open_page(contexts, server, path, PHONE)
    assert axe(page) == []
    page.close()


@pytest.mark.parametrize("path", PAGES)
def test_without_javascript_nothing_inert_is_shown_on_a_phone(contexts, server, path):
    page = open_page(contexts, server, path, PHONE, javascript=False)
    inert = (
        "[data-catalogue-filters], [data-scope-chooser], [data-copy], [data-embed-load], [data-record-reset], "
        "[data-eligibility-roles], .md-search"
    )
    assert [el.evaluate("e => e.outerHTML.slice(0, 80)") for el in page.locator(inert).all() if el.is_visible()] == []
    page.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_link_to_act_on_leads_to_the_2022_form(contexts, server, size, javascript):
    """Every page type as a reader gets it: the retired form is only ever linked from inside dated history,
    and the history it sits in is marked as such where a reader can see it."""
    for path in PAGES:
        page = open_page(contexts, server, path, size, javascript)
        outside = page.locator("a[href*='datapass.api.gouv.fr/api-statut-etudiant']").evaluate_all(
            "links => links.filter(a => !a.closest('[data-history]')).map(a => a.outerHTML.slice(0, 120))"
        )
        assert outside == [], path
        for history in page.locator("[data-history]").all():
            if history.is_visible():
                assert "Publié en 2022" in history.inner_text(), path
        page.close()
