"""The scope model: the facts file's test vectors, the scope string, the authorize URL, the body fallback."""

from pathlib import Path

import pytest

from conftest import CONTENT, seed_path

from generator import model, scopes
from generator.problems import Problems
from generator.reading import read

ETAB_PARIS = {"uai": "0751967F", "nom": "UFR ECONOMIE UNIVERSITE PARIS 1 (75634)"}
ETAB_TOULOUSE = {"uai": "0313124C", "nom": "Université Toulouse Capitole"}
ETAB_BORDEAUX = {"uai": "0330023W", "nom": "LYCEE GENERAL ET TECHNOLOGIQUE CAMILLE JULLIAN"}
IDENTITY = {"nom": "Dupont", "prenom": "Jean", "dateNaissance": "2000-01-01"}
A = {"statut": "inscrit", "regime": "formation initiale", "dateDebut": "2020-07-01", "dateFin": "2021-08-31",
     "codeCommune": "75113", "etablissement": ETAB_PARIS}
B = {"statut": "inscrit", "regime": "formation continue", "dateDebut": "2022-09-01", "dateFin": "2023-08-31",
     "codeCommune": "31555", "etablissement": ETAB_TOULOUSE}
C = {"statut": "admis", "regime": "formation initiale", "dateDebut": "2020-07-01", "dateFin": "2021-08-31",
     "codeCommune": "33063", "etablissement": ETAB_BORDEAUX}
S1 = {**IDENTITY, "inscriptions": [A]}
S2 = {**IDENTITY, "inscriptions": [A, B, C]}
A_OUT = {"statut": "inscrit", "regime": "formation initiale", "dateDebutInscription": "2020-07-01", "dateFinInscription": "2021-08-31"}
B_OUT = {"statut": "inscrit", "regime": "formation continue", "dateDebutInscription": "2022-09-01", "dateFinInscription": "2023-08-31"}

# mesri_identite is not in the seed; the vectors that use it declare it next to the seed's scopes.
IDENTITE = scopes.Scope(id="mesri_identite", label="Identité", role="mask", fields=["nom", "prenom", "dateNaissance"])


@pytest.fixture(scope="module")
def scope_set():
    catalogue = model.load(CONTENT, Problems())
    declared = catalogue.apis["api-statut-etudiant"].scopes
    return scopes.ScopeSet(**{**declared.__dict__, "scopes": declared.scopes + [IDENTITE]})


VECTORS = [
    ("S1 formation initiale", S1, ["mesri_inscription_etudiant"], {"inscriptions": [A_OUT]}),
    ("S1 initiale + établissements + identité", S1, ["mesri_inscription_etudiant", "mesri_etablissements", "mesri_identite"],
     {**IDENTITY, "inscriptions": [{**A_OUT, "etablissement": ETAB_PARIS, "codeCommune": "75113"}]}),
    ("S1 formation continue only", S1, ["mesri_inscription_autre"], {"inscriptions": []}),
    ("S2 initiale + continue", S2, ["mesri_inscription_etudiant", "mesri_inscription_autre"], {"inscriptions": [A_OUT, B_OUT]}),
    ("S2 admission + établissements", S2, ["mesri_admission", "mesri_etablissements"],
     {"inscriptions": [{"statut": "admis", "regime": "formation initiale", "dateDebutAdmission": "2020-07-01",
                        "dateFinAdmission": "2021-08-31", "etablissement": ETAB_BORDEAUX, "codeCommune": "33063"}]}),
    ("S2 établissements alone", S2, ["mesri_etablissements"], {"inscriptions": []}),
]


@pytest.mark.parametrize("name, record, ids, expected", VECTORS, ids=[v[0] for v in VECTORS])
def test_facts_vectors(scope_set, name, record, ids, expected):
    assert scope_set.preview(ids, record) == expected


def test_mask_without_population_warns(scope_set):
    assert scopes.NO_POPULATION in scope_set.warnings(["mesri_etablissements"])
    assert scopes.NO_POPULATION not in scope_set.warnings(["mesri_etablissements", "mesri_admission"])
    assert any("INE" in w for w in scope_set.warnings(["mesri_identifiant"]))
    assert scope_set.warnings([]) == []


def test_ine_comes_back_empty_over_franceconnect(scope_set):
    assert scope_set.preview(["mesri_identifiant"], S1) == {"ine": None}


def test_scope_string_is_stable(scope_set):
    case = next(c for c in scope_set.use_cases if c.id == "etudiants-departement")
    expected = ("openid given_name family_name birthdate gender birthplace birthcountry "
                "mesri_inscription_etudiant mesri_inscription_autre mesri_etablissements")
    assert scope_set.scope_string(case.scopes) == expected
    assert scope_set.scope_string(list(reversed(case.scopes))) == expected


def test_authorize_url(scope_set):
    url = scope_set.authorize_url(["mesri_admission"])
    assert url.startswith("https://fcp-low.integ01.dev-franceconnect.fr/api/v2/authorize?response_type=code&")
    assert "scope=openid%20given_name%20family_name%20birthdate%20gender%20birthplace%20birthcountry%20mesri_admission" in url
    for part in ("acr_values=eidas1", "client_id=", "redirect_uri=", "state=", "nonce="):
        assert part in url


def test_fallback_reads_the_unmodified_seed_body():
    doc = read(seed_path(), Problems())
    found = scopes.from_body(doc.body)
    assert [(s.label, s.id) for s in found.scopes] == [
        ("Numéro INE", "mesri_identifiant"),
        ("Inscriptions en formation continue", "mesri_inscription_autre"),
        ("Inscriptions en formation initiale", "mesri_inscription_etudiant"),
        ("Admissions", "mesri_admission"),
        ("Établissements", "mesri_etablissements"),
    ]
    assert not found.declared and found.preview(["mesri_admission"]) == {}


def test_content_rules_not_code(tmp_path):
    """Another API with other scopes works by writing content only."""
    text = """---
title: API Bourse
tagline: t
producer: mesri
is_open: -1
franceconnect:
  entries: droits
  scopes:
    - {id: x_boursier, label: Boursier, role: population, keeps: {boursier: true}, fields: [echelon]}
    - {id: x_ville, label: Ville, role: mask, applies_to: entries, fields: [ville]}
  use_cases:
    - {id: u, title: U, scopes: [x_boursier, x_unknown]}
---
"""
    (tmp_path / "api").mkdir()
    (tmp_path / "producteurs").mkdir()
    (tmp_path / "producteurs" / "mesri.md").write_text("---\nname: M\n---\n")
    (tmp_path / "api" / "bourse.md").write_text(text)
    problems = Problems()
    catalogue = model.load(tmp_path, problems)
    assert [str(p).split(": ", 1)[1] for p in problems.errors] == [
        "franceconnect.use_cases[0].scopes[1]: scope « x_unknown » non déclaré"]
    found = catalogue.apis["bourse"].scopes
    record = {"droits": [{"boursier": True, "echelon": 3, "ville": "Lyon"}, {"boursier": False, "echelon": 0}]}
    assert found.preview(["x_boursier", "x_ville"], record) == {"droits": [{"echelon": 3, "ville": "Lyon"}]}
