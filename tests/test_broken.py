"""Broken content: every problem in one run as path:line: message, exit 1, previous site untouched."""

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, build, seed_content

from generator import cli

GOOD = "---\ntitle: Bonne API\ntagline: t\nproducer: mesri\nis_open: 1\nthemes: [Education]\n---\nCorps.\n"

# name, file, bytes, expected (line, words), is an error (else a warning refused by --strict)
CASES = [
    ("yaml syntax", "api/x.md", b"---\ntitle: [oops\ntagline: t\n---\n", 3, "YAML invalide", True),
    ("no closing delimiter", "api/x.md", b"---\ntitle: T\ntagline: t\n", 1, "pas ferm", True),
    ("empty file", "api/x.md", b"", 1, "vide", True),
    ("duplicate keys", "api/x.md", GOOD.replace("tagline: t\n", "tagline: t\ntagline: u\n").encode(), 4, "clé en double", True),
    ("missing title", "api/x.md", GOOD.replace("title: Bonne API\n", "").encode(), 1, "title: champ obligatoire manquant", True),
    ("wrong type", "api/x.md", GOOD.replace("themes: [Education]", "themes: \"Education\"").encode(), 6, "themes: doit être une liste", True),
    ("is_open 2", "api/x.md", GOOD.replace("is_open: 1", "is_open: 2").encode(), 5, "is_open: doit valoir -1, 0 ou 1, pas 2", True),
    ("is_eligible yes", "api/x.md", GOOD.replace("---\nCorps", "access_page:\n  - who: [Une administration]\n    is_eligible: yes\n---\nCorps").encode(),
     9, "access_page[0].is_eligible: doit valoir -1, 0 ou 1, pas le booléen true", True),
    ("unknown tag", "api/x.md", GOOD.replace("Corps.", "Texte\n\n<marquee>Corps</marquee>").encode(), 10, "balise <marquee> non autorisée", False),
    ("malformed attribute", "api/x.md", GOOD.replace("Corps.", "<External href\"https://a.fr\">a</External>").encode(), 8, "attribut mal formé", False),
    ("dangling QuestionTree", "api/x.md", GOOD.replace("Corps.", "\n<QuestionTree tree='absent' question='q' />").encode(), 9, "arbre « absent »", False),
    ("dangling producer", "api/x.md", GOOD.replace("producer: mesri", "producer: personne").encode(), 4, "aucun fichier producteurs/personne.md", True),
    ("tree misspelt key", "question-trees/t.yml", b"questions:\n  q:\n    qusontion: x\n    choices:\n      - labels: [Oui]\n        answer: ok\n", 3, "qusontion: clé inconnue", True),
    ("non UTF-8", "api/x.md", GOOD.replace("Corps.", "Caf\xe9").encode("latin-1"), 8, "pas en UTF-8", True),
    ("BOM with an error", "api/x.md", b"\xef\xbb\xbf" + GOOD.replace("is_open: 1", "is_open: 2").encode(), 5, "is_open", True),
    ("CRLF with an error", "api/x.md", GOOD.replace("is_open: 1", "is_open: 2").replace("\n", "\r\n").encode(), 5, "is_open", True),
    ("5 MB body", "api/x.md", GOOD.encode() + b"Lorem ipsum dolor sit amet.\n" * 190_000, 1, "trop volumineux", True),
]


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def previous_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("previous")
    assert build(seed_content(root / "content"), root / "site") == 0
    return root / "site", tree_hash(root / "site")


@pytest.mark.parametrize("name, relative, data, line, words, is_error", CASES, ids=[c[0] for c in CASES])
def test_broken_file(tmp_path, capsys, previous_site, name, relative, data, line, words, is_error):
    content = seed_content(tmp_path / "content")
    target = content / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)

    assert cli.main(["check", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    expected = f"{target}:{line}: "
    assert any(l.startswith(expected) and words in l for l in out.splitlines()), out
    assert "Traceback" not in out

    site, digest = previous_site
    args = ["build", "--content", str(content), "--site-dir", str(site)] + ([] if is_error else ["--strict"])
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert any(l.startswith(expected) and words in l for l in err.splitlines()), err
    assert tree_hash(site) == digest, "a failed build changed the previous site"


def test_all_problems_in_one_run(tmp_path, capsys):
    content = seed_content(tmp_path / "content")
    for index, (_, relative, data, *_rest) in enumerate(CASES):
        target = content / relative.replace("x.md", f"x{index}.md").replace("t.yml", f"t{index}.yml")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    assert cli.main(["check", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    reported = {line.split(":", 1)[0] for line in out.splitlines() if ":" in line and line.startswith(str(content))}
    assert len(reported) == len(CASES)


def test_cli_never_shows_a_traceback(tmp_path):
    content = seed_content(tmp_path / "content")
    (content / "api" / "x.md").write_bytes(b"---\n? [a, b]\n: c\n&a [*a]\n---\n")
    for command in (["check"], ["build", "--site-dir", str(tmp_path / "site")]):
        run = subprocess.run([sys.executable, "-m", "generator", *command, "--content", str(content)],
                             capture_output=True, text=True, cwd=ROOT)
        assert run.returncode == 1
        assert "Traceback" not in run.stdout + run.stderr
        assert f"{content / 'api' / 'x.md'}:" in run.stdout + run.stderr


def test_check_is_clean_on_the_project_content():
    run = subprocess.run([sys.executable, "-m", "generator", "check"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout
    assert "aucun problème" in run.stdout


def test_successful_build_replaces_the_site(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "stale.html").write_text("old")
    assert build(seed_content(tmp_path / "content"), site) == 0
    assert not (site / "stale.html").exists() and (site / "les-api" / "index.html").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]  # no staging left behind
