"""Access as dated content: today's answers on every page and export, the published ones as marked history,
and `check` warning when a file says access changed without saying how."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from generator import model
from generator.problems import Problems

from conftest import CONTENT, build, in_history, seed_content

OLD_FORM = "datapass.api.gouv.fr/api-statut-etudiant"
API = CONTENT / "api" / "api-statut-etudiant.md"


def load(folder: Path):
    problems = Problems()
    return model.load(folder, problems), problems


def project_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder, ignore=shutil.ignore_patterns("pages"))
    return folder


def edit(folder: Path, old: str, new: str) -> Path:
    path = folder / "api" / "api-statut-etudiant.md"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_no_link_to_the_2022_form_outside_history_in_any_page(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 8
    seen = 0
    for page in pages:
        doc = LexborHTMLParser(page.read_text(encoding="utf-8"))
        for link in doc.css("a[href]"):
            if OLD_FORM in link.attributes["href"]:
                seen += 1
                assert in_history(link), (page.relative_to(site), link.html)
    assert seen >= 3  # the 2022 text is still there to read: box, funnel entry and its tree


def test_search_gives_today_s_access_not_the_2022_answers_under_it(site):
    """The 2022 answers fold under today's on the access page; the index, which would give their text as part of
    the section "Qui êtes-vous ?", leaves them out (the retired form's tree among them)."""
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    access = " ".join(d["text"] for d in docs if d["location"].startswith("les-api/api-statut-etudiant/demande-acces/"))
    assert "Demander API Particulier" in access  # today's tree
    for published in (
        "formulaire DataPass dédié",
        "Formulaire de 2022",
        "accèder a ces informations",
        "France Connect",
    ):
        assert published not in access, published
    page = (site / "les-api/api-statut-etudiant/demande-acces/index.html").read_text(encoding="utf-8")
    assert "formulaire DataPass dédié" in page  # still on the page, dated


def _strings(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, path + (index,))
    elif isinstance(data, str):
        yield path, data


def test_no_export_gives_the_2022_form_as_current(site):
    exports = [*site.glob("api/v1/**/*.json"), site / "catalog.jsonld"]
    assert len(exports) >= 4
    found = 0
    for export in exports:
        for path, value in _strings(json.loads(export.read_text(encoding="utf-8"))):
            if OLD_FORM in value:
                found += 1
                assert "history" in path, (export.name, path)
    assert found >= 1  # apis.json keeps it, dated, under access.history


def test_today_s_verdicts_drive_eligibility_and_data_gouv_fr(site):
    doc = LexborHTMLParser((site / "eligibilite/index.html").read_text(encoding="utf-8"))
    roles = {
        section.attributes["id"]: section.css_first("[data-api=api-statut-etudiant]").attributes["data-condition"]
        for section in doc.css("section.eligibility-role")
        if section.css_first("[data-api]")
    }
    assert roles == {
        "local_authority_and_administration": "yes",
        "company_and_association": "no",
        "private": "no",
        "software_vendor": "no",
    }
    body = json.loads((site / "api/v1/dataservices/api-statut-etudiant.json").read_text(encoding="utf-8"))
    assert body["access_audiences"] == [
        {"role": "local_authority_and_administration", "condition": "yes"},
        {"role": "company_and_association", "condition": "no"},
        {"role": "private", "condition": "no"},
    ]
    assert body["authorization_request_url"] == "https://datapass.api.gouv.fr/api-particulier"
    assert body["machine_documentation_url"] == "https://particulier.api.gouv.fr/api/open-api.yml"
    assert body["rate_limiting"] == "20 appels par seconde et par jeton"
    assert body["extras"]["apigouv"]["contact"] == "mailto:api-particulier@api.gouv.fr"
    catalog = (site / "catalog.jsonld").read_text(encoding="utf-8")
    assert "mailto:api-particulier@api.gouv.fr" in catalog and "Entreprise et Association : non" in catalog
    card = LexborHTMLParser((site / "les-api/index.html").read_text(encoding="utf-8")).css_first(".api-item")
    assert "company_and_association:no" in card.attributes["data-answers"]


def test_the_funnel_puts_today_first_and_2022_in_dated_history(site):
    doc = LexborHTMLParser((site / "les-api/api-statut-etudiant/demande-acces/index.html").read_text(encoding="utf-8"))
    panel = doc.css_first("details#une-entreprise")
    today = panel.css_first(".audience__today")
    assert today.css_first(".verdict strong").text() == "Aujourd'hui : Non, vous n'êtes pas éligible"
    assert today.css_first("time").attributes["datetime"] == "2024-02-13"
    history = panel.css_first("details[data-history]")
    assert "Publié en 2022" in history.css_first("summary").text()
    assert "vous étiez peut-être éligible" in history.css_first("summary").text()
    assert history.css_first(f'a[href="https://{OLD_FORM}"]')
    # Our own tree names the retired form only as dated 2022 history.
    tree_button = doc.css_first(f'details#une-administration [data-history] .qt-answer a[href="https://{OLD_FORM}"]')
    assert "2022" in tree_button.text() and "2024" in tree_button.parent.parent.text()
    vendor = doc.css_first("details#un-editeur-de-logiciel .audience__today").text()
    assert (
        "clients publics" in vendor
        and "référencé" in vendor
        and not doc.css("details#un-editeur-de-logiciel [data-history]")
    )


def test_the_api_page_marks_the_v2_sections_of_the_body(site):
    doc = LexborHTMLParser((site / "les-api/api-statut-etudiant/index.html").read_text(encoding="utf-8"))
    heading = doc.css_first("h3#scopes-a-transmettre-a-franceconnect")
    mark = heading.next
    while mark is not None and mark.tag != "p":
        mark = mark.next
    assert mark is not None and "version-mark" in mark.attributes.get("class", "")
    assert " ".join(mark.text().split()).startswith("V2, retirée le 2025-05-28")
    assert mark.css_first("a").attributes["href"].endswith("scopes/?version=v3")
    # The body's own text is untouched: the list of V2 scopes follows the marker.
    assert "mesri_inscription_autre" in heading.parent.text()
    toc = [a.text().strip() for a in doc.css(".md-nav--secondary a")]
    assert "Scopes à transmettre à FranceConnect (V2, retirée)" in toc


def test_the_seed_alone_keeps_its_published_answers(tmp_path):
    catalogue, problems = load(seed_content(tmp_path / "content"))
    api = catalogue.apis["api-statut-etudiant"]
    assert api.history is None and not api.access.dated
    assert api.access.route.href == f"https://{OLD_FORM}"
    assert [a.eligible for a in api.access.audiences] == ["no", "yes", "under_condition"]
    assert not [p for p in problems.items if p.category == "access"]


def test_the_seed_alone_meets_the_retired_tree_question_only_as_history(tmp_path):
    """The seed's access page asks our tree's 2022 question, which no longer holds: today's question comes first,
    the 2022 one and its retired form only folded and dated, and out of the search."""
    assert build(seed_content(tmp_path / "content"), tmp_path / "site") == 0
    page = tmp_path / "site/les-api/api-statut-etudiant/demande-acces/index.html"
    tree = LexborHTMLParser(page.read_text(encoding="utf-8")).css_first("details#une-administration .question-tree")
    today, history = tree.css_first("fieldset"), tree.css_first("details[data-history]")
    assert today.attributes["data-question"] == "acces" and not in_history(today)
    assert today.css_first('a[href="https://datapass.api.gouv.fr/api-particulier"]')
    assert "Publié en 2022" in history.css_first("summary").text()
    assert history.css_first("time").attributes["datetime"] == "2024-02-13"
    old = tree.css(f'a[href="https://{OLD_FORM}"]')
    assert old and all(in_history(a) for a in old)
    index = (tmp_path / "site/search/search_index.json").read_text(encoding="utf-8")
    assert "Formulaire de 2022" not in index and "question gardée" not in index.lower()


def test_a_retired_question_inside_an_unsearched_block_leaks_nothing_into_search(tmp_path):
    """Today's access summary is also shown in the fiche's access card, which the search skips: a retired question
    there must not end that skipped block early."""
    content = project_copy(tmp_path)
    edit(
        content,
        "opérateurs, acteurs de santé) peuvent la demander, sur DataPass.\n",
        "opérateurs, acteurs de santé) peuvent la demander, sur DataPass.\n\n"
        "    <QuestionTree tree='france-connected-api' question='statutEtudiant' />\n\n    Texte après l'arbre.\n",
    )
    assert build(content, tmp_path / "site") == 0
    index = json.loads((tmp_path / "site/search/search_index.json").read_text(encoding="utf-8"))["docs"]

    def text(page: str) -> str:
        return " ".join(d["text"] for d in index if d["location"].partition("#")[0] == page)

    fiche, access = text("les-api/api-statut-etudiant/"), text("les-api/api-statut-etudiant/demande-acces/")
    assert "Texte après" not in fiche and "Texte après" in access
    assert "Formulaire de 2022" not in fiche + access


def test_a_notice_about_access_without_current_access_is_warned(tmp_path):
    folder = project_copy(tmp_path)
    path = folder / "api" / "api-statut-etudiant.md"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("\naccess:\n"), text.index("\nfranceconnect:\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    catalogue, problems = load(folder)
    [warning] = [p for p in problems.warnings if p.category == "access"]
    assert warning.line == line_of(path, "about: access") and "ne déclare pas l'accès en vigueur" in warning.message
    assert catalogue.apis["api-statut-etudiant"].history is None


def test_missing_routes_and_unanswered_publics_are_warned(tmp_path):
    folder = project_copy(tmp_path)
    path = folder / "api" / "api-statut-etudiant.md"
    text = path.read_text(encoding="utf-8")
    text = text[: text.index("  routes:\n")] + "  routes: []\n" + text[text.index("  audiences:\n") :]
    start = text.index("    - who: [Une entreprise, Une association]")
    end = text.index("    - who: [Un éditeur de logiciel]")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    catalogue, problems = load(folder)
    messages = {p.line: p.message for p in problems.items if p.category == "access"}
    assert any("aucune voie de demande" in m for m in messages.values()), messages
    entreprise = line_of(path, "      - Une entreprise")
    assert any(
        line <= entreprise and "« Une entreprise » (Entreprise et Association) avait une réponse en 2022" in m
        for line, m in messages.items()
    ), messages
    api = catalogue.apis["api-statut-etudiant"]
    assert [e.who for e in api.history.unpaired] == [["Une entreprise"]]
    assert "company_and_association" not in api.conditions


@pytest.mark.parametrize("date", ["31/12/2019", "2023-02-30", "bientôt"])
def test_dates_must_be_calendar_days(tmp_path, date):
    folder = project_copy(tmp_path)
    path = edit(folder, 'since: "2024-02-13"', f'since: "{date}"')
    _, problems = load(folder)
    [error] = problems.errors
    assert error.line == line_of(path, "  since: ") and "AAAA-MM-JJ" in error.message


def test_a_published_anchor_opens_today_s_answer(tmp_path):
    folder = project_copy(tmp_path)
    edit(folder, "    - who: [Une entreprise, Une association]", "    - who: [Une entreprise ou une association]")
    catalogue, problems = load(folder)
    assert not problems.items, [str(p) for p in problems.items]
    audience = next(
        a
        for a in catalogue.apis["api-statut-etudiant"].access.audiences
        if a.eligible == "no" and a.history and a.history[0].who == ["Une entreprise"]
    )
    assert audience.anchor == "une-entreprise-ou-une-association" and audience.aliases == ["une-entreprise"]
    site = tmp_path / "site"
    assert build(folder, site, strict=True) == 0
    doc = LexborHTMLParser((site / "les-api/api-statut-etudiant/demande-acces/index.html").read_text(encoding="utf-8"))
    panel = doc.css_first("details#une-entreprise-ou-une-association")
    assert panel.attributes["data-anchors"] == "une-entreprise" and panel.css_first("span#une-entreprise")
    eligibility = LexborHTMLParser((site / "eligibilite/index.html").read_text(encoding="utf-8"))
    link = eligibility.css_first("section#company_and_association [data-api] a").attributes["href"]
    assert link.endswith("demande-acces/#une-entreprise-ou-une-association")


def test_a_body_section_that_does_not_exist_is_warned(tmp_path):
    folder = project_copy(tmp_path)
    path = edit(folder, '"Modalités d\'utilisation des scopes"', '"Modalités des scopes"')
    _, problems = load(folder)
    [warning] = [p for p in problems.warnings if p.category == "dangling section"]
    assert warning.line == line_of(path, "sections: [") and "Modalités des scopes" in warning.message


@pytest.mark.parametrize(
    ("edits", "field"),
    [
        ([("  partners: [renater, dinum]", "  partners: [renater, un-inconnu]")], "access.partners[1]"),
        ([("  partners: [renater, dinum]\n", ""), ("  - renater\n", "  - un-inconnu\n")], "partners[0]"),
    ],
)
def test_a_partner_is_warned_where_it_is_written(tmp_path, edits, field):
    """Today's access writes its partners, or takes the fiche's: a partner without a file is warned at its line
    either way, after the loaded file has dropped its front matter."""
    folder = project_copy(tmp_path)
    for old, new in edits:
        path = edit(folder, old, new)
    catalogue, problems = load(folder)
    [warning] = [p for p in problems.warnings if p.category == "partner without producer"]
    assert (warning.line, warning.message.split(":")[0]) == (line_of(path, "un-inconnu"), field)
    assert catalogue.apis["api-statut-etudiant"].doc.meta is None
