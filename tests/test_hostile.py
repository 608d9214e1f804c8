"""Hostile content: whatever contributors write, no script runs and no third-party request leaves the page."""

import contextlib
import json
import re
import textwrap
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from generator import components, model
from generator.problems import Problems

from conftest import build, seed_content, serve, steady_context

SENTINEL = "window.__pwned=1"
EVIL = "https://evil.example"
ALLOWED = "data.enseignementsup-recherche.gouv.fr"  # the plugin's default iframe allowlist

# Each payload becomes one API file: (name, front-matter lines, body).
BODY_PAYLOADS = {
    "script": f"<script>{SENTINEL}</script>",
    "img-onerror": f'<img src="x" onerror="{SENTINEL}">',
    "p-onclick-onload": f'<p onclick="{SENTINEL}" onload="{SENTINEL}">texte</p>',
    "markdown-javascript-link": f"[clic](javascript:{SENTINEL})",
    "markdown-data-link": "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "button-javascript": f'<Button href="javascript:{SENTINEL}">Go</Button>',
    "button-mixed-case": f'<Button href="  JaVaScRiPt:{SENTINEL}">Go</Button>',
    "external-javascript": f'<External href="javascript:{SENTINEL}">Go</External>',
    "svg-onload": f'<svg onload="{SENTINEL}"><circle r="4"/></svg>',
    "iframe-unknown-host": f'<iframe src="{EVIL}/frame"></iframe>',
    "iframe-javascript": f'<iframe src="javascript:{SENTINEL}"></iframe>',
    "style-injection": f"<style>body{{background:url({EVIL}/bg.png)}}</style>",
    "link-injection": f'<link rel="stylesheet" href="{EVIL}/x.css">',
    "meta-refresh": f'<meta http-equiv="refresh" content="0;url={EVIL}">',
    "object-embed-form": f'<object data="{EVIL}/o"></object><embed src="{EVIL}/e"><form action="javascript:{SENTINEL}"><button>x</button></form>',
    "style-attribute": f'<a href="https://ok.example" style="background:url({EVIL}/s.png)">lien</a>',
    "attribute-breakout": f"<Button href='https://ok.example/\" onmouseover=\"{SENTINEL}'>Go</Button>",
    "jinja-syntax": "{{ 7*7 }} {% for x in range(3) %}boucle{% endfor %} {{ config }}",
    "img-in-details": f'<details><summary>s</summary><img src="{EVIL}/i.png" onerror="{SENTINEL}"></details>',
    "a-data-href": f'<a href="data:text/html,<script>{SENTINEL}</script>">x</a>',
    "placeholder-forgery": "\u00a7\u00a7cmp99\u00a7\u00a7 et \u00a7\u00a7cmp0\u00a7\u00a7",
    # Second round: URLs that Python's urlsplit and browsers read differently.
    "iframe-backslash": f'<iframe src="https://evil.example\\@{ALLOWED}/x"></iframe>',
    "iframe-userinfo": f'<iframe src="https://{ALLOWED}@evil.example/"></iframe>',
    "iframe-suffix": f'<iframe src="https://{ALLOWED}.evil.example/"></iframe>',
    "iframe-tab-scheme": f'<iframe src="java\tscript:{SENTINEL}"></iframe>',
    "iframe-protocol-relative": '<iframe src="/\\evil.example/"></iframe>',
    "button-tab-scheme": f'<Button href="java&#9;script:{SENTINEL}">Go</Button>',
    "a-entity-scheme": f'<a href="jav&#x61;script:{SENTINEL}">x</a>',
    "markdown-upper-scheme": f"[clic](JAVASCRIPT:{SENTINEL})",
}
FRONT_PAYLOADS = {
    "title-html": [f'title: "<script>{SENTINEL}</script>"'],
    "tagline-html": [f"tagline: '<img src=x onerror={SENTINEL}>'"],
    "tagline-breakout": [f'tagline: \'" onmouseover="{SENTINEL}" x="\''],
    "who-html": [
        "access_page:",
        f"  - who: ['<img src=x onerror={SENTINEL}>']",
        "    is_eligible: 1",
        f"    description: '<Button href=\"javascript:{SENTINEL}\">x</Button>'",
    ],
    "doc-link-javascript": [f"doc_tech_link: 'javascript:{SENTINEL}'"],
    "scope-label-html": [
        "franceconnect:",
        "  entries: e",
        "  scopes:",
        f"    - {{id: s1, label: '<img src=x onerror={SENTINEL}>', role: population, keeps: {{a: 1}}, fields: [a],"
        f" warning: '<script>{SENTINEL}</script>'}}",
        "  use_cases:",
        f"    - {{id: u, title: '<svg onload={SENTINEL}>', scopes: [s1]}}",
        "  example:",
        f"    e: [{{a: 1, x: '</script><script>{SENTINEL}</script>'}}]",
    ],
    "tree-answer": [
        "access_page:",
        "  - who: [Une administration]",
        "    is_eligible: 1",
        "    description: \"<QuestionTree tree='hostile' question='q' />\"",
    ],
    "hostile-producer": ["producer: evil", "contact_link: 'javascript://%0aalert(1)//@x.fr'"],
}
# Producer fields: each value passed the old e-mail check or the old scheme test.
HOSTILE_PRODUCER = textwrap.dedent(f"""\
    ---
    name: Producteur hostile
    contact: "javascript://%0a{SENTINEL}//@x.fr"
    site: "JAVASCRIPT:{SENTINEL}"
    logo: "../../../etc/passwd"
    ---
    """)
HOSTILE_PRODUCER_2 = textwrap.dedent(f"""\
    ---
    name: Producteur hostile 2
    contact: " JaVaScRiPt:{SENTINEL}//a@b.fr"
    site: "java\\tscript:{SENTINEL}"
    ---
    """)
HOSTILE_TREE = textwrap.dedent(f"""\
    questions:
      q:
        question: "<b onmouseover={SENTINEL}>Question</b>"
        choices:
          - labels: ["<img src=x onerror={SENTINEL}>"]
            answer: |
              <script>{SENTINEL}</script>
              <Button href="javascript:{SENTINEL}">x</Button>
              [y](javascript:{SENTINEL}) <svg onload="{SENTINEL}"></svg>
              <iframe src="https://evil.example\\@{ALLOWED}/tree"></iframe>
    """)


def api_file(front: list[str], body: str) -> str:
    keys = {line.split(":", 1)[0] for line in front if not line.startswith(" ")}
    base = [
        f"{k}: {v}"
        for k, v in (("title", "Hostile"), ("tagline", "t"), ("producer", "mesri"), ("is_open", "-1"))
        if k not in keys
    ]
    return "---\n" + "\n".join(base + front) + "\n---\n" + body + "\n"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    content = seed_content(root / "content")
    (content / "question-trees" / "hostile.yml").write_text(HOSTILE_TREE)
    (content / "producteurs" / "evil.md").write_text(HOSTILE_PRODUCER)
    (content / "producteurs" / "evil2.md").write_text(HOSTILE_PRODUCER_2)
    for name, body in BODY_PAYLOADS.items():
        (content / "api" / f"body-{name}.md").write_text(api_file([], body))
    for name, front in FRONT_PAYLOADS.items():
        (content / "api" / f"front-{name}.md").write_text(api_file(front, "Corps."))
    problems = Problems()
    model.load(content, problems)
    assert not problems.errors, [str(p) for p in problems.errors]
    assert build(content, root / "site") == 0
    return root / "site", problems


@contextlib.contextmanager
def served(site: Path, browser):
    """The hostile site on a local server, and a steady browser context: (context, base URL)."""
    srv = serve(site)
    context = steady_context(browser)
    try:
        yield context, f"http://127.0.0.1:{srv.server_address[1]}/"
    finally:
        context.close()
        srv.shutdown()


def open_everything(page, base: str, site: Path, path: Path) -> str:
    """Load a hostile page and open every disclosure and every answer of its question trees."""
    url = base + str(path.parent.relative_to(site)) + "/"
    page.goto(url)
    page.wait_for_load_state("load")
    for summary in page.locator("details > summary").all():
        summary.click()
    for radio in page.locator("input[type=radio]").all():
        if radio.is_visible():
            radio.check()
    return url


def payload_count():
    return len(BODY_PAYLOADS) + len(FRONT_PAYLOADS)


def pages_of(site: Path):
    apis = [p for p in (site / "les-api").rglob("index.html") if "/body-" in str(p) or "/front-" in str(p)]
    return sorted(apis + list((site / "producteurs").glob("evil*/index.html")))


def test_static_html_has_no_active_content(hostile_site):
    site, _ = hostile_site
    pages = pages_of(site)
    assert len(pages) >= payload_count()
    for page in pages:
        doc = LexborHTMLParser(page.read_text(encoding="utf-8"))
        content = doc.css_first("article.md-content__inner")
        for node in content.css("*"):
            for attr, value in node.attributes.items():
                assert not attr.lower().startswith("on"), (page, node.html)
                assert attr.lower() != "style", (page, node.html)
                if attr in ("href", "src", "action", "data") and value:
                    assert not value.strip().lower().startswith(("javascript:", "data:")), (page, node.html)
        assert not content.css("iframe, object, embed, form:not([data-scope-chooser]), style, link, meta, svg, img")
        for button in content.css("[data-embed-load]"):  # only allowlisted hosts, as the browser parses them
            src = button.attributes["data-src"]
            assert src.startswith(f"https://{ALLOWED}/"), (page, src)
        scripts = [s for s in content.css("script") if s.attributes.get("type") != "application/json"]
        assert not scripts, page
        for data in content.css("script[type='application/json']"):
            json.loads(data.text())  # the inline data is valid JSON and did not break out of its element


def test_jinja_syntax_is_shown_not_run(hostile_site):
    site, _ = hostile_site
    text = (site / "les-api" / "body-jinja-syntax" / "index.html").read_text()
    assert "{{ 7*7 }}" in text and "boucle" not in text.replace("{% for x in range(3) %}boucle", "")


def test_unsafe_urls_are_reported(hostile_site):
    _, problems = hostile_site
    unsafe = [
        p for p in problems.warnings if p.category in ("unsafe url", "unsafe attribute", "unknown tag", "iframe host")
    ]
    files = {Path(p.path).stem for p in unsafe}
    for name in (
        "markdown-javascript-link",
        "button-javascript",
        "external-javascript",
        "iframe-unknown-host",
        "script",
    ):
        assert f"body-{name}" in files


@pytest.mark.browser
def test_no_script_runs_and_nothing_leaves_loopback(hostile_site, browser):
    site, _ = hostile_site
    with served(site, browser) as (context, base):
        walk_for_scripts(context.new_page(), site, base)


def walk_for_scripts(page, site: Path, base: str) -> None:
    """Open, click, hover and focus everything on every hostile page: no script runs, nothing leaves."""
    dialogs, foreign = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")) else None
        ),
    )
    for path in pages_of(site):
        url = open_everything(page, base, site, path)
        page.evaluate("""() => document.querySelectorAll('article *').forEach(el => {
            for (const type of ['mouseover', 'click', 'focus']) {
                if (type === 'click' && el.closest('a[href], button, summary, label, input')) continue;
                el.dispatchEvent(new Event(type, {bubbles: true}));
            }
        })""")
        assert page.evaluate("window.__pwned") is None, url
    assert not dialogs and not foreign, (dialogs, foreign)


def test_hostile_urls_are_reported(hostile_site):
    _, problems = hostile_site
    flagged = {(Path(p.path).stem, p.category) for p in problems.warnings}
    for name in ("iframe-backslash", "iframe-userinfo", "iframe-suffix"):
        assert (f"body-{name}", "iframe host") in flagged, name
    for name in ("iframe-tab-scheme", "button-tab-scheme", "a-entity-scheme", "markdown-upper-scheme"):
        assert (f"body-{name}", "unsafe url") in flagged, name
    assert ("evil", "unsafe url") in flagged and ("evil2", "unsafe url") in flagged
    assert ("hostile", "iframe host") in flagged  # the tree's answer


@pytest.mark.browser
def test_frames_load_only_allowlisted_hosts(hostile_site, browser):
    """Click every embed button: whatever loads must be on the allowlist, as Chromium reads the URL."""
    site, _ = hostile_site
    with served(site, browser) as (context, base):
        hosts = []
        context.route("**/*", lambda route: record_foreign(route, base, hosts))
        page = context.new_page()
        for path in pages_of(site):
            open_everything(page, base, site, path)
            for button in page.locator("[data-embed-load]").all():
                if button.is_visible():
                    button.click()
            for frame in page.locator("iframe").all():
                assert frame.evaluate("f => new URL(f.src).hostname") == ALLOWED
        assert set(hosts) <= {ALLOWED}, hosts


def record_foreign(route, base: str, hosts: list) -> None:
    """Let the local site through; note and refuse every other host."""
    url = route.request.url
    if url.startswith(base):
        route.continue_()
    else:
        hosts.append(url.split("/")[2])
        route.abort()


def test_inline_markers_cannot_be_forged_or_leak():
    """Inline components are placed through private-use markers: content that writes them gets nothing,
    and a component inside a link's address or a heading leaves no marker behind."""
    from generator import pages
    from generator.model import Catalogue

    text = (
        "# T <Button href='https://a.fr'>Go</Button>\n\n\ue0000\ue001forged\ue0020\ue001 "
        "[x](https://b.fr/<External href='https://c.fr'>y</External>)"
    )
    markup = components.parse(text, Path("x.md"), 1, Problems(), components.Context())
    html, toc = pages.Renderer(pages.environment(), Catalogue({}, {}, {}, []), 2).markup_with_toc(markup)
    assert not re.search("[\ue000-\ue002]", html + str(toc))
    assert html.count('class="md-button') == 1 and toc[0]["id"] == "t-go"
