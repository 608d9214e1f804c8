"""The declarations build the records: what `Map.clean` returns, and what a refused item leaves behind."""

from __future__ import annotations

import dataclasses

import pytest

from generator import model, scopes, trees
from generator.problems import Problems
from generator.reading import parse
from generator.spec import MISSING

from conftest import API_FILE, CONTENT, errors_at, line_of, load_with


def _doc(text: str):
    return parse(f"---\n{text}---\n", CONTENT / API_FILE, Problems())


def test_a_declared_map_returns_its_record_and_where_it_was_written():
    doc = _doc("route:\n  id: franceconnect\n  label: Avec FranceConnect\n  href: https://datapass.api.gouv.fr/x\n")
    problems = Problems()
    route = model.ACCESS_ROUTE.clean(doc.meta["route"], ("route",), doc, problems)
    assert isinstance(route, model.Route)
    assert (route.id, route.form, route.text) == ("franceconnect", "", "")  # declared defaults
    assert route.where == ("route",)
    assert not problems.errors


def test_an_item_whose_required_field_failed_is_reported_once_and_left_out():
    doc = _doc(
        "routes:\n"
        "  - id: a\n    label: A\n    href: https://datapass.api.gouv.fr/a\n"
        "  - id: b\n    href: https://datapass.api.gouv.fr/b\n"  # no label
        "  - id: c\n    label: C\n    href: javascript:alert(1)\n"  # refused href
    )
    problems = Problems()
    routes = model.CURRENT_ACCESS.fields["routes"].check.clean(doc.meta["routes"], ("routes",), doc, problems)
    assert [r.id for r in routes] == ["a"]
    assert [r.where for r in routes] == [("routes", 0)]
    assert [p.message for p in problems.errors] == ["routes[1].label: champ obligatoire manquant"]
    assert [p.line for p in problems.errors] == [6]  # the item's first line


def test_a_subclass_is_what_its_map_builds():
    assert model.API.builds is model.Api
    assert model.ACCESS_ENTRY.builds is model.AccessEntry
    assert scopes.VERSION.builds is scopes.Version
    assert trees.TREE.builds is trees.Tree


def test_an_api_is_a_record_without_hidden_attributes():
    problems = Problems()
    catalogue = model.load(CONTENT, problems)
    api = catalogue.apis["api-statut-etudiant"]
    assert dataclasses.is_dataclass(api)
    assert api.title == "API Statut Etudiant" and api.producer == "mesri" and api.owner.slug == "mesri"
    assert api.partners == ["renater"]  # as written; today's are in api.access
    with pytest.raises(AttributeError):
        api.meta  # noqa: B018 — the front matter is read through declared fields only
    with pytest.raises(AttributeError):
        api.not_a_field  # noqa: B018


def test_a_refused_scope_shifts_no_message_onto_its_neighbour(tmp_path):
    """Items left out of a list keep their written index: a later duplicate is named where it is written."""
    problems, text = load_with(
        tmp_path,
        (
            "        - id: mesri_admissions\n          label: Admissions (scope de base)\n",
            "        - id: mesri_admissions\n",
        ),
        ("        - id: mesri_admission_regime_formation\n", "        - id: mesri_admission_inscrit\n"),
    )
    line = line_of(text, "        - id: mesri_admission_inscrit\n          label: Régime") + 0
    assert errors_at(problems, line) == [
        "franceconnect.versions[0].scopes[2].id: « mesri_admission_inscrit » est déjà déclaré"
    ]
    # the refused scope was reported once; the scopes that require it are not reported again
    assert not [p for p in problems.errors if "« mesri_admissions » non déclaré" in p.message]


def test_a_fiche_without_a_required_field_still_has_its_body_checked(tmp_path):
    problems, _ = load_with(
        tmp_path,
        ("title: API Statut Etudiant\n", ""),
        ("\n### ", '\n<Button href="javascript:alert(1)">x</Button>\n\n### '),
    )
    messages = [p.message for p in [*problems.errors, *problems.warnings] if str(p.path).endswith(API_FILE)]
    assert "title: champ obligatoire manquant" in messages
    assert any("javascript" in m for m in messages), messages


def test_missing_is_never_a_record():
    doc = _doc("x: 1\n")
    assert model.NOTICE.clean(doc.meta, (), doc, Problems()) is MISSING


def test_the_versions_structure_is_checked(tmp_path):
    problems, text = load_with(
        tmp_path,
        (
            "    - id: v2\n      label: V2\n      status: retired\n",
            "    - id: v2\n      label: V2\n      status: current\n",
        ),
        ("  identity_alias: identite_pivot\n", "  identity_alias: identite_pivot\n  entries: admissions\n"),
    )
    assert errors_at(problems, line_of(text, "  versions:\n")) == [
        "franceconnect.versions: une seule version doit avoir `status: current` (2 ici)"
    ]
    assert errors_at(problems, line_of(text, "  entries: admissions\n")) == [
        "franceconnect.entries: avec `versions`, se déclare dans chaque version"
    ]


def test_a_version_declared_twice_is_reported_where_written(tmp_path):
    problems, text = load_with(tmp_path, ("    - id: v2\n      label: V2\n", "    - id: v3\n      label: V2\n"))
    line = line_of(text, "    - id: v3\n      label: V2\n")
    assert errors_at(problems, line) == ["franceconnect.versions[1].id: « v3 » est déjà déclaré"]
