"""Shared fixtures: paths, real builds in temp dirs, a local server and Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from generator import cli, model
from generator.problems import Problems

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SEED = ROOT.parent / "shared" / "seed" / "api-statut-etudiant.md"
CORPUS = ROOT.parent / "shared" / "corpus"
CHROMIUM = Path("/usr/bin/chromium")


def build(content: Path, site: Path, strict: bool = False) -> int:
    return cli.build(Path(content), Path(site), strict, ROOT / "mkdocs.yml")


def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip(f"the seed {SEED} is absent: these tests need ../shared/seed/")
    return SEED


def seed_content(tmp: Path) -> Path:
    """A content folder holding the unmodified seed, its producers and trees."""
    (tmp / "api").mkdir(parents=True)
    shutil.copy(seed_path(), tmp / "api" / "api-statut-etudiant.md")
    shutil.copytree(CONTENT / "producteurs", tmp / "producteurs")
    shutil.copytree(CONTENT / "question-trees", tmp / "question-trees")
    return tmp


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The project's own site, built once (strict) for the whole session."""
    out = tmp_path_factory.mktemp("site") / "site"
    assert build(CONTENT, out, strict=True) == 0
    return out


def serve(directory: Path):
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(site):
    srv = serve(site)
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


def viewport() -> dict:
    """1280×900 unless TEST_VIEWPORT=WxH says otherwise: the suite must pass at any size."""
    width, _, height = os.environ.get("TEST_VIEWPORT", "1280x900").partition("x")
    return {"width": int(width), "height": int(height)}


def steady_context(browser, **options):
    """A context whose pages do not move by themselves: reduced motion, which the site's CSS honours
    by switching transitions and animations off, so a scan never samples a colour halfway."""
    return browser.new_context(viewport=viewport(), reduced_motion="reduce", **options)


@pytest.fixture
def page(browser):
    context = steady_context(browser)
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    yield pg
    context.close()
    assert not pg.errors, pg.errors


AXE = None


def settle(pg) -> None:
    """Wait until no finite animation or transition is running: a state with a deadline (Playwright's),
    never a promise that an infinite or stalled animation could leave pending for ever."""
    pg.wait_for_function(
        """() => document.getAnimations().every(a => a.playState !== 'running'
                                || a.effect === null || a.effect.getComputedTiming().endTime === Infinity)""",
        polling=50,
    )


def axe(pg) -> list:
    """Run axe-core (WCAG 2.1 A/AA) in the page; return the violations.

    The pointer is parked outside the page first: whatever it last clicked must not be scanned
    in its hover colours (test_contrast checks those separately, once transitions have ended)."""
    global AXE
    pg.mouse.move(0, 0)
    settle(pg)
    if AXE is None:
        import axe_playwright_python

        AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    pg.evaluate(AXE)
    result = pg.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
    }""")
    return result


@contextlib.contextmanager
def chdir(path: Path):
    import os

    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def search(page, query: str) -> list[str]:
    """The result links of a query, once the theme's worker has its index (a state, not a delay)."""
    page.keyboard.press("/")
    page.wait_for_selector(".md-search__input:focus")
    page.wait_for_function(
        "() => { const m = document.querySelector('.md-search-result__meta');"
        " return m && !/Initiali/i.test(m.textContent); }"
    )
    page.keyboard.type(query)
    # Results appear for every prefix typed: wait until they are the full query's (each highlighted word
    # starts with it), not merely until some results are shown.
    page.wait_for_function(
        """query => {
        const marks = [...document.querySelectorAll('.md-search-result mark')];
        return marks.length > 0 && marks.every(m => m.textContent.toLowerCase().startsWith(query.toLowerCase()));
    }""",
        arg=query,
    )
    return page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.pathname + a.hash)")


def in_history(node) -> bool:
    """Whether a selectolax node lies inside an element marked as dated history (`data-history`)."""
    while node is not None and node.tag != "-undef":
        if "data-history" in (node.attributes or {}):
            return True
        node = node.parent
    return False


API_FILE = "api/api-statut-etudiant.md"


def load_with(tmp_path, *edits: tuple[str, str]) -> tuple[Problems, str]:
    """The project's content with `edits` (old, new) made once each in the Statut Étudiant file."""
    import shutil

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("pages"))
    path = content / API_FILE
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    model.load(content, problems)
    return problems, text


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def errors_at(problems: Problems, line: int) -> list[str]:
    return [p.message for p in problems.errors if str(p.path).endswith("api-statut-etudiant.md") and p.line == line]


def rules_in_page(page, version_id: str, choices: list) -> list[dict]:
    """What the page's own rule functions (scopes.js) give for each choice of one version, in one evaluation."""
    return page.evaluate(
        """([versionId, choices]) => {
          const data = JSON.parse(document.querySelector("[data-scopes-data]").textContent);
          const version = data.versions.find(v => v.id === versionId);
          const rules = window.apiCatalogueScopeRules;
          return choices.map(ids => ({
            checked: rules.resolve(version, ids), scope: rules.scopeString(version, ids),
            url: rules.authorizeUrl(version, ids), answer: rules.answer(version, ids, version.example),
            warnings: rules.warnings(version, ids)}));
        }""",
        [version_id, choices],
    )


def every_choice(ids: list, sizes=None) -> list[list]:
    import itertools

    sizes = range(len(ids) + 1) if sizes is None else sizes
    return [list(combo) for size in sizes for combo in itertools.combinations(ids, size)]
