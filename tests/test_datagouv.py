"""Who may use what across the catalogue, and the exports data.gouv.fr reads: audiences, /eligibilite/,
dataservices.json (checked by udata's own model) and catalog.jsonld."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from generator import audiences, components, model, naming, pages
from generator.links import Links
from generator.problems import Problems
from generator.reading import read

from conftest import CORPUS, ROOT, build, seed_content

WRITABLE = {
    "title",
    "acronym",
    "description",
    "base_api_url",
    "machine_documentation_url",
    "technical_documentation_url",
    "business_documentation_url",
    "rate_limiting",
    "rate_limiting_url",
    "availability",
    "availability_url",
    "format",
    "access_type",
    "access_audiences",
    "authorization_request_url",
    "access_type_reason_category",
    "access_type_reason",
    "license",
    "tags",
    "private",
    "extras",
    "contact_points",
    "datasets",
    "owner",
    "organization",
    "deleted_at",
    "archived_at",
}
URL_FIELDS = {
    "base_api_url",
    "machine_documentation_url",
    "technical_documentation_url",
    "business_documentation_url",
    "rate_limiting_url",
    "availability_url",
    "authorization_request_url",
}
DATAGOUV_ROLES = ["local_authority_and_administration", "company_and_association", "private"]


def corpus(name: str) -> Path:
    folder = CORPUS / name / "_data"
    if not folder.is_dir():
        pytest.skip(f"corpus {folder} is absent: the real-content tests need ../shared/corpus/")
    return folder


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("seed")
    assert build(seed_content(root / "content"), root / "site", strict=True) == 0
    return root / "site"


@pytest.fixture(scope="module")
def corpus_2026(tmp_path_factory) -> tuple[Path, Path]:
    folder = corpus("api.gouv.fr-2026-01")
    site = tmp_path_factory.mktemp("c2026") / "site"
    assert build(folder, site) == 0
    return folder, site


def eligibility(site: Path) -> dict[str, dict[str, str]]:
    """Role → {api slug: condition}, read from /eligibilite/ as the contract says."""
    doc = LexborHTMLParser((site / "eligibilite" / "index.html").read_text(encoding="utf-8"))
    return {
        section.attributes["id"]: {
            li.attributes["data-api"]: li.attributes["data-condition"] for li in section.css("[data-api]")
        }
        for section in doc.css("section.eligibility-role")
    }


def test_the_seed_api_is_restricted_with_a_condition_per_role(seed_site):
    expected = {
        "local_authority_and_administration": "yes",
        "company_and_association": "under_condition",
        "private": "no",
    }
    roles = eligibility(seed_site)
    assert {role: roles[role].get("api-statut-etudiant") for role in expected} == expected
    body = json.loads((seed_site / "api/v1/dataservices/api-statut-etudiant.json").read_text(encoding="utf-8"))
    assert body["access_type"] == "restricted"
    assert body["access_audiences"] == [{"role": role, "condition": condition} for role, condition in expected.items()]
    assert body in json.loads((seed_site / "api/v1/dataservices.json").read_text(encoding="utf-8"))


def test_every_link_opens_the_funnel_on_the_right_audience(seed_site):
    doc = LexborHTMLParser((seed_site / "eligibilite" / "index.html").read_text(encoding="utf-8"))
    funnel = LexborHTMLParser(
        (seed_site / "les-api/api-statut-etudiant/demande-acces/index.html").read_text(encoding="utf-8")
    )
    anchors = {node.attributes["id"]: node.css_first("summary").text() for node in funnel.css("details[data-audience]")}
    for role, label in (
        ("private", "Un particulier"),
        ("local_authority_and_administration", "Une administration"),
        ("company_and_association", "Une entreprise"),
    ):
        href = doc.css_first(f"section#{role} [data-api] a").attributes["href"]
        assert href.startswith("../les-api/api-statut-etudiant/demande-acces/#")
        assert label in anchors[href.split("#")[1]]


def test_every_label_of_both_corpora_is_mapped():
    roles = audiences.load(Path("/nonexistent"), Problems())
    for name in ("api.gouv.fr-2022-09", "api.gouv.fr-2026-01"):
        for path in corpus(name).glob("api/*.md"):
            for entry in read(path, Problems()).meta.get("access_page") or []:
                for label in entry.get("who") or []:
                    assert roles.roles_of(label), (path.name, label)


def test_a_content_folder_extends_the_mapping_and_unmapped_labels_are_reported(tmp_path):
    content = seed_content(tmp_path / "content")
    api = content / "api" / "api-statut-etudiant.md"
    api.write_text(api.read_text(encoding="utf-8").replace("- Une entreprise", "- Une coopérative"), encoding="utf-8")
    problems = Problems()
    catalogue = model.load(content, problems)
    [warning] = [p for p in problems.warnings if p.category == "unmapped audience"]
    assert "« Une coopérative »" in warning.message and warning.path.endswith("api-statut-etudiant.md")
    assert "company_and_association" not in catalogue.apis["api-statut-etudiant"].conditions
    (content / "audiences.yml").write_text("labels:\n  Une coopérative: company_and_association\n", encoding="utf-8")
    problems = Problems()
    catalogue = model.load(content, problems)
    assert not [p for p in problems.items if p.category == "unmapped audience"]
    assert catalogue.apis["api-statut-etudiant"].conditions["company_and_association"][0] == "under_condition"


def test_labels_of_one_role_that_disagree_make_it_conditional():
    entry = lambda who, eligible: model.Audience([who], eligible, components.Markup(""), anchor=naming.slugify(who))  # noqa: E731
    roles = audiences.load(Path("/nonexistent"), Problems())
    found = audiences.conditions(
        [entry("Une administration", "yes"), entry("Un ministère", "no"), entry("Un particulier", "no")], roles
    )
    assert found["local_authority_and_administration"] == ("under_condition", "une-administration")
    assert found["private"] == ("no", "un-particulier")


def test_the_2026_corpus_lists_every_api_with_an_access_page(corpus_2026):
    folder, site = corpus_2026
    with_access = {p.stem for p in folder.glob("api/*.md") if read(p, Problems()).meta.get("access_page")}
    assert len(with_access) == 51
    listed = {slug for apis in eligibility(site).values() for slug in apis}
    assert listed == with_access


def test_the_2026_bodies_follow_data_gouv_fr_rules(corpus_2026):
    folder, site = corpus_2026
    bodies = json.loads((site / "api/v1/dataservices.json").read_text(encoding="utf-8"))
    assert len(bodies) == len(list(folder.glob("api/*.md"))) == 170
    for body in bodies:
        assert set(body) <= WRITABLE, set(body) - WRITABLE
        assert body["title"].strip()
        for key in URL_FIELDS & set(body):
            assert body[key].startswith(("https://", "http://")), (body["title"], key, body[key])
        assert 0 <= body.get("availability", 0) <= 100
        assert all(3 <= len(tag) <= 96 for tag in body.get("tags", []))
        if body["access_type"] == "restricted":
            roles = [a["role"] for a in body["access_audiences"]]
            assert len(roles) == len(set(roles)) and set(roles) <= set(DATAGOUV_ROLES)
        else:
            assert "access_audiences" not in body
        assert body["extras"]["apigouv"]["slug"]


@pytest.fixture(scope="module")
def udata_python(tmp_path_factory) -> Path:
    """A venv with udata 17.6.0 (data.gouv.fr's back end) at pinned versions, from PyPI or pip's cache."""
    venv = tmp_path_factory.mktemp("udata") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    done = subprocess.run(
        [
            str(venv / "bin/python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-c",
            str(ROOT / "tests/udata-constraints.txt"),
            "udata==17.6.0",
            "mongomock",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return venv / "bin/python"


@pytest.mark.slow
@pytest.mark.network  # installs udata in a venv of its own
def test_udata_accepts_every_2026_body(corpus_2026, udata_python, tmp_path):
    _, site = corpus_2026
    report = subprocess.run(
        [str(udata_python), str(ROOT / "tests/udata_validate.py"), str(site / "api/v1/dataservices.json")],
        capture_output=True,
        text=True,
    )
    assert report.returncode == 0, report.stderr[-3000:]
    result = json.loads(report.stdout)
    assert result == {"checked": 170, "refused": []}
    # The same check refuses what data.gouv.fr refuses: it is not a rubber stamp.
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps([{"title": "T", "tags": ["ab"]}, {"title": "U", "base_api_url": "/swaggers/x.yml"}]))
    refused = json.loads(
        subprocess.run(
            [str(udata_python), str(ROOT / "tests/udata_validate.py"), str(wrong)], capture_output=True, text=True
        ).stdout
    )["refused"]
    assert len(refused) == 2


def test_the_dcat_catalogue_parses_with_one_dataservice_per_api(corpus_2026):
    from rdflib import Graph
    from rdflib.namespace import DCAT, DCTERMS, RDF

    folder, site = corpus_2026
    graph = Graph().parse(site / "catalog.jsonld", format="json-ld")
    services = set(graph.subjects(RDF.type, DCAT.DataService))
    assert len(services) == 170
    identifiers = {str(graph.value(s, DCTERMS.identifier)) for s in services}
    assert identifiers == {p.stem for p in folder.glob("api/*.md")}
    assert all(graph.value(s, DCTERMS.title) for s in services)


def test_the_dcat_catalogue_writes_each_node_once_with_each_value_once_in_order(corpus_2026):
    """A producer of several APIs is one node, whose type and name are given once; nodes come sorted by id."""
    _, site = corpus_2026
    nodes = json.loads((site / "catalog.jsonld").read_text(encoding="utf-8"))["@graph"]
    ids = [node["@id"] for node in nodes]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(isinstance(node["@type"], str) for node in nodes)
    shared = Counter(node["dct:publisher"]["@id"] for node in nodes if node["@type"] == "dcat:DataService")
    assert max(shared.values()) > 1  # several APIs give their producer's type and name
    publishers = [node for node in nodes if node["@type"] == "foaf:Organization"]
    assert len(publishers) == len(shared) and all(isinstance(node["foaf:name"], str) for node in publishers)
    (catalog,) = [node for node in nodes if node["@type"] == "dcat:Catalog"]
    services = [ref["@id"] for ref in catalog["dcat:service"]]
    assert len(services) == len(set(services)) == 170 and services == sorted(services)


def test_api_gouv_fr_links_to_apis_in_the_content_stay_inside(tmp_path):
    links = Links("../../", frozenset({"api-particulier"}), frozenset())
    assert links.href("https://api.gouv.fr/les-api/api-particulier") == "../../les-api/api-particulier/"
    assert links.href("https://www.api.gouv.fr/les-api/api-particulier#acces") == "../../les-api/api-particulier/#acces"
    assert links.href("/les-api/api-particulier") == "../../les-api/api-particulier/"
    assert links.href("https://api.gouv.fr/les-api/autre-api") == "https://api.gouv.fr/les-api/autre-api"
    assert links.href("https://example.org/les-api/api-particulier") == "https://example.org/les-api/api-particulier"


def test_the_boursier_mention_links_inside_a_build_that_holds_that_api(tmp_path):
    """The seed's body names the student-grant API without a link; our content's `related` gives it one,
    to our own page when the build contains that API."""
    import shutil

    from conftest import CONTENT

    folder = corpus("api.gouv.fr-2026-01")
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    shutil.copy(folder / "api" / "api-statut-etudiant-boursier.md", content / "api")
    shutil.copy(folder / "producteurs" / "cnous.md", content / "producteurs")
    assert build(content, tmp_path / "site") == 0
    page = LexborHTMLParser((tmp_path / "site/les-api/api-statut-etudiant/index.html").read_text(encoding="utf-8"))
    links = [a.attributes["href"] for a in page.css("[aria-labelledby=liees-titre] a")]
    assert links == ["../../les-api/api-statut-etudiant-boursier/"]
    assert (tmp_path / "site/les-api/api-statut-etudiant-boursier/index.html").is_file()


def test_the_dcat_catalogue_says_todays_access_as_rdf():
    """Read back as RDF (rdflib, a JSON-LD processor of its own), the catalogue states today's contact, rights and
    publisher of the seed's API, and only named nodes."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, Namespace

    from conftest import CONTENT

    vcard = Namespace("http://www.w3.org/2006/vcard/ns#")
    site = "https://exemple.gouv.fr/"
    catalogue = model.load(CONTENT, Problems())
    graph = Graph().parse(data=pages.exports(catalogue, site, Problems())["catalog.jsonld"], format="json-ld")
    api = URIRef(site + "les-api/api-statut-etudiant/")
    assert (URIRef(site + "catalog"), DCAT.service, api) in graph
    assert graph.value(api, RDF.type) == DCAT.DataService
    assert graph.value(api, DCTERMS.title) == Literal("API Statut Etudiant", lang="fr")
    assert graph.value(api, DCAT.landingPage) == api
    point = graph.value(api, DCAT.contactPoint)
    assert graph.value(point, vcard.hasEmail) == URIRef("mailto:api-particulier@api.gouv.fr")  # today's, not 2022's
    rights = graph.value(api, DCTERMS.accessRights)
    assert graph.value(rights, RDF.type) == DCTERMS.RightsStatement
    assert "depuis le 2024-02-13" in str(graph.value(rights, RDFS.label))
    assert graph.value(rights, RDFS.seeAlso) == URIRef("https://datapass.api.gouv.fr/api-particulier")
    publisher = graph.value(api, DCTERMS.publisher)
    assert publisher == URIRef(site + "producteurs/mesri/") and graph.value(publisher, RDF.type) == FOAF.Organization
    assert {str(k) for k in graph.objects(api, DCAT.keyword)} >= {"etudiant", "education"}
    assert not [node for node in graph.all_nodes() if node.__class__.__name__ == "BNode"]
