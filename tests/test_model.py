"""The model validates a content folder and collects every problem with file, line and field."""

import shutil
from pathlib import Path

from generator import model
from generator.problems import Problems

from conftest import CONTENT, seed_content


def load(folder):
    problems = Problems()
    return model.load(Path(folder), problems), problems


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_project_content_is_clean():
    catalogue, problems = load(CONTENT)
    assert not problems.items, [str(p) for p in problems.items]
    api = catalogue.apis["api-statut-etudiant"]
    assert api.owner.slug == "mesri"
    assert [p.slug for p in api.access.partners] == ["renater", "dinum"]  # today's
    assert [p.slug for p in api.history.partners] == ["renater"]  # as published in 2022
    assert [e.is_eligible for e in api.history.entries] == [-1, 1, 0]
    assert [a.eligible for a in api.access.audiences] == ["no", "yes", "no", "no"]
    assert api.access.audiences[0].who == ["Un particulier", "Un étudiant"]
    assert len(api.scopes.version("v2").scopes) == 5 and len(api.scopes.current.use_cases) >= 4


def test_unmodified_seed_loads(tmp_path):
    catalogue, problems = load(seed_content(tmp_path))
    assert not problems.errors
    api = catalogue.apis["api-statut-etudiant"]
    assert api.scopes is not None and not api.scopes.declared  # scraped from the body


def test_every_problem_is_collected_in_one_run(tmp_path):
    folder = seed_content(tmp_path)
    write(
        folder,
        "api/broken.md",
        "---\ntitle: B\ntagline: t\nproducer: nobody\nis_open: 2\nthemes: Education\n"
        "access_page:\n  - who: [X]\n    is_eligible: yes\n---\nText\n",
    )
    write(folder, "api/untitled.md", "---\ntagline: t\nproducer: mesri\nis_open: 1\n---\n")
    _, problems = load(folder)
    messages = [str(p) for p in problems.errors]
    broken = str(folder / "api" / "broken.md")
    assert any(m.startswith(broken + ":5: is_open: doit valoir -1, 0 ou 1, pas 2") for m in messages), messages
    assert any(m.startswith(broken + ":6: themes: doit être une liste") for m in messages)
    assert any(m.startswith(broken + ":9: access_page[0].is_eligible") for m in messages)
    assert any(m.startswith(broken + ":4: producer: aucun fichier producteurs/nobody.md") for m in messages)
    assert any("untitled.md:1: title: champ obligatoire manquant" in m for m in messages)


def test_warnings_have_fallbacks(tmp_path):
    folder = seed_content(tmp_path)
    write(
        folder,
        "api/other.md",
        "---\ntitle: O\ntagline: t\nproducer: mesri\nis_open: -1\npartners:\nthemes: [éducation]\n"
        "datapass_link: https://datapass.api.gouv.fr/x\n---\n<QuestionTree tree='nope' question='q' />\n",
    )
    catalogue, problems = load(folder)
    assert not problems.errors
    kinds = {p.category for p in problems.warnings}
    assert {"null list", "dangling question tree", "theme spelling"} <= kinds
    assert catalogue.apis["other"].themes == ["Education"]  # folded into the more common spelling


def test_tree_schema_errors_name_file_and_line(tmp_path):
    folder = seed_content(tmp_path)
    write(
        folder,
        "question-trees/t.yml",
        "questions:\n  q:\n    qusontion: x\n    choices:\n      - labels: [Oui]\n        next: missing\n",
    )
    _, problems = load(folder)
    messages = [str(p) for p in problems.errors]
    path = str(folder / "question-trees" / "t.yml")
    assert f"{path}:3: questions.q.qusontion: clé inconnue (vouliez-vous dire « question » ?)" in messages
    assert any(m.startswith(f"{path}:2: questions.q.question: champ obligatoire manquant") for m in messages)


def test_dangling_tree_question_reported_at_reference_line(tmp_path):
    folder = seed_content(tmp_path)
    text = (
        (folder / "api" / "api-statut-etudiant.md").read_text().replace("question='statutEtudiant'", "question='nope'")
    )
    write(folder, "api/api-statut-etudiant.md", text)
    _, problems = load(folder)
    (warning,) = [p for p in problems.warnings if p.category == "dangling question tree"]
    assert warning.line == 20  # the <QuestionTree> line inside the YAML block scalar


def test_tree_loop_is_an_error(tmp_path):
    folder = seed_content(tmp_path)
    write(
        folder,
        "question-trees/loop.yml",
        "questions:\n  a:\n    question: A\n    choices:\n      - labels: [x]\n        next: b\n"
        "  b:\n    question: B\n    choices:\n      - labels: [y]\n        next: a\n",
    )
    _, problems = load(folder)
    assert any("boucle" in p.message for p in problems.errors)


def test_missing_api_folder(tmp_path):
    _, problems = load(tmp_path)
    assert problems.errors and "api/" in problems.errors[0].message


def test_producer_listing(tmp_path):
    folder = seed_content(tmp_path)
    shutil.copy(folder / "api" / "api-statut-etudiant.md", folder / "api" / "copy.md")
    catalogue, _ = load(folder)
    assert sorted(a.slug for a in catalogue.producers["mesri"].apis) == ["api-statut-etudiant", "copy"]
    assert len(catalogue.producers["renater"].partner_of) == 2


def test_a_loaded_api_keeps_its_lines_out_of_memory_and_finds_them_when_asked():
    """The line maps are most of a loaded file's memory: the catalogue keeps the front matter's text instead."""
    api = model.load(CONTENT, Problems()).apis["api-statut-etudiant"]
    assert api.doc.key_lines is None
    lines = api.source.read_text(encoding="utf-8").split("\n")
    assert lines[api.doc.line("title") - 1].startswith("title:")
    assert lines[api.doc.line("franceconnect", "versions", 0, "scopes", 1) - 1].lstrip().startswith("- ")
