"""The student-grant API (CNOUS) beside the seed's: a second FranceConnect API made of content only, with three
version states, independent masks, links both ways, and found by the words people type."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from generator import model
from generator.problems import Problems

from conftest import CONTENT, every_choice, rules_in_page

GRANT = "les-api/api-statut-etudiant-boursier/"
SEED = "les-api/api-statut-etudiant/"


@pytest.fixture(scope="module")
def grant():
    catalogue = model.load(CONTENT, Problems())
    return catalogue.apis["api-statut-etudiant-boursier"].scopes


def page(site, path: str) -> LexborHTMLParser:
    return LexborHTMLParser((site / path / "index.html").read_text(encoding="utf-8"))


def words(node) -> str:
    return " ".join(node.text(separator=" ").split())


def test_two_apis_with_choosers(site):
    for api in (SEED, GRANT):
        assert page(site, api + "scopes").css_first("[data-scope-chooser]"), api
        assert json.loads((site / api / "scopes.json").read_text(encoding="utf-8"))["versions"], api
    data = json.loads((site / GRANT / "scopes.json").read_text(encoding="utf-8"))
    assert [(v["id"], v["status"]) for v in data["versions"]] == [
        ("v4", "current"),
        ("v3", "deprecated"),
        ("v2", "retired"),
    ]
    assert [v["status_label"] for v in data["versions"]] == ["en service", "dépréciée, encore servie", "retirée"]


@pytest.mark.parametrize("size", range(9))
def test_every_subset_previews_the_example(grant, size):
    v4 = grant.current
    example = v4.example
    ids = [s.id for s in v4.scopes]
    for combo in itertools.combinations(ids, size):
        answer = v4.answer(combo)
        returning = [s for s in v4.by_id(combo) if not s.withheld]
        if not returning:  # nothing but identity or scopes FranceConnect does not pass: refused
            assert answer["status"] == 403 and answer["body"]["errors"][0]["code"] == "00100", combo
            continue
        data = answer["body"]["data"]
        assert answer["status"] == 200 and set(answer["body"]) == {"data", "links", "meta"}
        assert set(data) == {f for s in returning for f in s.fields}, combo
        for key, value in data.items():
            assert value == example[key], (combo, key)  # nested keys kept whole
        assert "identite" not in data and "ine" not in data


def test_three_states_read_right_everywhere(site):
    doc = page(site, GRANT + "scopes")
    text = words(doc.css_first("article"))
    assert not re.search(r"V\dV\d", text), re.findall(r"\S*V\dV\d\S*", text)
    headings = [words(h) for h in doc.css("article h2")]
    assert "Version V4 (en service)" in headings and "Version V3 (dépréciée, encore servie)" in headings
    assert "Version V2 (retirée)" in headings and "Passer de V3 ou V2 à V4" in headings
    labels = [words(label) for label in doc.css(".chooser-versions label")]
    assert labels == ["V4 (en service)", "V3 (dépréciée, encore servie)", "V2 (retirée)"]
    rows = [words(tr.css_first("td")) for tr in doc.css(".migration-table tbody tr")]
    assert any(r.startswith("V3 (dépréciée") for r in rows) and any(r.startswith("V2 (retirée)") for r in rows)
    assert "dépréciée" in words(doc.css_first('[data-version="v3"] .chooser-retired'))
    toc = [words(a) for a in doc.css(".md-nav--secondary a")]
    assert "Passer de V3 ou V2 à V4" in toc


def test_conflicts_are_shown_as_such(site):
    doc = page(site, GRANT + "scopes")
    boxes = {node.attributes["id"]: words(node) for node in doc.css(".scope-conflict")}
    assert (
        "DataPass" in boxes["conflit-v4-cnous_statut_bourse"]
        and "FranceConnect" in boxes["conflit-v4-cnous_statut_bourse"]
    )
    assert "DataPass" in boxes["conflit-v4-cnous_ine"] and "FranceConnect" in boxes["conflit-v4-cnous_ine"]


def test_the_two_apis_link_to_each_other(site):
    seed = page(site, SEED)
    mark = seed.css_first(".api-body .related-mark a")
    assert mark.attributes["href"] == "../../les-api/api-statut-etudiant-boursier/"
    sentence = mark.parent.prev
    while sentence is not None and sentence.tag != "p":
        sentence = sentence.prev
    assert "statut boursier des étudiants" in words(sentence)  # right after the seed's own sentence
    related = [a.attributes["href"] for a in seed.css("[aria-labelledby=liees-titre] a")]
    assert related == ["../../les-api/api-statut-etudiant-boursier/"]
    back = [a.attributes["href"] for a in page(site, GRANT).css("[aria-labelledby=liees-titre] a")]
    assert back == ["../../les-api/api-statut-etudiant/"]
    mesri = words(page(site, "producteurs/mesri").css_first("article"))
    assert "API Statut Etudiant" in mesri and "API Statut étudiant boursier" in mesri
    assert "API Statut étudiant boursier" in words(page(site, "producteurs/cnous").css_first("article"))


def test_eligibility_lists_both_with_the_same_verdicts(site):
    doc = page(site, "eligibilite")
    for section in doc.css("section.eligibility-role"):
        found = {li.attributes["data-api"]: li.attributes["data-condition"] for li in section.css("[data-api]")}
        if found:
            assert set(found) == {"api-statut-etudiant", "api-statut-etudiant-boursier"}, section.attributes["id"]
            assert len(set(found.values())) == 1, found


@pytest.mark.browser
@pytest.mark.parametrize("query", ["boursier", "bourse", "échelon", "CNOUS", "CROUS", "Bourse échelon"])
def test_the_catalogue_filter_finds_it(page, server, query):
    page.goto(server + "les-api/")
    page.wait_for_selector("[data-catalogue-filters]:not([hidden])")
    page.fill("#filtre-texte", query)
    shown = page.eval_on_selector_all(".api-item:not([hidden]) h2 a", "links => links.map(a => a.textContent)")
    assert shown == ["API Statut étudiant boursier"]


@pytest.mark.browser
def test_a_search_that_matches_nothing_says_so_and_clears(page, server):
    page.goto(server + "les-api/?texte=zzzz")
    page.wait_for_selector("[data-catalogue-filters]:not([hidden])")
    empty = page.locator("[data-catalogue-empty]")
    assert empty.is_visible() and "Aucune API" in empty.inner_text()
    empty.get_by_role("button").click()
    assert page.locator(".api-item:not([hidden])").count() == 2 and not empty.is_visible()
    assert "texte" not in page.evaluate("location.search")


@pytest.mark.browser
@pytest.mark.parametrize("version_id", ["v4", "v3", "v2"])
def test_the_chooser_equals_the_model(page, server, grant, version_id):
    """The page's rule functions against the model for every choice (one page load), and the form for a few."""
    version = grant.version(version_id)
    ids = [s.id for s in version.scopes]
    page.goto(server + GRANT + "scopes/")
    page.wait_for_selector("[data-scope-chooser][data-ready]")
    choices = every_choice(ids)
    for combo, got in zip(choices, rules_in_page(page, version_id, choices), strict=True):
        assert got["checked"] == version.resolve(combo) and got["answer"] == version.answer(combo), combo
        assert got["warnings"] == version.warnings(combo), combo
    prefix = "" if version.current else f"version={version_id}&"
    for combo in every_choice(ids, sizes=(0, 1, len(ids))):
        page.goto(server + GRANT + "scopes/?" + prefix + "scopes=" + ",".join(combo))
        page.wait_for_selector("[data-scope-chooser][data-ready]")
        assert page.eval_on_selector_all("input[name=version]:checked", "e => e.map(x => x.value)") == [version_id]
        answer = version.answer(combo)
        assert json.loads(page.locator('[data-output="preview"]').inner_text()) == answer["body"], combo
        assert page.locator('[data-output="answer-note"]').inner_text().startswith(f"HTTP {answer['status']}."), combo
        assert page.locator('[data-output="warnings"] li').all_inner_texts() == version.warnings(combo), combo


def test_two_retired_versions_both_lead_to_the_current_one(tmp_path):
    """Content may retire more than one version: each keeps its dated section and its rows in the migration table."""
    import shutil

    from conftest import build

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    path = content / "api" / "api-statut-etudiant-boursier.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("      status: deprecated\n", "      status: retired\n", 1), encoding="utf-8")
    grant = model.load(content, Problems()).apis["api-statut-etudiant-boursier"].scopes
    assert [v.status for v in grant.older] == ["retired", "retired"]
    assert {row["from"].label for row in grant.migration()} == {"V3", "V2"}
    assert build(content, tmp_path / "site") == 0
    doc = page(tmp_path / "site", GRANT + "scopes")
    rows = [words(tr) for tr in doc.css(".migration-table tbody tr")]
    assert any(row.startswith("V3") for row in rows) and any(row.startswith("V2") for row in rows), rows
    assert [words(h) for h in doc.css("h2[id^=version-]")][1:] == ["Version V3 (retirée)", "Version V2 (retirée)"]
