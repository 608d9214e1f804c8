"""Slow inputs: every pattern is linear by construction, and texts past the limits are refused.

Times are measured by `make bench` (its "slow inputs" table), not asserted here: these tests
check the structure that makes the time bounded, and what the user is told.
"""

import re
import re._constants as sre
import re._parser as sre_parse
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import components, reading, scopes, spec, urls
from generator.links import Links
from generator.problems import Problems

PATTERNS = {
    name: value
    for module in (components, scopes, spec, urls, reading)
    for name, value in vars(module).items()
    if isinstance(value, re.Pattern)
}


def _unbounded(node) -> bool:
    op, arg = node
    return op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[1] == sre.MAXREPEAT


def _chars(items) -> set | None:
    """The characters a repeated item can match, or None for "could be anything"."""
    out = set()
    for op, arg in items:
        if op == sre.LITERAL:
            out.add(chr(arg))
        elif op == sre.IN:
            if any(o == sre.NEGATE for o, _ in arg):
                return None
            for o, a in arg:
                if o == sre.LITERAL:
                    out.add(chr(a))
                elif o == sre.RANGE:
                    out.update(map(chr, range(a[0], a[1] + 1)))
                else:
                    return None
        else:
            return None
    return out


def _overlap(a, b) -> bool:
    ca, cb = _chars(a[1][2]), _chars(b[1][2])
    return ca is None or cb is None or bool(ca & cb)


def _leading_repeat(node):
    """The repeat a node starts with (through groups), if any."""
    op, arg = node
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        return node
    if op == sre.SUBPATTERN and arg[3]:
        return _leading_repeat(next(iter(arg[3])))
    return None


def _problems(items, nested=False) -> list[str]:
    found = []
    items = list(items)
    for index, node in enumerate(items):
        op, arg = node
        if _unbounded(node):
            if nested:
                found.append("unbounded repeat inside an unbounded repeat")
            following = _leading_repeat(items[index + 1]) if index + 1 < len(items) else None
            # Even a bounded neighbour costs (run length × its bound) per failed attempt.
            if following is not None and following[1][1] > 1 and _overlap(node, following):
                found.append("an unbounded repeat next to another repeat over the same characters")
            found += _problems(arg[2], nested=True)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            found += _problems(arg[2], nested)
        elif op == sre.SUBPATTERN:
            found += _problems(arg[3], nested)
        elif op == sre.BRANCH:
            for branch in arg[1]:
                found += _problems(branch, nested)
    return found


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear_by_construction(name):
    # A negated class repeated inside a repeat (`(?:[^"]|"[^"<>]*")*`) is linear when its
    # alternatives start with disjoint characters; `_TAG` is that case, checked by input below.
    if name == "_TAG":
        return
    assert _problems(sre_parse.parse(PATTERNS[name].pattern, PATTERNS[name].flags)) == [], PATTERNS[name].pattern


def test_the_lint_catches_a_quadratic_pattern():
    assert _problems(sre_parse.parse(r"\s+.*x"))
    assert _problems(sre_parse.parse(r"#[ \t]+[^\n]{0,200}?x"))  # the heading pattern's old form
    assert _problems(sre_parse.parse(r"-[ \t]+([^:]{1,200}?)"))
    assert _problems(sre_parse.parse(r"(a+)+b"))
    assert not _problems(sre_parse.parse(r"[ \t]{0,8}x[^y]*y"))


DANGEROUS = st.sampled_from(
    [
        "[",
        "](",
        "<",
        "<a ",
        '"',
        "'",
        "`",
        "```\n",
        "~~~\n",
        "#",
        " ",
        "\t",
        "\n",
        "*",
        "_",
        "!",
        ">",
        "- ",
        "    ",
        "<Button ",
        "href=",
        "x",
        ":",
        "é",
    ]
)


@settings(max_examples=150, deadline=None)
@given(parts=st.lists(st.tuples(DANGEROUS, st.integers(1, 3000)), min_size=1, max_size=6))
def test_adversarial_runs_are_parsed_or_refused(parts):
    """Long runs of the characters that patterns and Markdown care about: a clean answer every time."""
    text = "".join(piece * count for piece, count in parts)
    problems = Problems()
    markup = components.parse(text, Path("x.md"), 1, problems, components.Context())
    for problem in problems.items:
        assert 1 <= problem.line <= text.count("\n") + 1, problem
    if any(p.category == "limit" for p in problems.errors):
        assert markup.text == ""  # refused: never handed to Markdown
    else:
        components.render(markup, Links(), lambda block: "")
    scopes.from_body(text)


@pytest.mark.parametrize(
    "text, words",
    [
        ("[" * 101, "« [ »"),
        ("<b>" * 301, "« < »"),
        ("*a" * 1001, "caractères de balisage"),
        ("mot " * 6000, "20000 caractères"),
        ("```\n" * 201, "bloc de code"),
        ("> " * 11 + "x", "imbriquée"),
        ("- " * 2029 + "x", "imbriquée"),  # found by hypothesis: a list 2 029 deep on one line
        ("1. " * 30 + "x", "imbriquée"),
        ("".join("    " * i + "1. x\n" for i in range(12)), "imbriquée"),
    ],
)
def test_each_limit_names_itself(text, words):
    problems = Problems()
    components.parse("Intro.\n\n" + text, Path("x.md"), 10, problems, components.Context())
    assert any(words in p.message and p.line >= 10 for p in problems.errors), [str(p) for p in problems.items]


def test_real_sizes_stay_well_inside_the_limits():
    """Five times the largest real file (796 markup characters, a paragraph of 326): limits refuse
    attacks, not content."""
    problems = Problems()
    paragraph = "Un paragraphe avec un [lien](https://a.fr), du **gras**, `du code` et <br> une balise. " * 40
    components.parse("\n\n".join([paragraph] * 8), Path("x.md"), 1, problems, components.Context())
    assert not problems.errors
