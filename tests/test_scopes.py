"""The scope model: the facts file's test vectors, the scope string, the authorize URL, the body fallback."""

import dataclasses
import shutil

import pytest

from generator import model, scopes
from generator.problems import Problems
from generator.reading import read

from conftest import CONTENT, seed_path

ETAB_PARIS = {"uai": "0751967F", "nom": "UFR ECONOMIE UNIVERSITE PARIS 1 (75634)"}
ETAB_TOULOUSE = {"uai": "0313124C", "nom": "Université Toulouse Capitole"}
ETAB_BORDEAUX = {"uai": "0330023W", "nom": "LYCEE GENERAL ET TECHNOLOGIQUE CAMILLE JULLIAN"}
IDENTITY = {"nom": "Dupont", "prenom": "Jean", "dateNaissance": "2000-01-01"}
A = {
    "statut": "inscrit",
    "regime": "formation initiale",
    "dateDebut": "2020-07-01",
    "dateFin": "2021-08-31",
    "codeCommune": "75113",
    "etablissement": ETAB_PARIS,
}
B = {
    "statut": "inscrit",
    "regime": "formation continue",
    "dateDebut": "2022-09-01",
    "dateFin": "2023-08-31",
    "codeCommune": "31555",
    "etablissement": ETAB_TOULOUSE,
}
C = {
    "statut": "admis",
    "regime": "formation initiale",
    "dateDebut": "2020-07-01",
    "dateFin": "2021-08-31",
    "codeCommune": "33063",
    "etablissement": ETAB_BORDEAUX,
}
S1 = {**IDENTITY, "inscriptions": [A]}
S2 = {**IDENTITY, "inscriptions": [A, B, C]}
A_OUT = {
    "statut": "inscrit",
    "regime": "formation initiale",
    "dateDebutInscription": "2020-07-01",
    "dateFinInscription": "2021-08-31",
}
B_OUT = {
    "statut": "inscrit",
    "regime": "formation continue",
    "dateDebutInscription": "2022-09-01",
    "dateFinInscription": "2023-08-31",
}

# mesri_identite was not in the seed's V2 form; the vectors that use it declare it next to the seed's scopes.
IDENTITE = scopes.Scope(id="mesri_identite", label="Identité", role="mask", fields=["nom", "prenom", "dateNaissance"])


@pytest.fixture(scope="module")
def scope_set():
    return model.load(CONTENT, Problems()).apis["api-statut-etudiant"].scopes


@pytest.fixture(scope="module")
def v2(scope_set):
    version = scope_set.version("v2")
    return dataclasses.replace(version, scopes=version.scopes + [IDENTITE])


@pytest.fixture(scope="module")
def v3(scope_set):
    return scope_set.version("v3")


VECTORS = [
    ("S1 formation initiale", S1, ["mesri_inscription_etudiant"], {"inscriptions": [A_OUT]}),
    (
        "S1 initiale + établissements + identité",
        S1,
        ["mesri_inscription_etudiant", "mesri_etablissements", "mesri_identite"],
        {**IDENTITY, "inscriptions": [{**A_OUT, "etablissement": ETAB_PARIS, "codeCommune": "75113"}]},
    ),
    ("S1 formation continue only", S1, ["mesri_inscription_autre"], {"inscriptions": []}),
    (
        "S2 initiale + continue",
        S2,
        ["mesri_inscription_etudiant", "mesri_inscription_autre"],
        {"inscriptions": [A_OUT, B_OUT]},
    ),
    (
        "S2 admission + établissements",
        S2,
        ["mesri_admission", "mesri_etablissements"],
        {
            "inscriptions": [
                {
                    "statut": "admis",
                    "regime": "formation initiale",
                    "dateDebutAdmission": "2020-07-01",
                    "dateFinAdmission": "2021-08-31",
                    "etablissement": ETAB_BORDEAUX,
                    "codeCommune": "33063",
                }
            ]
        },
    ),
    ("S2 établissements alone: no enrolment data", S2, ["mesri_etablissements"], {}),
]


@pytest.mark.parametrize("name, record, ids, expected", VECTORS, ids=[v[0] for v in VECTORS])
def test_v2_vectors(v2, name, record, ids, expected):
    assert v2.preview(ids, record) == expected


# V3 records: the facts file's S1 and S2 in V3's shape (S2 (c) is admitted, not enrolled).
A3 = {
    "date_debut": "2020-07-01",
    "date_fin": "2021-08-31",
    "est_inscrit": True,
    "code_cog_insee_commune": "75113",
    "regime_formation": {"libelle": "formation initiale", "code": "RF1"},
    "etablissement_etudes": ETAB_PARIS,
}
B3 = {
    "date_debut": "2022-09-01",
    "date_fin": "2023-08-31",
    "est_inscrit": True,
    "code_cog_insee_commune": "31555",
    "regime_formation": {"libelle": "formation continue", "code": "RF5"},
    "etablissement_etudes": ETAB_TOULOUSE,
}
C3 = {
    "date_debut": "2020-07-01",
    "date_fin": "2021-08-31",
    "est_inscrit": False,
    "code_cog_insee_commune": "33063",
    "regime_formation": {"libelle": "formation initiale", "code": "RF1"},
    "etablissement_etudes": ETAB_BORDEAUX,
}
IDENTITE3 = {"nom_naissance": "Dupont", "prenom": "Jean", "date_naissance": "2000-01-01"}
S1_3 = {"identite": IDENTITE3, "admissions": [A3]}
S2_3 = {"identite": IDENTITE3, "admissions": [A3, B3, C3]}
DATES = [{"date_debut": e["date_debut"], "date_fin": e["date_fin"]} for e in (A3, B3, C3)]
ALL_FC = [
    "mesri_admissions",
    "mesri_admission_inscrit",
    "mesri_admission_regime_formation",
    "mesri_admission_commune_etudes",
    "mesri_admission_etablissement_etudes",
]


def test_v3_1_base_scope_returns_every_admission(v3):
    assert v3.preview(["mesri_admissions"], S2_3) == {"admissions": DATES}


def test_v3_2_inscrit_adds_est_inscrit(v3):
    expected = [{**d, "est_inscrit": flag} for d, flag in zip(DATES, (True, True, False))]
    assert v3.preview(["mesri_admissions", "mesri_admission_inscrit"], S2_3) == {"admissions": expected}


def test_v3_3_all_fc_scopes(v3):
    assert v3.preview(ALL_FC, S1_3) == {"admissions": [A3]}


def test_v3_4_sub_scope_alone_gets_its_base(v3):
    assert v3.resolve(["mesri_admission_inscrit"]) == ["mesri_admissions", "mesri_admission_inscrit"]
    assert v3.required(["mesri_admission_inscrit"]) == [("mesri_admission_inscrit", "mesri_admissions")]
    # the explanation holds while the choice does, not only on the click that added the base
    assert v3.required(["mesri_admissions", "mesri_admission_inscrit"]) == [
        ("mesri_admission_inscrit", "mesri_admissions")
    ]
    assert "mesri_admissions" in v3.warnings(["mesri_admission_inscrit"])[0]
    assert v3.scope_string(["mesri_admission_inscrit"]).endswith("mesri_admissions mesri_admission_inscrit")
    # without the chooser's help, the API would send no admissions key at all
    bare = dataclasses.replace(v3, scopes=[dataclasses.replace(s, requires=[]) for s in v3.scopes])
    assert "admissions" not in bare.preview(["mesri_admission_inscrit"], S1_3)


def test_v3_5_identite_never_comes_over_franceconnect(v3):
    assert "identite" not in v3.preview(["mesri_identite", "mesri_admissions"], S1_3)
    assert any("FranceConnect" in w for w in v3.warnings(["mesri_identite"]))


def test_v3_answer_is_enveloped_and_says_when_nothing_comes(v3):
    answer = v3.answer(["mesri_admissions"], S1_3)
    assert answer["status"] == 200 and answer["body"] == {"data": {"admissions": DATES[:1]}, "links": {}, "meta": {}}
    for ids in ([], ["mesri_identite"]):  # identity is dropped over FranceConnect: no data scope, so 403 00100
        refused = v3.answer(ids, S1_3)
        assert refused["status"] == 403 and refused["body"]["errors"][0]["code"] == "00100", ids
    empty = v3.answer(["mesri_admissions"], {"admissions": []})
    assert empty["status"] == 200 and empty["body"]["data"] == {"admissions": []} and empty["note"]


def test_v2_answers_404_whenever_no_enrolment_is_kept(v2):
    for ids in ([], ["mesri_identifiant"], ["mesri_etablissements"], ["mesri_inscription_autre"]):
        answer = v2.answer(ids, S1)
        assert answer["status"] == 404 and answer["body"]["error"] == "no_enrollment", ids
    assert v2.answer(["mesri_inscription_etudiant"], S1)["status"] == 200


def test_errors_and_call_are_content(v3, v2):
    codes = {(e["status"], e["code"]) for e in v3.errors}
    assert {
        (401, "50001"),
        (401, "50002"),
        (401, "50003"),
        (403, "00100"),
        (404, "25003"),
        (422, "00203"),
        (422, "00210"),
        (429, "00429"),
    } <= codes
    assert v3.error_status({"errors": [{"code": "25003", "title": "x"}]}) == 404
    assert v3.error_status({"errors": [{"code": "99999"}]}) == 0  # an error, of a status the content does not know
    assert v3.error_status({"data": {"admissions": []}}) is None
    assert v2.error_status({"error": "no_enrollment"}) == 404
    [recipient] = v3.parameters
    assert recipient["name"] == "recipient" and recipient["required"] and "422" in recipient["text"]
    assert v2.implementation and "404" in v2.implementation


def test_a_pasted_body_is_read_by_its_shape(v3, v2):
    staging = {"data": {"admissions": [A3]}, "links": {}, "meta": {}}
    assert v3.record_of(staging) == staging["data"] and v2.record_of(staging) is None
    v2_body = {"nom": "Dupont", "inscriptions": []}
    assert v2.record_of(v2_body) == v2_body and v3.record_of(v2_body) is None
    assert v3.record_of({"data": {"autre": 1}}) is None


def test_use_case_filters_run_on_the_answer(v3):
    cases = {c.id: c for c in v3.use_cases}
    now = {**A3, "date_debut": "2026-09-01", "date_fin": "2027-08-31"}
    record = {"admissions": [A3, now, {**now, "est_inscrit": False}]}
    result = v3.filter_result(cases["statut-etudiant"], "2026-12-05", record)
    assert result["entries"] == [False, True, False] and result["passes"]
    assert not v3.filter_result(cases["statut-etudiant"], "2026-12-05", S2_3)["passes"]  # nothing covers that day
    assert v3.filter_result(cases["etudiants-admis"], "2026-12-05", S2_3)["entries"] == [False, False, True]
    # V2's formation initiale is RF1 to RF4: the local aid keeps an apprentice (RF4), not continuing education
    apprentice = {**now, "regime_formation": {"libelle": "apprentissage", "code": "RF4"}}
    continuing = {**now, "regime_formation": {"libelle": "formation continue", "code": "RF5"}}
    local = v3.filter_result(cases["aide-locale"], "2026-12-05", {"admissions": [apprentice, continuing]})
    assert local["entries"] == [True, False]


def test_every_use_case_asks_only_for_what_its_filter_reads(v3):
    for case in v3.use_cases:
        asked = [s for s in v3.by_id(case.scopes) if s.role == "mask" and not s.withheld]
        for scope in asked:
            assert set(scope.output_fields()) & case.reads(), (case.id, scope.id)


def test_migration_keeps_what_v2_returned(scope_set):
    v2, v3 = scope_set.version("v2"), scope_set.current
    for old in v2.use_cases:
        new = next(c for c in v3.use_cases if c.replaces == old.id)
        returned = {f for s in v2.by_id(v2.resolve(old.scopes)) for f in s.output_fields()}
        needs = set()
        if "etablissement" in returned:
            needs |= {"mesri_admission_etablissement_etudes", "mesri_admission_commune_etudes"}
        if "mesri_admission" in old.scopes:
            needs.add("mesri_admission_regime_formation")
        assert needs <= set(v3.resolve(new.scopes)), (old.id, new.id)
        fi_only = "mesri_inscription_etudiant" in old.scopes and "mesri_inscription_autre" not in old.scopes
        if fi_only:
            assert any(
                c.get("field") == "regime_formation.code" and set(c["in"]) == {"RF1", "RF2", "RF3", "RF4"}
                for c in new.rule
            ), new.id
    assert scope_set.forward(v2, ["mesri_inscription_etudiant", "mesri_etablissements"])["use_case"] == "aide-locale"
    admitted = next(c for c in v3.use_cases if c.id == "etudiants-admis")
    assert scope_set.forward(v2, ["mesri_admission"]) == {
        "scopes": v3.resolve(admitted.scopes),
        "use_case": "etudiants-admis",
    }
    loose = scope_set.forward(v2, ["mesri_etablissements"])
    assert loose == {
        "scopes": ["mesri_admissions", "mesri_admission_commune_etudes", "mesri_admission_etablissement_etudes"],
        "use_case": "",
    }


def test_naming_conflict_is_content(v3):
    scope = v3.by_id(["mesri_admission_etablissement_etudes"])[0]
    assert [a["id"] for a in scope.aliases] == ["mesri_admission_etablissement_etude"]
    assert v3.canonical("mesri_admission_etablissement_etude") == "mesri_admission_etablissement_etudes"
    assert scope.conflict in v3.warnings(["mesri_admission_etablissement_etudes"])


def test_v2_answer_when_nothing_is_kept(v2):
    answer = v2.answer(["mesri_etablissements"], S2)
    assert answer["status"] == 404 and answer["body"]["error"] == "no_enrollment" and answer["note"]


def test_v2_no_population_warning_fires_for_every_choice_without_one(v2):
    no_population = v2.message("no_population")
    for ids in (["mesri_etablissements"], ["mesri_identifiant"], ["mesri_identifiant", "mesri_etablissements"]):
        assert no_population in v2.warnings(ids), ids
    assert no_population not in v2.warnings(["mesri_etablissements", "mesri_admission"])
    assert any("INE" in w for w in v2.warnings(["mesri_identifiant"]))
    assert v2.warnings([]) == []


def test_ine_comes_back_empty_over_franceconnect(v2):
    assert v2.preview(["mesri_identifiant"], S1) == {"ine": None}


def test_current_version_first(scope_set):
    assert scope_set.current.id == "v3" and [v.id for v in scope_set.ordered] == ["v3", "v2"]
    data = scope_set.to_json()
    assert data["default_version"] == "v3" and [v["id"] for v in data["versions"]] == ["v3", "v2"]


def test_migration_covers_every_v2_scope_and_use_case(scope_set):
    rows = scope_set.migration()
    v2 = scope_set.version("v2")
    assert {r["old"][0] for r in rows if r["kind"] == "scope"} == {s.id for s in v2.scopes}
    assert len([r for r in rows if r["kind"] == "use_case"]) == len(v2.use_cases)


def test_scope_string_is_stable(v2):
    case = next(c for c in v2.use_cases if c.id == "etudiants-departement")
    expected = (
        "openid given_name family_name birthdate gender birthplace birthcountry "
        "mesri_inscription_etudiant mesri_inscription_autre mesri_etablissements"
    )
    assert v2.scope_string(case.scopes) == expected
    assert v2.scope_string(list(reversed(case.scopes))) == expected


def test_authorize_url(v3):
    url = v3.authorize_url(["mesri_admissions"])
    assert url.startswith("https://fcp-low.integ01.dev-franceconnect.fr/api/v2/authorize?response_type=code&")
    assert (
        "scope=openid%20given_name%20family_name%20birthdate%20gender%20birthplace%20birthcountry%20mesri_admissions"
        in url
    )
    for part in ("acr_values=eidas1", "client_id=", "redirect_uri=", "state=", "nonce="):
        assert part in url


def test_body_and_front_matter_must_name_the_same_scopes(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    path = content / "api" / "api-statut-etudiant.md"
    text = path.read_text()
    path.write_text(text.replace("- Admissions : `mesri_admission`", "- Admissions : `mesri_admision`"))
    problems = Problems()
    model.load(content, problems)
    found = [p for p in problems.warnings if p.category == "scope mismatch"]
    body_line = text.replace("- Admissions : `mesri_admission`", "\x00").split("\x00")[0].count("\n") + 1
    assert any(p.line == body_line and "mesri_admision" in p.message for p in found), found
    assert any("mesri_admission »" in p.message and "absent de la liste du corps" in p.message for p in found), found


def test_fallback_reads_the_unmodified_seed_body():
    doc = read(seed_path(), Problems())
    found = scopes.from_body(doc.body)
    assert [(s.label, s.id) for s in found.current.scopes] == [
        ("Numéro INE", "mesri_identifiant"),
        ("Inscriptions en formation continue", "mesri_inscription_autre"),
        ("Inscriptions en formation initiale", "mesri_inscription_etudiant"),
        ("Admissions", "mesri_admission"),
        ("Établissements", "mesri_etablissements"),
    ]
    assert not found.declared and found.current.preview(["mesri_admission"]) == {}
    assert found.current.base_scopes == ["openid"] and not found.current.identity_known


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
        "franceconnect.use_cases[0].scopes[1]: scope « x_unknown » non déclaré"
    ]
    found = catalogue.apis["bourse"].scopes
    record = {"droits": [{"boursier": True, "echelon": 3, "ville": "Lyon"}, {"boursier": False, "echelon": 0}]}
    assert found.current.preview(["x_boursier", "x_ville"], record) == {"droits": [{"echelon": 3, "ville": "Lyon"}]}
