"""The maintainer's loop: every message at the line of the node it is about, one message per root cause, YAML
syntax errors where to fix them, exit codes as MkDocs', the browser box under `mkdocs serve`, and the commands
from any folder."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser
from test_plugin import _fetch_until, _free_port, config_for, start_serve, stop_serve

from generator import cli, model
from generator.problems import CATEGORIES, Problems

from conftest import ROOT, seed_content

COMMAND = Path(sys.executable).parent / "api-catalogue"

SCOPES = textwrap.dedent("""\
    ---
    title: Essai
    tagline: Une API d'essai
    producer: mesri
    is_open: -1
    franceconnect:
      endpoint: "GET https://exemple.gouv.fr/v1/essai"
      envelope: data
      entries: inscriptions
      errors:
        - {status: 404, code: "X1", title: Inconnu}
      scopes:
        - id: dropped
          label: Dropped
          role: filter
        - id: base
          label: Base
          role: population
          fields: [debut]
        - id: sub
          label: Sub
          role: mask
          applies_to: entries
          requires: [dropped, bse]
          fields: [x]
        - id: base
          label: Again
          role: mask
        - id: last
          label: Last
          role: mask
          requires: [nope]
      use_cases:
        - {id: u, title: U, scopes: [dropped, base, missing]}
    ---
    Corps.
    """)


def line_of(text: str, needle: str, after: str = "") -> int:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1


def load(content: Path) -> list:
    problems = Problems()
    model.load(content, problems)
    return problems.sorted()


def test_messages_name_the_written_entry_after_a_dropped_one(tmp_path):
    content = seed_content(tmp_path / "content")
    (content / "api" / "essai.md").write_text(SCOPES, encoding="utf-8")
    found = [(p.line, p.message) for p in load(content) if p.path.endswith("essai.md")]
    expected = {
        (line_of(SCOPES, "role: filter"), "franceconnect.scopes[0].role"),
        (line_of(SCOPES, "requires: [dropped, bse]"), "franceconnect.scopes[2].requires[1]: scope « bse » non déclaré"),
        (line_of(SCOPES, "- id: base", after="label: Sub"), "franceconnect.scopes[3].id: « base » est déjà déclaré"),
        (line_of(SCOPES, "requires: [nope]"), "franceconnect.scopes[4].requires[0]: scope « nope » non déclaré"),
        (line_of(SCOPES, "{id: u"), "franceconnect.use_cases[0].scopes[2]: scope « missing » non déclaré"),
    }
    for line, start in expected:
        assert any(at == line and message.startswith(start) for at, message in found), (line, start, found)
    # the dropped scope is reported once, where it is wrong: not again where it is named
    assert not [m for _, m in found if "« dropped »" in m], found
    assert len(found) == len(expected), found


def test_the_single_set_form_takes_what_a_version_takes(tmp_path):
    content = seed_content(tmp_path / "content")
    (content / "api" / "essai.md").write_text(SCOPES, encoding="utf-8")
    problems = load(content)
    assert not [p for p in problems if "clé inconnue" in p.message and p.path.endswith("essai.md")]
    catalogue = model.load(content, Problems())
    version = catalogue.apis["essai"].scopes.current
    assert version.endpoint.startswith("GET https://exemple.gouv.fr") and version.envelope == "data"
    assert version.errors[0]["code"] == "X1"


@pytest.mark.parametrize(
    "broken, needle, shown",
    [
        ("tagline: \"Une API d'essai\n", 'tagline: "Une API', "tagline: \"Une API d'essai"),
        ("tagline: Une API: d'essai\n", "tagline: Une API:", "tagline: Une API: d'essai"),
        ("tagline: t\n\tproducer: mesri\n", "\tproducer", "producer: mesri"),
    ],
)
def test_yaml_errors_point_at_the_line_to_fix_and_show_it(tmp_path, broken, needle, shown):
    content = seed_content(tmp_path / "content")
    text = SCOPES.replace("tagline: Une API d'essai\n", broken)
    (content / "api" / "essai.md").write_text(text, encoding="utf-8")
    [error] = [p for p in load(content) if p.path.endswith("essai.md")]
    assert error.line == line_of(text, needle) and f"« {shown}" in error.message, error
    assert error.message.startswith("YAML invalide : ") and "found" not in error.message


def test_exit_codes_and_summary_are_mkdocs_and_french(tmp_path, capsys):
    content = seed_content(tmp_path / "content")
    (content / "api" / "notes.txt").write_text("x", encoding="utf-8")  # a warning: an ignored file
    assert cli.main(["check", "--content", str(content)]) == 0
    summary = capsys.readouterr().out.splitlines()[-1]
    assert summary.startswith("0 erreur(s), 1 avertissement(s) (fichier ignoré : 1)"), summary
    assert cli.main(["check", "--strict", "--content", str(content)]) == 1
    capsys.readouterr()
    (content / "api" / "essai.md").write_text(SCOPES, encoding="utf-8")
    assert cli.main(["check", "--content", str(content)]) == 1
    summary = capsys.readouterr().out.splitlines()[-1]
    english = [name for name in CATEGORIES if name != CATEGORIES[name] and f"{name} :" in summary]
    assert english == [], summary


def test_make_serve_prints_no_make_error():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    serve = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "-$(PY)" not in serve and "|| true" in serve


def test_commands_work_from_any_folder_without_mkdocs_yml(tmp_path):
    content = seed_content(tmp_path / "somewhere" / "content")
    elsewhere = tmp_path / "unrelated"
    elsewhere.mkdir()
    check = subprocess.run(
        [str(COMMAND), "check", "--content", str(content)], cwd=elsewhere, capture_output=True, text=True
    )
    assert check.returncode == 0 and "configuration invalide" not in check.stdout + check.stderr, check.stdout
    built = subprocess.run(
        [str(COMMAND), "build", "--content", str(content), "--site-dir", "out"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    assert (elsewhere / "out" / "les-api" / "api-statut-etudiant" / "scopes" / "index.html").is_file()
    assert (elsewhere / "out" / "index.html").is_file()  # the generated home page
    missing = subprocess.run(
        [str(COMMAND), "check", "--content", "nowhere"], cwd=elsewhere, capture_output=True, text=True
    )
    assert missing.returncode == 1 and missing.stdout.startswith("nowhere:1: dossier de contenu introuvable")
    assert "configuration invalide" not in missing.stdout


@pytest.mark.slow
def test_serve_shows_every_problem_on_every_page_even_the_broken_one(tmp_path):
    """A real `mkdocs serve`: the box lists errors and warnings, on the broken file's own address too, and goes away
    once the content is fixed. Read over HTTP with selectolax: a dev server's live-reload page never goes idle."""
    content = seed_content(tmp_path / "content")
    broken = content / "api" / "essai.md"
    broken.write_text(SCOPES.replace("tagline: Une API d'essai\n", 'tagline: "Une API\n'), encoding="utf-8")
    typo = content / "api" / "typo.md"
    typo.write_text(
        "---\ntitle: Typo\ntagline: t\nproducer: mesri\nis_open: 1\n---\n<Buton href='/x'>Demander</Buton>\n",
        encoding="utf-8",
    )
    port = _free_port()
    server = start_serve(config_for(tmp_path, content), port)
    base = f"http://127.0.0.1:{port}/"
    try:
        page = LexborHTMLParser(_fetch_until(base + "les-api/essai/", lambda t: "Contenu à corriger" in t))
        box = " ".join(page.css_first(".apic-problems").text().split())
        assert f"{broken}:3: YAML invalide" in box and '« tagline: "Une API »' in box
        assert f"{typo}:7: avertissement : balise <Buton>" in box  # warnings reach the browser too
        assert "1 erreur, 1 avertissement" in box
        typo_page = LexborHTMLParser(_fetch_until(base + "les-api/typo/", lambda t: "Contenu à corriger" in t))
        assert "balise <Buton>" in typo_page.css_first(".apic-problems").text()
        broken.unlink()
        typo.write_text(typo.read_text(encoding="utf-8").replace("Buton", "Button"), encoding="utf-8")
        fixed = LexborHTMLParser(_fetch_until(base + "les-api/typo/", lambda t: "Contenu à corriger" not in t))
        assert fixed.css_first(".api-page") and not fixed.css(".apic-problems")
    finally:
        stop_serve(server)
