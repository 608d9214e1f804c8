"""Hostile content, third round (started): strings the theme prints raw are escaped once, only regular files inside
the content folder are read, and the DCAT export does not depend on Python's hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from generator import cli, model
from generator.problems import Problems

from conftest import CONTENT, ROOT, build, seed_content

EVIL = "<img src=x onerror=alert(1)>"


def project_copy(tmp_path: Path) -> Path:
    import shutil

    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder, ignore=shutil.ignore_patterns("pages"))
    return folder


def test_labels_printed_by_the_theme_are_escaped_once(tmp_path):
    content = project_copy(tmp_path)
    api = content / "api" / "api-statut-etudiant.md"
    api.write_text(
        api.read_text(encoding="utf-8").replace("      label: V2\n", f'      label: "{EVIL}"\n', 1), encoding="utf-8"
    )
    (content / "audiences.yml").write_text(f'roles:\n  other: {{label: "{EVIL}"}}\n', encoding="utf-8")
    site = tmp_path / "site"
    assert build(content, site) == 0
    for page in ("les-api/api-statut-etudiant/scopes/index.html", "eligibilite/index.html"):
        doc = LexborHTMLParser((site / page).read_text(encoding="utf-8"))
        assert not doc.css("img[onerror]"), page  # the whole page: sidebar and TOC included
        toc = [a.text() for a in doc.css(".md-nav--secondary a")]
        assert any(EVIL in text for text in toc), (page, toc)  # shown as text, escaped exactly once


def test_a_role_id_that_is_not_an_id_is_refused(tmp_path):
    content = seed_content(tmp_path / "content")
    (content / "audiences.yml").write_text("roles:\n  'x\" onmouseover=\"alert(1)': {label: X}\n", encoding="utf-8")
    problems = Problems()
    catalogue = model.load(content, problems)
    assert any("identifiant invalide" in p.message and p.line == 2 for p in problems.errors)
    assert all(ROLE.isidentifier() or ROLE.replace("_", "").isalnum() for ROLE in catalogue.audiences.roles)


@pytest.mark.parametrize(
    "where", ["api/dehors.md", "producteurs/dehors.md", "question-trees/dehors.yml", "audiences.yml"]
)
def test_a_link_to_a_file_outside_is_never_read(tmp_path, capsys, where):
    content = seed_content(tmp_path / "content")
    secret = tmp_path / "secret.md"
    secret.write_text(
        "---\ntitle: SECRET-TITLE\ntagline: t\nproducer: mesri\nis_open: 1\nname: SECRET\n---\nSECRET-BODY\n",
        encoding="utf-8",
    )
    link = content / where
    link.parent.mkdir(exist_ok=True)
    link.symlink_to(secret)
    assert cli.main(["check", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert f"{link}:1: lien symbolique vers l'extérieur" in out and "SECRET" not in out


def test_a_folder_linked_outside_is_never_read(tmp_path, capsys):
    content = seed_content(tmp_path / "content")
    outside = tmp_path / "outside"
    (outside).mkdir()
    (outside / "x.md").write_text(
        "---\ntitle: SECRET\ntagline: t\nproducer: mesri\nis_open: 1\n---\n", encoding="utf-8"
    )
    (content / "producteurs").rename(tmp_path / "producteurs")
    (content / "producteurs").symlink_to(outside)
    assert cli.main(["check", "--content", str(content)]) == 1
    assert "dossier lié hors du dossier de contenu" in capsys.readouterr().out


def test_pipes_and_devices_are_refused_without_blocking(tmp_path, capsys):
    content = seed_content(tmp_path / "content")
    os.mkfifo(content / "api" / "pipe.md")
    (content / "api" / "zero.md").symlink_to("/dev/zero")
    start = time.monotonic()
    assert cli.main(["check", "--content", str(content)]) == 1
    assert time.monotonic() - start < 10
    out = capsys.readouterr().out
    assert "pipe.md:1: pas un fichier ordinaire" in out
    assert "zero.md:1: lien symbolique vers l'extérieur" in out


def test_the_dcat_export_does_not_depend_on_the_hash_seed():
    script = (
        "from pathlib import Path; from generator import model, pages; from generator.problems import Problems; "
        "c = model.load(Path('content'), Problems()); "
        "print(pages.exports(c, 'https://exemple.gouv.fr/', Problems())['catalog.jsonld'])"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def test_exports_hold_only_clean_ids_roles_and_public_urls(tmp_path, capsys):
    """Dataset ids are data.gouv.fr ids, audiences data.gouv.fr's, URLs public and absolute, and no control
    character: `check` says what it leaves out, at its line."""
    import json
    import re

    content = project_copy(tmp_path)
    api = content / "api" / "api-statut-etudiant.md"
    text = api.read_text(encoding="utf-8")
    text = text.replace("title: API Statut Etudiant", 'title: "API Statut\\u0007 Etudiant\\u001b[2J"', 1)
    text = text.replace(
        "\nthemes:",
        "\ndatagouv_uuid: ['../../../api/1/me/', 'javascript:alert(1)', 5b7ffc618b4c4169d30727e0]"
        "\nexternal_site: https://a..b/x\nthemes:",
        1,
    )
    api.write_text(text, encoding="utf-8")
    (content / "audiences.yml").write_text("roles:\n  other: {label: Autre profil, datagouv: true}\n", encoding="utf-8")
    assert cli.main(["check", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert "roles.other.datagouv: data.gouv.fr ne connaît que" in out
    assert "« ../../../api/1/me/ » retiré" in out and "« javascript:alert(1) » retiré" in out
    assert "external_site : « https://a..b/x » n'est pas une adresse absolue utilisable" in out
    assert "U+0007" in out and "U+001B" in out

    (content / "audiences.yml").unlink()
    site = tmp_path / "site"
    assert build(content, site) == 0
    exports = {
        path: path.read_text(encoding="utf-8") for path in [*site.glob("api/v1/**/*.json"), site / "catalog.jsonld"]
    }
    for path, exported in exports.items():
        assert not re.search(r"[\x00-\x1f]|\\u00[01]", exported.replace("\n", "")), path
        assert "a..b" not in exported and "../" not in exported and "javascript:" not in exported, path
    body = json.loads((site / "api/v1/dataservices/api-statut-etudiant.json").read_text(encoding="utf-8"))
    assert body["title"] == "API Statut Etudiant[2J"
    assert body["extras"]["apigouv"]["datagouv_uuid"] == ["5b7ffc618b4c4169d30727e0"]
    assert {a["role"] for a in body["access_audiences"]} <= {
        "local_authority_and_administration",
        "company_and_association",
        "private",
    }


@pytest.mark.parametrize(
    ("host", "public"),
    [
        ("particulier.api.gouv.fr", True),
        ("a..b", False),
        ("-a.fr", False),
        ("intranet", False),
        ("x.local", False),
        ("10.0.0.1", False),
        ("[::1]", False),
        ("xn--prticulier-zqi.fr", True),
        ("a_b.fr", False),
    ],
)
def test_public_hosts(host, public):
    from generator import urls

    assert (urls.public_host(host) == "") is public


def test_a_tree_answer_repeated_by_many_paths_is_refused_by_check_and_build(tmp_path, capsys):
    """64 paths to a 400 kB answer, shown 40 times: check refuses it at once, at a tag's line; build stops as fast."""
    content = seed_content(tmp_path / "content")
    questions = {
        f"q{i}": {
            "question": f"Q{i} ?",
            "choices": [{"labels": ["Oui"], "next": f"q{i + 1}"}, {"labels": ["Non"], "next": f"q{i + 1}"}],
        }
        for i in range(6)
    }
    answer = "\n\n".join("Une réponse longue. " * 20 for _ in range(1000))  # about 400 kB
    questions["q6"] = {"question": "Q6 ?", "choices": [{"labels": ["Oui"], "answer": answer}]}
    import yaml

    (content / "question-trees" / "gros.yml").write_text(
        yaml.safe_dump({"questions": questions}, allow_unicode=True), encoding="utf-8"
    )
    api = content / "api" / "api-statut-etudiant.md"
    api.write_text(
        api.read_text(encoding="utf-8") + "\n" + "\n\n<QuestionTree tree='gros' question='q0' />\n" * 40,
        encoding="utf-8",
    )
    start = time.monotonic()
    assert cli.main(["check", "--content", str(content)]) == 1
    assert time.monotonic() - start < 30
    assert "dépasseraient 2 millions de caractères" in capsys.readouterr().out
    assert build(content, tmp_path / "site") == 1 and not (tmp_path / "site").exists()


def test_requires_repeated_by_every_use_case_is_refused(tmp_path, capsys):
    """A scope that requires 99 others, used by 100 use cases, would repeat them all in each."""
    import yaml

    content = seed_content(tmp_path / "content")
    scopes = [{"id": f"s{i}", "label": "L" * 5000, "role": "mask", "fields": [f"f{i}"]} for i in range(99)]
    scopes.append({"id": "all", "label": "Tout", "role": "mask", "requires": [f"s{i}" for i in range(99)]})
    use_cases = [{"id": f"c{i}", "title": f"Cas {i}", "scopes": ["all"]} for i in range(100)]
    front = {"franceconnect": {"scopes": scopes, "use_cases": use_cases}}
    api = content / "api" / "api-statut-etudiant.md"
    text = api.read_text(encoding="utf-8")
    api.write_text(text.replace("---\n", "---\n" + yaml.safe_dump(front), 1), encoding="utf-8")
    assert cli.main(["check", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert "franceconnect.use_cases: la page répéterait" in out
