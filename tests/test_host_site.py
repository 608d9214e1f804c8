"""Another MkDocs site uses the plugin, installed from the wheel into a fresh venv: its own docs/, its own
custom_dir (which overrides one of our templates), and `api-catalogue: {content: ...}` as the only setting."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import CONTENT, ROOT, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.network]  # a wheel, a venv, Chromium


def run(*command, cwd=None):
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def host_venv(tmp_path_factory) -> Path:
    """A fresh venv holding only the wheel and its dependencies (at the versions we test with)."""
    tmp = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp / "dist", ROOT)
    wheel = next((tmp / "dist").glob("*.whl"))
    run(sys.executable, "-m", "venv", tmp / "venv")
    run(
        tmp / "venv/bin/python",
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-c",
        ROOT / "constraints.txt",
        wheel,
    )
    return tmp / "venv"


def host_site(root: Path, directory_urls: bool) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Le portail du ministère\n\nBienvenue.\n", encoding="utf-8")
    (root / "docs" / "guide.md").write_text("# Guide\n\nVoir [l'accueil](index.md).\n", encoding="utf-8")
    shutil.copytree(CONTENT, root / "apicontent", ignore=shutil.ignore_patterns("pages"))
    theme = root / "theme" / "api-catalogue"
    theme.mkdir(parents=True)
    nav = (ROOT / "generator" / "templates" / "api_nav.html").read_text(encoding="utf-8")
    (theme / "api_nav.html").write_text(nav.replace("Toutes les API", "Tout le catalogue du portail"), encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        textwrap.dedent(f"""\
        site_name: Portail hôte
        use_directory_urls: {str(directory_urls).lower()}
        theme:
          name: material
          custom_dir: theme
          font: false
          language: fr
        nav:
          - Accueil: index.md
          - Guide: guide.md
        plugins:
          - search
          - api-catalogue:
              content: apicontent
        """),
        encoding="utf-8",
    )
    return root


def broken_links(site: Path, directory_urls: bool) -> list[str]:
    """Links to missing files; without directory URLs, a link to a folder counts as broken (file:// has no index)."""
    broken = []
    for page in site.rglob("*.html"):
        doc = LexborHTMLParser(page.read_text(encoding="utf-8"))
        for node in doc.css("a[href], link[href], script[src], img[src]"):
            url = node.attributes.get("href") or node.attributes.get("src")
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            base = site if parts.path.startswith("/") else page.parent  # the 404 page links from the root
            target = (base / unquote(parts.path.lstrip("/"))).resolve()
            if parts.path.endswith("/") or target.is_dir():
                if not directory_urls and node.tag == "a":
                    broken.append(f"{page.relative_to(site)} → {url} (dossier)")
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} → {url}")
    return broken


@pytest.mark.parametrize("directory_urls", [True, False], ids=["directory-urls", "file-urls"])
def test_a_host_site_builds_with_the_plugin_from_the_wheel(host_venv, tmp_path, browser, directory_urls):
    root = host_site(tmp_path / "host", directory_urls)
    log = run(host_venv / "bin/mkdocs", "build", "--strict", cwd=root)
    assert "not included in the" not in log.stdout + log.stderr  # our pages are in the nav: no false report
    site = root / "site"
    suffix = "index.html" if not directory_urls else ""
    api_page = site / "les-api" / "api-statut-etudiant" / "index.html"
    doc = LexborHTMLParser(api_page.read_text(encoding="utf-8"))

    nav = [a.text(strip=True) for a in doc.css(".md-nav--primary .md-nav__link")]
    assert nav[:2] == ["Accueil", "Guide"] and "Les API" in nav and "Producteurs" in nav
    hrefs = {a.attributes.get("href") for a in doc.css(".md-nav--primary a[href]")}
    assert f"demande-acces/{suffix}" in hrefs and f"scopes/{suffix}" in hrefs
    assert doc.css_first(".api-nav__back").text(strip=True).endswith("Tout le catalogue du portail")  # host override
    assert (site / "index.html").read_text(encoding="utf-8").count("Le portail du ministère") >= 1  # host's home kept
    guide = (site / ("guide/index.html" if directory_urls else "guide.html")).read_text(encoding="utf-8")
    assert "api-catalogue/javascripts/search-on-demand.js" in guide  # the host's own pages wait for a search too
    assert broken_links(site, directory_urls) == []

    server = serve(site)
    context = browser.new_context(reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/les-api/api-statut-etudiant/scopes/{suffix}")
        page.wait_for_selector("[data-scope-chooser][data-ready]")
        page.check("input[value=mesri_admissions]")
        assert page.locator("[data-output=scope]").first.inner_text().endswith(" mesri_admissions")
    finally:
        context.close()
        server.shutdown()


def test_the_console_script_takes_its_defaults_from_the_current_folder(host_venv, tmp_path):
    root = host_site(tmp_path / "host", True)
    shutil.move(root / "apicontent", root / "content")
    text = (root / "mkdocs.yml").read_text(encoding="utf-8").replace("content: apicontent", "content: content")
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    assert "--site-dir" in run(host_venv / "bin/api-catalogue", "build", "--help").stdout
    run(host_venv / "bin/api-catalogue", "check", cwd=root)
    run(host_venv / "bin/api-catalogue", "build", "--strict", cwd=root)
    assert (root / "site" / "les-api" / "api-statut-etudiant" / "scopes" / "index.html").is_file()
