"""The URL policy: one place, and the browser's reading of every URL."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import urls

ALLOWED = ("data.enseignementsup-recherche.gouv.fr",)

TRICKY = [
    "https://evil.example\\@data.enseignementsup-recherche.gouv.fr/x",
    "https://data.enseignementsup-recherche.gouv.fr@evil.example/",
    "https://data.enseignementsup-recherche.gouv.fr.evil.example/",
    "https://data.enseignementsup-recherche.gouv.fr\\.evil.example/",
    "HTTPS://DATA.ENSEIGNEMENTSUP-RECHERCHE.GOUV.FR/x",
    "https://ｅｘａｍｐｌｅ．fr/",
    "https://user:pass@example.fr:8443/p?q=1#f",
    "//evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "https:evil.example",
    "https://[::1]/",
    "http://0x7f.1/",
    "https://example.fr/a/../b",
]


@pytest.mark.parametrize(
    "raw, allowed",
    [
        ("https://api.gouv.fr/les-api/x", True),
        ("http://a.fr", True),
        ("mailto:a@b.fr?subject=Bonjour à tous", True),
        ("/les-api/x#y", True),
        ("../x", True),
        ("#ancre", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("java\tscript:alert(1)", False),
        (" \x01javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("vbscript:x", False),
        ("tel:+33", False),
        ("https://[oops", False),
        ("https://", False),
        ("https://a.fr/ TODO", False),
        ("x" * 5000, False),
    ],
)
def test_schemes_and_shapes(raw, allowed):
    assert bool(urls.check(raw)) is allowed, urls.check(raw)


def test_relative_links_that_leave_the_site_are_read_as_absolute():
    for raw in ("//evil.example/x", "/\\evil.example/x", "\\\\evil.example/x"):
        link = urls.check(raw)
        assert (
            link and link.host == "evil.example" and not link.relative and link.href.startswith("https://evil.example/")
        )


def test_mailto_is_built_from_a_validated_address():
    assert urls.contact("equipe@exemple.gouv.fr").href == "mailto:equipe@exemple.gouv.fr"
    assert urls.contact("mailto:equipe@exemple.gouv.fr").href == "mailto:equipe@exemple.gouv.fr"
    for hostile in (
        "javascript://%0aalert(1)//@x.fr",
        " JaVaScRiPt:alert(1)//a@b.fr",
        "a@b.fr\njavascript:x",
        "/relatif",
    ):
        assert not urls.contact(hostile), hostile


def test_frames_follow_the_parsed_host():
    assert urls.frame("https://data.enseignementsup-recherche.gouv.fr/embed", ALLOWED)
    for raw in TRICKY[:4] + ["http://data.enseignementsup-recherche.gouv.fr/", "/local"]:
        if urls.check(raw) and urls.check(raw).host == ALLOWED[0] and raw.startswith("https"):
            continue
        assert not urls.frame(raw, ALLOWED), raw


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("ahtps:/\\@.%#?[]: \t\nj&;x0") + ["javascript", "https://", "mailto:"]), max_size=25
    ).map("".join)
)
def test_whatever_is_allowed_is_safe(raw):
    link = urls.check(raw)
    if link:
        assert link.href.split(":", 1)[0].lower() in ("https", "http", "mailto") or link.relative
        assert link.relative or urls.check(link.href)  # the normalised form is itself allowed
        if link.relative:  # stays on the page's site, whatever that page's address
            from ada_url import URL

            for base in ("http://site.invalid/", "https://site.invalid/x/y/z/index.html"):
                assert URL(link.href, base).hostname == "site.invalid", (raw, base)


@pytest.mark.browser
def test_hosts_are_the_ones_chromium_reads(browser):
    """ada-url and Chromium agree on the host and the normalised URL of every tricky string."""
    page = browser.new_page()
    try:
        page.goto("about:blank")
        for raw in TRICKY:
            link = urls.check(raw)
            # As absolute first (what `urls` does), then against a page, for what is not absolute.
            seen = page.evaluate(
                """raw => { for (const base of [undefined, 'https://relative.invalid/a/b/']) {
                                     try { const u = new URL(raw, base); return [u.hostname, u.href]; } catch (e) {} }
                                     return null; }""",
                raw,
            )
            if not link:
                assert seen is None or not seen[0] or seen[1].startswith(("javascript", "data")), (raw, seen)
                continue
            if link.relative:
                assert seen[0] == "relative.invalid", raw
            else:
                assert [link.host, link.href] == seen, raw
    finally:
        page.close()
