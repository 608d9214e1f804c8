"""Real `mkdocs build`s in temp dirs, asserted on with selectolax."""

import filecmp
import itertools
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import jsonschema
import markdown
import yaml
from selectolax.lexbor import LexborHTMLParser

from generator import naming, pages, schema
from generator.problems import Problems
from generator.reading import read

from conftest import CONTENT, ROOT, build, in_history, seed_content, seed_path

API = "les-api/api-statut-etudiant/index.html"


def html(site: Path, path: str) -> LexborHTMLParser:
    return LexborHTMLParser((site / path).read_text(encoding="utf-8"))


def text(node) -> str:
    return " ".join(node.text(separator=" ").split())


def main(site, path):
    return html(site, path).css_first("article.md-content__inner")


def test_api_page_header(site):
    page = main(site, API)
    assert text(page.css_first("h1")) == "API Statut Etudiant"
    producer = page.css_first(".api-producer")
    assert text(producer).startswith("Producteur :")
    assert producer.css_first("a").attributes["href"] == "../../producteurs/mesri/"
    assert "Vérifiez si une personne est inscrite" in text(page.css_first(".api-tagline"))


def test_every_text_block_of_the_seed_is_on_the_page(site):
    body = read(seed_path(), Problems()).body
    assert read(CONTENT / "api" / "api-statut-etudiant.md", Problems()).body == body  # the seed's text is kept as is
    rendered = LexborHTMLParser(markdown.markdown(body, extensions=["tables"]))
    page_text = text(main(site, API))
    blocks = [text(n) for n in rendered.css("p, li, th, td, h3") if text(n)]
    assert len(blocks) > 40
    missing = [b for b in blocks if b not in page_text]
    assert not missing
    assert main(site, API).css_first(".api-body table")  # the data table
    assert "mesri_etablissements" in page_text


def test_sidebar(site):
    """The access box (first on a phone) and the sidebar of facts."""
    boxes = [main(site, API).css_first(".api-access"), main(site, API).css_first("aside.api-sidebar")]
    aside_text = " ".join(text(box) for box in boxes)
    assert "Habilitation nécessaire" in aside_text
    hrefs = [a.attributes.get("href") for box in boxes for a in box.css("a")]
    assert "../../les-api/api-statut-etudiant/demande-acces/" in hrefs
    assert "../../les-api/api-statut-etudiant/scopes/" in hrefs
    # Today's contact, documentation, partners and rate limit; 2022's only inside the dated history.
    assert "mailto:api-particulier@api.gouv.fr" in hrefs
    assert "https://particulier.api.gouv.fr/api/open-api.yml" in hrefs
    assert "../../producteurs/renater/" in hrefs and "../../producteurs/dinum/" in hrefs
    assert "Disponibilité non communiquée" in aside_text
    assert "Limites d'appel 20 appels par seconde et par jeton" in aside_text
    assert "Limite : 20 appels par seconde et par jeton" in text(boxes[0])
    history = boxes[0].css_first("details[data-history]")
    assert "Publié en 2022" in text(history)
    old = {
        "mailto:statutetudiant@enseignementsup.gouv.fr",
        "https://particulier.api.gouv.fr/api/france-connect/open-api.yml",
        "https://datapass.api.gouv.fr/api-statut-etudiant",
    }
    assert old <= {a.attributes["href"] for a in history.css("a")}
    assert not old & {a.attributes.get("href") for box in boxes for a in box.css("a") if not in_history(a)}
    assert "Compatible FranceConnect" in aside_text
    for word in ("Particulier", "Education", "INE", "université"):
        assert word in aside_text


def test_iframe_does_not_load_with_the_page(site):
    for page in site.rglob("*.html"):
        doc = LexborHTMLParser(page.read_text(encoding="utf-8"))
        assert not doc.css("iframe"), page
        for node in doc.css("script[src], link[href], img[src]"):
            url = node.attributes.get("src") or node.attributes.get("href")
            if node.tag == "link" and node.attributes.get("rel") not in (
                "stylesheet",
                "preload",
                "icon",
                "modulepreload",
            ):
                continue
            assert not urlsplit(url).netloc, f"{page}: third-party resource {url}"
    button = main(site, API).css_first("[data-embed-load]")
    assert button.attributes["data-src"].startswith("https://data.enseignementsup-recherche.gouv.fr/")
    assert button.attributes["data-title"]


def test_producer_pages(site):
    mesri = text(main(site, "producteurs/mesri/index.html"))
    assert "API Statut Etudiant" in mesri.split("API produites")[1].split("API dont")[0]
    renater = text(main(site, "producteurs/renater/index.html"))
    assert "API Statut Etudiant" in renater.split("API dont il est partenaire")[1]


def test_home_leads_to_catalogue_and_api(site):
    hrefs = {a.attributes["href"] for a in main(site, "index.html").css("a")}
    assert {"les-api/", "les-api/api-statut-etudiant/"} <= hrefs


def test_theme_settings():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text().replace("!!python", "#"))
    assert config["theme"]["font"] is False and config["theme"]["language"] == "fr"
    assert config["plugins"][0]["search"]["lang"] == "fr"
    assert re.split(config["plugins"][0]["search"]["separator"], "d'habilitation d’accès") == [
        "d",
        "habilitation",
        "d",
        "accès",
    ]
    assert "nav" not in config and "extra_javascript" not in config  # both come from the plugin
    css = (ROOT / "overrides/assets/stylesheets/site.css").read_text()
    assert "#000091" in css and "#e1000f" in css.lower()


def test_unmodified_seed_builds_strict(tmp_path):
    content = seed_content(tmp_path / "content")
    assert build(content, tmp_path / "site", strict=True) == 0
    scopes_page = html(tmp_path / "site", "les-api/api-statut-etudiant/scopes/index.html")
    values = [i.attributes["value"] for i in scopes_page.css("input[name=scope]")]
    assert values == [
        "mesri_identifiant",
        "mesri_inscription_autre",
        "mesri_inscription_etudiant",
        "mesri_admission",
        "mesri_etablissements",
    ]
    assert not scopes_page.css('[data-output="preview"]')  # no roles, so no preview
    text = scopes_page.css_first("article").text()
    assert (
        "ne dit pas quels scopes d'identité" in text
        and "given_name" not in scopes_page.css_first("dd code, pre code").text()
    )


def test_json_exports(site):
    apis = json.loads((site / "api/v1/apis.json").read_text())
    assert apis == [
        json.loads((site / f"api/v1/apis/{slug}.json").read_text())
        for slug in ("api-statut-etudiant", "api-statut-etudiant-boursier")
    ]
    assert set(apis[0]) == {
        "title",
        "tagline",
        "path",
        "slug",
        "openness",
        "owner",
        "owner_acronym",
        "logo",
        "datagouv_uuid",
        "datapass_link",
        "access",
    }
    assert apis[0]["datapass_link"] == "https://datapass.api.gouv.fr/api-particulier"
    access = apis[0]["access"]
    assert access["since"] == "2024-02-13" and access["contact"] == "mailto:api-particulier@api.gouv.fr"
    assert [r["href"] for r in access["routes"]] == ["https://datapass.api.gouv.fr/api-particulier"] * 2
    assert access["history"]["datapass_link"] == "https://datapass.api.gouv.fr/api-statut-etudiant"
    assert apis[0]["openness"] == "closed" and apis[0]["path"] == "/les-api/api-statut-etudiant/"
    assert apis[0]["owner_acronym"] == "MESR"
    data = json.loads((site / "les-api/api-statut-etudiant/scopes.json").read_text())
    assert data["default_version"] == "v3" and [v["id"] for v in data["versions"]] == ["v3", "v2"]
    v3, v2 = data["versions"]
    assert v3["status"] == "current" and v3["scopes"][0]["id"] == "mesri_admissions"
    assert v3["endpoint"].startswith(
        "GET https://particulier.api.gouv.fr/v3/mesri/statut_etudiant/france_connect?recipient="
    )
    assert v2["status"] == "retired" and v2["scopes"][0]["id"] == "mesri_identifiant"
    assert {s["role"] for s in v2["scopes"]} == {"mask", "population"}


def test_scopes_page_without_javascript(site):
    """Every version and use case gives its scope string, an authorize URL and the call, in static HTML."""
    page = html(site, "les-api/api-statut-etudiant/scopes/index.html")
    text = page.css_first("article").text()
    headings = [h.text() for h in page.css("article h2")]
    assert headings[0] == "Choisir ses scopes" and headings[2].startswith("Version V3 (en service")
    assert "Version V2 (retirée)" in headings and "Passer de V2 à V3" in headings
    cases = page.css("section.use-case")
    assert len(cases) == 9
    for case in cases:
        values = [dd.text() for dd in case.css("dd")]
        assert values[0].startswith("openid ") and values[1].startswith("https://fcp-low.integ01.dev-franceconnect.fr/")
        assert values[2].startswith("GET https://particulier.api.gouv.fr/")
    v3_case = page.css_first("#cas-v3-statut-etudiant dd code").text()
    assert v3_case.endswith("mesri_admissions mesri_admission_inscrit")
    assert "mesri_admission_etablissement_etude" in text and "FranceConnect" in page.css_first(".scope-conflict").text()
    assert len(page.css(".migration-table tbody tr")) == 5 + 4
    notices = [n.text() for n in page.css(".notice summary")]  # folded: the chooser comes first
    assert notices[0].startswith("2025-05-28") and notices[1].startswith("2024-02-13")
    assert page.css_first('.notice a[href="https://datapass.api.gouv.fr/api-particulier"]')
    for other in ("les-api/api-statut-etudiant/index.html", "les-api/api-statut-etudiant/demande-acces/index.html"):
        assert len(html(site, other).css(".notice")) == 2, other


def test_shipped_schema_matches_the_model(site):
    for name, generated in (
        ("api.schema.json", schema.api_schema()),
        ("question-tree.schema.json", schema.tree_schema()),
    ):
        shipped = json.loads((ROOT / "generator/schemas" / name).read_text())
        assert shipped == generated, f"run `python -m generator schema` ({name} drifted)"
    assert json.loads((site / "schema/api.schema.json").read_text()) == schema.api_schema()


def test_content_validates_against_the_schema():
    validator = jsonschema.Draft202012Validator(schema.api_schema())
    for path in (CONTENT / "api").glob("*.md"):
        meta = read(path, Problems()).meta
        assert not list(validator.iter_errors(meta)), path
    tree_validator = jsonschema.Draft202012Validator(schema.tree_schema())
    for path in (CONTENT / "question-trees").glob("*.yml"):
        assert not list(tree_validator.iter_errors(yaml.safe_load(path.read_text()))), path


def test_builds_are_byte_identical(tmp_path):
    assert build(CONTENT, tmp_path / "a") == 0
    assert build(CONTENT, tmp_path / "b") == 0
    compared = filecmp.dircmp(tmp_path / "a", tmp_path / "b")

    def differences(cmp):
        out = cmp.left_only + cmp.right_only + cmp.diff_files + cmp.funny_files
        for sub in cmp.subdirs.values():
            out += differences(sub)
        return out

    # dircmp compares shallowly by stat; compare bytes explicitly.
    files = [p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()]
    assert not differences(compared)
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    assert (tmp_path / "a" / "sitemap.xml.gz").exists()


def test_no_broken_internal_link(site):
    """Every internal href resolves to a built file, and every #anchor to an id on that page."""
    ids: dict[Path, set] = {}

    def anchors(path: Path) -> set:
        if path not in ids:
            doc = LexborHTMLParser(path.read_text(encoding="utf-8"))
            ids[path] = {n.attributes.get("id") for n in doc.css("[id]")} | {
                n.attributes.get("name") for n in doc.css("a[name]")
            }
        return ids[path]

    broken = []
    checked = 0
    for page in sorted(site.rglob("*.html")):
        for node in LexborHTMLParser(page.read_text(encoding="utf-8")).css("a[href]"):
            href = node.attributes["href"]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith("mailto:"):
                continue
            if parts.path.startswith("/"):  # 404.html links from the site root
                target = (site / unquote(parts.path).lstrip("/")).resolve()
            else:
                target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {href}")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in anchors(target):
                broken.append(f"{page.relative_to(site)}: {href} (anchor)")
    assert checked > 50
    assert not broken, broken


ENGLISH = (
    "Made with",
    "Not found",
    "404 - ",
    "Skip to content",
    "Back to top",
    "Copy to clipboard",
    "Initializing search",
)


def test_theme_text_is_french_and_titles_name_the_page_once(site):
    for path in (
        "index.html",
        "les-api/index.html",
        "les-api/api-statut-etudiant/index.html",
        "les-api/api-statut-etudiant/demande-acces/index.html",
        "les-api/api-statut-etudiant/scopes/index.html",
        "producteurs/mesri/index.html",
        "404.html",
    ):
        page = html(site, path)
        text = page.body.text()
        assert not [w for w in ENGLISH if w in text], (path, [w for w in ENGLISH if w in text])
        title = page.css_first("title").text()
        parts = [naming.fold(p) for p in title.split(" - ")]
        assert len(parts) == len(set(parts)), (path, title)
    assert html(site, "404.html").css_first("article h1").text() == "Page introuvable"


def test_search_index_holds_clean_text(site):
    """No entities in titles, and table cells never glued together (`mesri_xSélectionne`)."""
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert not [d["title"] for d in docs if re.search(r"&#?\w+;", d["title"])]
    assert any(d["title"] == "Demande d'habilitation API Statut Etudiant" for d in docs)
    indexed = "\n".join(d["text"] for d in docs)
    glued = []
    for path in site.rglob("index.html"):
        for row in html(site, str(path.relative_to(site))).css("article tr"):
            cells = [text(cell) for cell in row.css("th, td")]
            for left, right in itertools.pairwise(cells):
                if left and right and left.split()[-1] + right.split()[0] in indexed:
                    glued.append((path.parent.name, left.split()[-1], right.split()[0]))
    assert glued == []


def test_every_page_holds_the_search_index_back_before_the_theme_asks_for_it(site):
    """search-on-demand.js runs just before the theme's script, from the same assets folder, on every page."""
    pages_seen = sorted(site.rglob("*.html"))
    assert len(pages_seen) > 10
    for path in pages_seen:
        scripts = [s.attributes["src"] for s in html(site, str(path.relative_to(site))).css("script[src]")]
        theme = next(i for i, src in enumerate(scripts) if "assets/javascripts/bundle." in src)
        ours = scripts[theme - 1]
        assert ours.endswith("assets/api-catalogue/javascripts/search-on-demand.js"), (path, scripts)
        assert (
            ours.removesuffix("api-catalogue/javascripts/search-on-demand.js")
            == scripts[theme].split("javascripts/")[0]
        )
        assert scripts.count(ours) == 1
        assert (path.parent / ours).resolve().is_file() or (site / ours.lstrip("/")).is_file()


def test_the_site_serves_our_assets_minified(site):
    from generator import plugin

    for path in [*plugin.STYLES, plugin.LOADER, plugin.SEARCH_ON_DEMAND, *plugin.WIDGETS]:
        source = (plugin.ASSETS / path).read_text(encoding="utf-8")
        served = (site / plugin.ASSET_DIR / path).read_text(encoding="utf-8")
        assert len(served) < 0.8 * len(source), path
        assert not re.search(r"^\s*(//|/\*)|\n  ", served, re.M), path


def test_scopes_toc_lists_the_page_headings(site):
    page = html(site, "les-api/api-statut-etudiant/scopes/index.html")
    headings = [(h.attributes["id"], h.text(deep=False).strip()) for h in page.css("article h2")]
    toc = [
        (a.attributes["href"].lstrip("#"), text(a))
        for a in page.css(".md-sidebar--secondary nav.md-nav--secondary a.md-nav__link")
    ]
    assert toc == headings and len(toc) == 5


def test_compiled_templates_are_kept_but_an_edited_override_is_read_again(tmp_path):
    """The compiled-template cache (shared with the theme) never serves a template whose source changed."""
    assert isinstance(pages.environment().bytecode_cache, jinja2.FileSystemBytecodeCache)
    override = tmp_path / pages.OVERRIDES / "inline.html"
    override.parent.mkdir()
    for text in ("première version", "seconde version"):
        override.write_text(text, encoding="utf-8")
        assert pages.environment(tmp_path).get_template("inline.html").render() == text
