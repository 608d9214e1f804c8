"""Shapes the schema lets through but the page would show wrong: each gets a `path:line` error from `check`."""

from __future__ import annotations

import pytest

from generator import model
from generator.problems import Problems

from conftest import errors_at, line_of, load_with


def test_the_project_content_has_none_of_these(tmp_path):
    problems, _ = load_with(tmp_path)
    assert not problems.errors


CASES = {
    "envelope named like a key the envelope adds": (
        ("      envelope: data\n", "      envelope: links\n"),
        "envelope: links",
        "clé que l'enveloppe ajoute",
    ),
    "message placeholder the message does not receive": (
        ('        no_entries: "La réponse', '        no_entries: "{0} {constructor} La réponse'),
        'no_entries: "{0}',
        "n'est pas une valeur que ce message reçoit",
    ),
    "alias equal to another scope's id": (
        ("            - id: mesri_admission_etablissement_etude\n", "            - id: mesri_admissions\n"),
        "            - id: mesri_admissions\n",
        "déjà l'identifiant",
    ),
    "openid declared as a scope": (
        ("        - id: mesri_admissions\n", "        - id: openid\n"),
        "        - id: openid\n",
        "transmis deux fois",
    ),
    "two versions describe the body": (
        ("      status: current\n", "      status: current\n      body: true\n"),
        "      body: true\n      # The body",
        "une seule version",
    ),
    "__proto__ as a field": (
        ("          fields: [date_debut, date_fin]\n", "          fields: [__proto__, date_fin]\n"),
        "fields: [__proto__",
        "ne peut pas être un nom de champ",
    ),
    "a requires cycle": (
        (
            "          role: population\n          summary: Renvoie",
            "          role: population\n          requires: [mesri_admission_inscrit]\n          summary: Renvoie",
        ),
        "requires: [mesri_admission_inscrit]",
        "cycle",
    ),
    "ids that collide across versions": (
        ("    - id: v2\n", "    - id: v3-mesri\n"),
        None,
        "désigne déjà un élément de la page",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_silent_shape_is_an_error_at_its_line(tmp_path, case):
    edit, at, expected = CASES[case]
    edits = [edit]
    if case == "ids that collide across versions":  # v3 + "mesri-x" and "v3-mesri" + "x" give one element id
        edits.append(("        - id: mesri_identifiant\n", "        - id: x\n"))
        edits.append(("        - id: mesri_admissions\n", "        - id: mesri-x\n"))
        at = "        - id: x\n"
    problems, text = load_with(tmp_path, *edits)
    messages = errors_at(problems, line_of(text, at))
    assert any(expected in m for m in messages), [str(p) for p in problems.errors]


def test_messages_fill_placeholders_as_the_page_does():
    from generator.scopes import MESSAGES, Scope, Version

    version = Version(
        "v", "V", [Scope(id="a", label="A", role="mask")], messages={"requires": "{scope} sans {required} : {other}"}
    )
    assert version.message("requires", scope="a", required="b") == "a sans b : {other}"
    assert version.message("withheld", scope="a") == MESSAGES["withheld"].replace("{scope}", "a")


def test_a_related_slug_in_another_case_is_an_error(tmp_path):
    problems, text = load_with(
        tmp_path, ("  - slug: api-statut-etudiant-boursier", "  - slug: API-Statut-Etudiant-Boursier")
    )
    assert any("la casse compte" in m for m in errors_at(problems, line_of(text, "API-Statut-Etudiant-Boursier")))


@pytest.mark.parametrize("name", ["audiences.yaml", "AUDIENCES.YML", "Audiences.yml"])
def test_an_audiences_file_under_another_name_is_reported(tmp_path, name):
    from conftest import seed_content

    content = seed_content(tmp_path / "content")
    (content / name).write_text("roles: {}\n", encoding="utf-8")
    problems = Problems()
    model.load(content, problems)
    assert any(str(p.path).endswith(name) and p.line == 1 and "audiences.yml" in p.message for p in problems.errors)


def test_two_labels_that_fold_to_one_with_other_roles_are_an_error(tmp_path):
    from conftest import seed_content

    content = seed_content(tmp_path / "content")
    (content / "audiences.yml").write_text(
        'labels:\n  "Une Mairie": local_authority_and_administration\n  "une  mairie": company_and_association\n',
        encoding="utf-8",
    )
    problems = Problems()
    catalogue = model.load(content, problems)
    assert [p.line for p in problems.errors if "se confond avec" in p.message] == [3]
    assert catalogue.audiences.roles_of("Une mairie") == ["local_authority_and_administration"]


@pytest.mark.parametrize("name", ["con.md", "NUL.md", "com1.md", "lpt9.md"])
def test_names_windows_reserves_are_refused(tmp_path, name):
    from conftest import seed_content

    content = seed_content(tmp_path / "content")
    (content / "api" / name).write_text(
        (content / "api" / "api-statut-etudiant.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    problems = Problems()
    catalogue = model.load(content, problems)
    assert any(str(p.path).endswith(name) and "réservé" in p.message for p in problems.errors)
    assert name.removesuffix(".md").lower() not in {slug.lower() for slug in catalogue.apis}
