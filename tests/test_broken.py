"""Broken content: every problem in one run as path:line: message, exit 1, previous site untouched."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import cli

from conftest import ROOT, build, seed_content

GOOD = "---\ntitle: Bonne API\ntagline: t\nproducer: mesri\nis_open: 1\nthemes: [Education]\n---\nCorps.\n"

# name, file, bytes, expected (line, words), is an error (else a warning refused by --strict)
CASES = [
    ("yaml syntax", "api/x.md", b"---\ntitle: [oops\ntagline: t\n---\n", 3, "YAML invalide", True),
    ("no closing delimiter", "api/x.md", b"---\ntitle: T\ntagline: t\n", 1, "pas ferm", True),
    ("empty file", "api/x.md", b"", 1, "vide", True),
    (
        "duplicate keys",
        "api/x.md",
        GOOD.replace("tagline: t\n", "tagline: t\ntagline: u\n").encode(),
        4,
        "clé en double",
        True,
    ),
    (
        "missing title",
        "api/x.md",
        GOOD.replace("title: Bonne API\n", "").encode(),
        1,
        "title: champ obligatoire manquant",
        True,
    ),
    (
        "wrong type",
        "api/x.md",
        GOOD.replace("themes: [Education]", 'themes: "Education"').encode(),
        6,
        "themes: doit être une liste",
        True,
    ),
    (
        "is_open 2",
        "api/x.md",
        GOOD.replace("is_open: 1", "is_open: 2").encode(),
        5,
        "is_open: doit valoir -1, 0 ou 1, pas 2",
        True,
    ),
    (
        "is_eligible yes",
        "api/x.md",
        GOOD.replace(
            "---\nCorps", "access_page:\n  - who: [Une administration]\n    is_eligible: yes\n---\nCorps"
        ).encode(),
        9,
        "access_page[0].is_eligible: doit valoir -1, 0 ou 1, pas le booléen true",
        True,
    ),
    (
        "unknown tag",
        "api/x.md",
        GOOD.replace("Corps.", "Texte\n\n<marquee>Corps</marquee>").encode(),
        10,
        "balise <marquee> non autorisée",
        False,
    ),
    (
        "malformed attribute",
        "api/x.md",
        GOOD.replace("Corps.", '<External href"https://a.fr">a</External>').encode(),
        8,
        "attribut mal formé",
        False,
    ),
    (
        "dangling QuestionTree",
        "api/x.md",
        GOOD.replace("Corps.", "\n<QuestionTree tree='absent' question='q' />").encode(),
        9,
        "arbre « absent »",
        False,
    ),
    (
        "dangling producer",
        "api/x.md",
        GOOD.replace("producer: mesri", "producer: personne").encode(),
        4,
        "aucun fichier producteurs/personne.md",
        True,
    ),
    (
        "tree misspelt key",
        "question-trees/t.yml",
        b"questions:\n  q:\n    qusontion: x\n    choices:\n      - labels: [Oui]\n        answer: ok\n",
        3,
        "qusontion: clé inconnue",
        True,
    ),
    (
        "tree replaced by a question it lacks",
        "question-trees/t.yml",
        b"questions:\n  q:\n    question: x\n    until: '2024-02-13'\n    replaced_by: nouvelle\n"
        b"    choices:\n      - labels: [Oui]\n        answer: ok\n",
        5,
        "replaced_by: question « nouvelle » introuvable",
        True,
    ),
    ("non UTF-8", "api/x.md", GOOD.replace("Corps.", "Caf\xe9").encode("latin-1"), 8, "pas en UTF-8", True),
    (
        "BOM with an error",
        "api/x.md",
        b"\xef\xbb\xbf" + GOOD.replace("is_open: 1", "is_open: 2").encode(),
        5,
        "is_open",
        True,
    ),
    (
        "CRLF with an error",
        "api/x.md",
        GOOD.replace("is_open: 1", "is_open: 2").replace("\n", "\r\n").encode(),
        5,
        "is_open",
        True,
    ),
    ("5 MB body", "api/x.md", GOOD.encode() + b"Lorem ipsum dolor sit amet.\n" * 190_000, 1, "trop volumineux", True),
    # Second hostile round: what `build` used to crash on is reported by `check` first.
    (
        "year past 2106",
        "api/x.md",
        GOOD.replace("themes:", "last_update: 01/01/2200\nthemes:").encode(),
        6,
        "date improbable",
        False,
    ),
    (
        "huge number",
        "api/x.md",
        GOOD.replace("themes:", "uptime: 1" + "0" * 400 + "\nthemes:").encode(),
        6,
        "uptime: nombre hors limites",
        True,
    ),
    (
        "huge hex in text",
        "api/x.md",
        GOOD.replace("tagline: t", "tagline: 0x" + "f" * 5000).encode(),
        3,
        "tagline: nombre hors limites",
        True,
    ),
    (
        "broken IPv6 host",
        "api/x.md",
        GOOD.replace("themes:", "doc_tech_link: https://[oops\nthemes:").encode(),
        6,
        "mal formée",
        False,
    ),
    (
        "broken URL in a component",
        "api/x.md",
        GOOD.replace("Corps.", "<Button href='https://[oops'>x</Button>").encode(),
        8,
        "mal formée",
        False,
    ),
    (
        "deep list",
        "api/x.md",
        GOOD.replace("Corps.", "".join("  " * i + "- x\n" for i in range(300))).encode(),
        28,
        "imbriquée sur plus de 10 niveaux",
        True,
    ),
    ("brackets", "api/x.md", GOOD.replace("Corps.", "Texte.\n\n" + "[" * 5000).encode(), 8, "« [ »", True),
    ("code fences", "api/x.md", GOOD.replace("Corps.", "```\n" * 3000).encode(), 8, "bloc de code", True),
    (
        "deep YAML",
        "api/x.md",
        GOOD.replace("themes: [Education]", "themes: " + "[" * 200 + "]" * 200).encode(),
        6,
        "imbriqué sur plus de 40 niveaux",
        True,
    ),
    (
        "alias bomb",
        "api/x.md",
        GOOD.replace(
            "themes: [Education]",
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)},"
                f" *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
                for i in range(9)
            ),
        ).encode(),
        10,
        "alias",
        True,
    ),
    (
        "deep tree",
        "question-trees/t.yml",
        (
            "questions:\n"
            + "".join(
                f"  q{i}:\n    question: Q{i}\n    choices:\n      - labels: [Oui]\n        next: q{i + 1}\n"
                for i in range(400)
            )
            + "  q400:\n    question: fin\n    choices:\n      - labels: [Oui]\n        answer: ok\n"
        ).encode(),
        2,
        "arbre trop grand",
        True,
    ),
    (
        "wide tree",
        "question-trees/t.yml",
        (
            "questions:\n"
            + "".join(
                f"  q{i}:\n    question: Q{i}\n    choices:\n      - labels: [Oui]\n        next: q{i + 1}\n      - labels: [Non]\n        next: q{i + 1}\n"
                for i in range(11)
            )
            + "  q11:\n    question: fin\n    choices:\n      - labels: [Oui]\n        answer: ok\n"
        ).encode(),
        2,
        "arbre trop grand",
        True,
    ),
    (
        "producer is a number",
        "api/x.md",
        GOOD.replace("producer: mesri", "producer: 123").encode(),
        4,
        "producer: doit être un texte",
        True,
    ),
    ("logo path traversal", "producteurs/p.md", b"---\nname: P\nlogo: ../../etc/passwd\n---\n", 3, "logo", False),
    (
        "YAML set in example",
        "api/x.md",
        GOOD.replace(
            "themes: [Education]",
            "franceconnect:\n  scopes:\n    - {id: s, label: S, role: mask}\n  example: !!set {a, b}",
        ).encode(),
        9,
        "JSON seulement",
        True,
    ),
    (
        "duplicate scope id",
        "api/x.md",
        GOOD.replace(
            "themes: [Education]",
            "franceconnect:\n  scopes:\n    - {id: s, label: S, role: mask}\n    - {id: s, label: T, role: mask}",
        ).encode(),
        9,
        "déjà déclaré",
        True,
    ),
    (
        "too many scopes",
        "api/x.md",
        GOOD.replace(
            "themes: [Education]",
            "franceconnect:\n  scopes:\n" + "".join(f"    - {{id: s{i}, label: S, role: mask}}\n" for i in range(150)),
        ).encode(),
        7,
        "100 au plus",
        True,
    ),
    ("file name with a dot", "api/x.v2.md", GOOD.encode(), 1, "nom de fichier", True),
    ("upper-case extension", "api/y.MD", GOOD.encode(), 1, "renommez", True),
    ("hidden file", "api/.x.md", GOOD.encode(), 1, "nom de fichier", True),
    ("hash in file name", "api/a#b.md", GOOD.encode(), 1, "nom de fichier", True),
    ("stray file", "api/notes.txt", b"hello", 1, "fichier ignoré", False),
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

    # As MkDocs: errors fail check; warnings fail it only with --strict.
    assert cli.main(["check", "--content", str(content)]) == (1 if is_error else 0)
    capsys.readouterr()
    assert cli.main(["check", "--strict", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    expected = f"{target}:{line}: "
    assert any(line.startswith(expected) and words in line for line in out.splitlines()), out
    assert "Traceback" not in out

    site, digest = previous_site
    args = ["build", "--content", str(content), "--site-dir", str(site)] + ([] if is_error else ["--strict"])
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert any(line.startswith(expected) and words in line for line in err.splitlines()), err
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
        run = subprocess.run(
            [sys.executable, "-m", "generator", *command, "--content", str(content)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert run.returncode == 1
        assert "Traceback" not in run.stdout + run.stderr
        assert f"{content / 'api' / 'x.md'}:" in run.stdout + run.stderr


def test_a_reader_that_stops_reading_gets_no_traceback():
    """`api-catalogue check | head`: the pipe is closed before anything is written."""
    read, write = os.pipe()
    os.close(read)
    try:
        run = subprocess.run(
            [sys.executable, "-m", "generator", "check"], stdout=write, stderr=subprocess.PIPE, text=True, cwd=ROOT
        )
    finally:
        os.close(write)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr, run.stderr


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


@pytest.mark.parametrize("first, second", [("x.md", "x.v2.md"), ("Foo.md", "foo.md")])
def test_two_files_never_share_a_page(tmp_path, capsys, first, second):
    content = seed_content(tmp_path / "content")
    for name in (first, second):
        (content / "api" / name).write_text(GOOD)
    assert cli.main(["check", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert f"{content / 'api' / second}:1: " in out or f"{content / 'api' / first}:1: " in out


def test_tree_and_producer_collisions_are_reported(tmp_path, capsys):
    content = seed_content(tmp_path / "content")
    tree = (content / "question-trees" / "france-connected-api.yml").read_text()
    (content / "question-trees" / "france-connected-api.yaml").write_text(tree)
    (content / "producteurs" / "mesri.old.md").write_text("---\nname: Ancien\n---\n")
    assert cli.main(["check", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert (
        "france-connected-api.yml:1: même adresse que france-connected-api.yaml" in out
        or "france-connected-api.yaml:1: même adresse que france-connected-api.yml" in out
    )
    assert "mesri.old.md:1: nom de fichier" in out


def test_messages_cannot_be_forged(tmp_path, capsys):
    content = seed_content(tmp_path / "content")
    forged = "contenu valide : aucun problème"
    (content / "api" / "x.md").write_text(GOOD.replace("producer: mesri", f'producer: "a\\n{forged}\\u001b[32m"'))
    (content / "api" / f"y\n{forged}.md").write_text(GOOD)
    assert cli.main(["check", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out
    for line in out.splitlines()[:-1]:
        assert line.startswith(str(content)), line  # every problem is one line, starting with its file


@pytest.mark.parametrize("where", ["content", "parent"])
def test_site_dir_never_swallows_the_content(tmp_path, capsys, where):
    content = seed_content(tmp_path / "content")
    site = content if where == "content" else tmp_path
    assert cli.main(["build", "--content", str(content), "--site-dir", str(site)]) == 1
    assert "--site-dir" in capsys.readouterr().err
    assert (content / "api" / "api-statut-etudiant.md").is_file()


def test_staging_left_by_a_killed_build_is_cleaned(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".site-staging-{dead.stdout.strip()}-abc"
    stale.mkdir()
    (stale / "index.html").write_text("half a site")
    assert build(seed_content(tmp_path / "content"), tmp_path / "site") == 0
    assert not stale.exists()


def test_every_file_that_passes_check_builds(tmp_path):
    """Inputs that used to pass `check` and crash `build`: now each one is reported first, or builds."""
    content = seed_content(tmp_path / "content")
    (content / "api" / "fullwidth.md").write_text(
        GOOD.replace("themes:", "external_site: https://ｅｘａｍｐｌｅ．fr/\nthemes:")
    )
    (content / "api" / "future.md").write_text(GOOD.replace("themes:", "last_update: 31/12/2099\nthemes:"))
    (content / "api" / "deep-html.md").write_text(GOOD.replace("Corps.", "<details>" * 145 + "x" + "</details>" * 145))
    (content / "api" / "deep-list.md").write_text(
        GOOD.replace("Corps.", "".join("    " * i + "- x\n" for i in range(10)))
    )
    run = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--content", str(content)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout
    assert build(content, tmp_path / "site", strict=True) == 0
    assert 'href="https://example.fr/"' in (tmp_path / "site" / "les-api" / "fullwidth" / "index.html").read_text()
