"""Reading tolerates what the real corpus has, and reports what it cannot read."""

from contextlib import nullcontext
from pathlib import Path
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import reading
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
    doc.forget_lines()  # again, once found again
    assert isinstance(doc.front_matter, bytes) and doc.key_lines is None
    assert {path: doc.line(*path) for path in key_lines} == key_lines


# YAML text made of the shapes the one-pass reader reads itself and of those it leaves to PyYAML's constructor.
_scalar_texts = st.sampled_from(
    ["a", "'quoted'", '"x: y"', "1", "-2", "0x1F", "1.5", ".inf", "yes", "Off", "~", "null", "2022-01-01",
     "2022-02-30", "2022-01-01 10:00:00", "!!str 1", "!!binary aGk=", "!foo x", "|\n  block", ">\n  folded", "''"]
)  # fmt: skip
_key_texts = st.sampled_from(["k", "title", "1", "yes", "~", "2022-01-01", "<<", "? [a]", "=", "'q'"])


@st.composite
def _yaml_texts(draw) -> str:
    anchors: list[str] = []

    def node(indent: int, depth: int) -> str:
        kind = draw(st.sampled_from(["scalar", "map", "seq", "alias", "flow"] if depth < 4 else ["scalar", "alias"]))
        if kind == "alias" and anchors:
            return " *" + draw(st.sampled_from(anchors))
        anchor = ""
        if draw(st.booleans()):
            anchors.append(f"a{len(anchors)}")
            anchor = f" &{anchors[-1]}"
        if kind == "flow":
            return anchor + " {k: [1, x], k2: *" + (anchors[0] if anchors else "missing") + "}"
        if kind in ("scalar", "alias"):
            text = draw(_scalar_texts).replace("\n", "\n" + " " * (indent + 2))
            return anchor + " " + text
        pad = " " * (indent + 2)
        lines = []
        for _ in range(draw(st.integers(1, 3))):
            value = node(indent + 2, depth + 1)
            lines.append(pad + ("-" + value if kind == "seq" else draw(_key_texts) + ":" + value))
        return anchor + "\n" + "\n".join(lines)

    return "\n".join(draw(_key_texts) + ":" + node(0, 1) for _ in range(draw(st.integers(1, 4)))) + "\n"


def _loaded(text: str, one_pass: bool) -> tuple:
    doc = reading.Document(path=Path("x.md"), meta={})
    problems = Problems()
    with mock.patch.object(reading._OnePass, "read", side_effect=reading._Unusual) if not one_pass else nullcontext():
        ok = reading._load_mapping(text, doc, problems, offset=1)
    return ok, doc.meta, doc.key_lines, doc.text_lines, [str(p) for p in problems.items]


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=_yaml_texts())
def test_one_pass_reads_as_pyyaml_and_the_line_maps(text):
    """The same values, lines and problems as PyYAML's constructor after the measure and the line maps."""
    assert _loaded(text, one_pass=True) == _loaded(text, one_pass=False)


def _as_loaded(text: str, loader) -> str:
    try:
        return repr(yaml.load(text, Loader=loader))  # repr: NaN is not equal to itself
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date past the month's end
        return type(exc).__name__


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.one_of(_scalar_texts, st.text(st.characters(codec="utf-8"), max_size=8)), max_size=6))
def test_the_reader_tags_each_scalar_as_pyyaml_does_however_often_it_recurs(words):
    """The resolver's memory gives every plain scalar the tag PyYAML gives it: quoted first, then plain, and again,
    in one document and in the next."""
    text = "".join(f"- {word}\n- '{word}'\n- {word}\n" for word in words if "\n" not in word)
    stock = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    assert _as_loaded(text, reading._Loader) == _as_loaded(text, stock)
    assert _as_loaded(text, reading._Loader) == _as_loaded(text, stock)


def test_the_resolver_s_memory_stays_bounded(monkeypatch):
    monkeypatch.setattr(reading._Loader, "_plain_tags", {})
    monkeypatch.setattr(reading._Loader, "PLAIN_KEPT", 3)
    loaded = yaml.load("[a, b, c, d, '1', 1, 2]", Loader=reading._Loader)
    assert loaded == ["a", "b", "c", "d", "1", 1, 2]
    assert reading._Loader._plain_tags == dict.fromkeys("abc", "tag:yaml.org,2002:str")


def _aliased(padding: int) -> str:
    """A table of 199 values, named 500 times: 99 705 values once the aliases are expanded, before the padding."""
    table = "{" + ", ".join(f"k{i}: v" for i in range(99)) + "}"
    return f"k: &a {table}\nl: [{', '.join(['*a'] * 500)}]\nm: [{', '.join(['v'] * padding)}]\n"


def _nested(tables: int) -> str:
    return "".join("  " * level + "k:\n" for level in range(tables)) + "  " * tables + "v\n"


@pytest.mark.parametrize(
    "text, accepted",
    [
        ("k: [" + ", ".join(["v"] * (reading.MAX_VALUES - 3)) + "]\n", True),  # the table, its key, the list: 3
        ("k: [" + ", ".join(["v"] * (reading.MAX_VALUES - 2)) + "]\n", False),
        (_aliased(padding=295), True),  # 99 705 values, and the padding
        (_aliased(padding=296), False),
        # Levels: each table, the value; the refusal names the line where the first one too deep starts.
        (_nested(reading.MAX_DEPTH - 1), True),
        (_nested(reading.MAX_DEPTH), False),
        (_nested(reading.MAX_DEPTH + 5), False),
    ],
)
def test_one_pass_keeps_the_limits_to_the_value(text, accepted):
    one_pass = _loaded(text, one_pass=True)
    assert one_pass[0] is accepted
    assert one_pass == _loaded(text, one_pass=False)
