"""Deceptive characters: what a developer copies into code, or a reader takes for another name, is warned about
by `check`, naming the character and where it is."""

from __future__ import annotations

import pytest

from generator import characters, model
from generator.problems import Problems

from conftest import CONTENT, line_of, load_with

CYRILLIC_A = "\u0430"


def warned(problems: Problems, line: int, *words: str) -> bool:
    return any(
        p.line == line and all(w in p.message for w in words)
        for p in problems.warnings
        if str(p.path).endswith("api-statut-etudiant.md")
    )


CASES = {
    "a Cyrillic letter in a body scope id": (
        "- Numéro INE : `mesri_identifiant`",
        f"- Numéro INE : `mesri_{CYRILLIC_A}dmissions`",
        "U+0430",
    ),
    "a Cyrillic letter in an endpoint host": (
        'endpoint: "GET https://particulier',
        f'endpoint: "GET https://p{CYRILLIC_A}rticulier',
        "U+0430",
    ),
    "a Cyrillic letter in a rename target": (
        "rename: {dateDebut: dateDebutInscription,",
        f"rename: {{dateDebut: dateDebutInscripti{chr(0x43E)}n,",
        "U+043E",
    ),
    "a zero-width space in an endpoint": (
        'endpoint: "GET https://particulier',
        'endpoint: "GET https://parti\u200bculier',
        "U+200B",
    ),
    "a zero-width joiner in a filter": (
        "filter: Gardez les admissions",
        "filter: Gardez les adm\u200dissions",
        "U+200D",
    ),
    "a zero-width space in a field name": (
        "fields: [date_debut, date_fin]",
        "fields: [date_debut, date\u200b_fin]",
        "U+200B",
    ),
    "a word joiner in a theme": ("  - Particulier\n", "  - Parti\u2060culier\n", "U+2060"),
    "a right-to-left override in a label": (
        "label: Inscription définitive",
        "label: Inscription \u202edéfinitive",
        "U+202E",
    ),
    "an isolate in a notice": (
        "title: L'accès passe par API Particulier",
        "title: L'accès passe \u2066par API Particulier",
        "U+2066",
    ),
    "a look-alike host in a bare address, which becomes a link": (
        "dispose du statut d'étudiant du fait",
        f"dispose du statut d'étudiant (voir www.p{CYRILLIC_A}rticulier.api.gouv.fr) du fait",
        "U+0430",
    ),
    "a look-alike host in an autolink": (
        "dispose du statut d'étudiant du fait",
        f"dispose du statut d'étudiant <https://www.p{CYRILLIC_A}rticulier.api.gouv.fr> du fait",
        "U+0430",
    ),
    "link text naming another host": (
        "[l'API particulier](https://api.gouv.fr/les-api/api-particulier)",
        "[particulier.api.gouv.fr](https://xn--prticulier-zqi.api.gouv.fr/)",
        "particulier.api.gouv.fr",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_deceptive_character_is_warned_at_its_line(tmp_path, case):
    old, new, named = CASES[case]
    problems, text = load_with(tmp_path, (old, new))
    line = line_of(text, new.split("\n")[0].strip())
    assert warned(problems, line, named), [str(p) for p in problems.warnings]


def test_a_punycode_look_alike_host_is_named(tmp_path):
    problems, text = load_with(
        tmp_path,
        ("doc_tech_link: https://particulier.api.gouv.fr/", "doc_tech_link: https://xn--prticulier-zqi.api.gouv.fr/"),
    )
    assert warned(problems, line_of(text, "doc_tech_link: https://xn--"), "U+0430", "imite")


def test_a_title_that_passes_for_another_is_warned(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("pages"))
    seed = (content / "api" / "api-statut-etudiant.md").read_text(encoding="utf-8")
    (content / "api" / "zz-copie.md").write_text(
        seed.replace("title: API Statut Etudiant", "title: API Statut \u0415tudiant"), encoding="utf-8"
    )
    problems = Problems()
    model.load(content, problems)
    assert any(
        str(p.path).endswith("zz-copie.md") and p.line == 3 and "se confond" in p.message for p in problems.warnings
    )


def test_control_characters_never_reach_the_model(tmp_path):
    problems, _ = load_with(tmp_path, ("title: API Statut Etudiant", 'title: "API Statut\\u0007 Etudiant"'))
    assert any("U+0007" in p.message and p.line == 3 for p in problems.warnings)
    catalogue = model.load(tmp_path / "content", Problems())
    assert catalogue.apis["api-statut-etudiant"].title == "API Statut Etudiant"


@pytest.mark.parametrize(
    ("text", "odd"),
    [
        ("mesri_admissions", None),
        (f"mesri_{CYRILLIC_A}dmissions", CYRILLIC_A),
        ("Étudiant éligible", None),
        ("\u0440\u0430\u0441\u0430", "\u0440"),
    ],
)
def test_mixed_scripts(text, odd):
    found = characters.mixed(text)
    assert (found[1] if found else None) == odd


def test_the_skeleton_folds_look_alikes_and_invisibles():
    assert characters.skeleton("API Statut \u0415tudiant") == characters.skeleton("api statut étu\u200bdiant")
    assert characters.skeleton("API Statut") != characters.skeleton("API Statue")


def test_the_invisible_table_is_unicode_s():
    """The regex's ranges are exactly the Cf, Zl and Zp characters of this Python's Unicode database."""
    import sys
    import unicodedata

    listed = {c for a, b in characters.INVISIBLE_RANGES for c in range(a, b + 1)}
    unicode = {c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in {"Cf", "Zl", "Zp"}}
    assert listed == unicode


def test_the_one_search_finds_the_controls_and_the_invisibles():
    """Texts with neither skip the judging: hides_nothing() must see every character either search finds."""
    import sys

    for code in range(sys.maxunicode + 1):
        char = chr(code)
        either = bool(characters.CONTROL.search(char) or list(characters.invisible(char)))
        assert characters.hides_nothing(char) is not either, hex(code)


def test_the_script_shortcuts_agree_with_unicode_s_table():
    """French text is judged without loading the script table: every character the shortcuts decide gets the
    table's script (Inherited counts as Common: both are neutral)."""
    import unicodedata

    from confusable_homoglyphs import categories

    decided = 0
    for point in range(0x110000):
        char = chr(point)
        if not (
            char.isascii()
            or characters._NEUTRAL.match(char)
            or unicodedata.name(char, "").startswith(characters._LATIN_NAMES)
        ):
            continue
        decided += 1
        try:
            table = categories.alias(char)
        except (KeyError, IndexError):
            table = "COMMON"
        table = "COMMON" if table == "INHERITED" else table
        assert characters._script(char) == table, f"U+{point:04X}"
    assert decided > 1000  # every accented letter of French, and more


def test_french_text_does_not_load_the_script_table():
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from generator import model; from generator.problems import Problems;"
        f"model.load(Path({str(CONTENT)!r}), Problems()); print('confusable_homoglyphs' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
