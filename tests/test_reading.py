"""Reading tolerates what the real corpus has, and reports what it cannot read."""

from pathlib import Path

import pytest

from generator.problems import Problems
from generator.reading import load_yaml, read


def _read(tmp_path, data: bytes):
    path = tmp_path / "x.md"
    path.write_bytes(data)
    problems = Problems()
    return read(path, problems), problems


BASE = "---\ntitle: T # a comment\ntagline: x\nlist:\n  - a\nempty: null\n---\nbody line\n"


@pytest.mark.parametrize(
    "data",
    [
        BASE.encode(),
        BASE.replace("\n", "\r\n").encode(),  # CRLF
        b"\xef\xbb\xbf" + BASE.encode(),  # UTF-8 BOM
        BASE.replace("title: T", "title: T   ").encode(),  # trailing spaces
        BASE.rstrip("\n").encode(),  # no final newline
    ],
)
def test_oddities_read_alike(tmp_path, data):
    doc, problems = _read(tmp_path, data)
    assert not problems.items
    assert doc.meta == {"title": "T", "tagline": "x", "list": ["a"], "empty": None}
    assert doc.body.strip() == "body line"
    assert doc.line("tagline") == 3
    assert doc.line("list", 0) == 5
    assert doc.body_line + doc.body.split("\n").index("body line") == 8


def test_body_line_survives_blank_lines_after_delimiter(tmp_path):
    doc, _ = _read(tmp_path, b"---\n\ntitle: T\n---\n\n\nthird\n")
    assert doc.line("title") == 3
    assert doc.body_line + doc.body.split("\n").index("third") == 7


def test_block_scalar_text_starts_on_next_line(tmp_path):
    doc, _ = _read(tmp_path, b"---\nd: |\n  hello\n---\n")
    assert doc.text_line("d") == 3


@pytest.mark.parametrize(
    "data, line, words",
    [
        (b"", 1, "vide"),
        (b"title: no front matter\n", 1, "commencer"),
        (b"---\ntitle: T\n", 1, "pas ferm"),
        (b"---\ntitle: [unclosed\n---\n", 3, "YAML invalide"),
        (b"---\ntitle: A\ntitle: B\n---\n", 3, "clé en double"),
        (b"---\n- a\n- b\n---\n", 1, "table"),
        (b"---\ntitle: caf\xe9\n---\n", 2, "UTF-8"),
    ],
)
def test_unreadable_files_are_reported_with_a_line(tmp_path, data, line, words):
    _, problems = _read(tmp_path, data)
    assert problems.errors, "expected a problem"
    first = problems.sorted()[0]
    assert first.line == line and words in first.message
    assert str(first).startswith(f"{Path(first.path)}:{line}: ")


def test_plain_yaml_lines(tmp_path):
    path = tmp_path / "t.yml"
    path.write_text("title: x\nquestions:\n  q:\n    question: y\n")
    problems = Problems()
    doc = load_yaml(path, problems)
    assert doc.line("questions", "q", "question") == 4 and not problems.items


@pytest.mark.parametrize("alias, line", [("x: &a [1, *a]", 3), ("x: &a {k: *a}", 3), ("x:\n  y: &a\n    - z: *a", 4)])
def test_an_alias_inside_what_it_names_is_refused_at_its_anchor(tmp_path, alias, line):
    path = tmp_path / "a.md"
    path.write_text(f"---\ntitle: A\n{alias}\n---\nCorps.\n", encoding="utf-8")
    problems = Problems()
    assert read(path, problems) is None
    assert [(p.line, p.message.split(" :")[0]) for p in problems.errors] == [(line, "YAML trop volumineux")]


def test_lines_forgotten_after_the_checks_are_found_again_alike(tmp_path):
    text = "\ufeff---\ntitle: T\ndesc: |\n  two\n  lines\nlist:\n  - a: 1\n    b: >\n      folded\n---\nbody\n"
    doc, problems = _read(tmp_path, text.encode())
    assert not problems.items
    key_lines, text_lines = dict(doc.key_lines), dict(doc.text_lines)
    doc.forget_lines()
    assert doc.key_lines is None and doc.text_lines is None
    assert {path: doc.line(*path) for path in key_lines} == key_lines
    assert {path: doc.text_line(*path) for path in text_lines} == text_lines
    assert doc.line("list", 0, "b") == 8 and doc.text_line("desc") == 4
