"""Property-based tests: random front matter and bodies only ever give clean content problems."""

import string
from pathlib import Path

import yaml
from selectolax.lexbor import LexborHTMLParser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import components, model
from generator.problems import Problems
from generator.reading import parse

PATH = Path("content/api/random.md")

scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False), st.text(max_size=30))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                      max_leaves=12)
keys = st.sampled_from(sorted(model.API.fields) + ["unknown", "who", "is_eligible"])
front = st.dictionaries(keys, values, max_size=10)
tags = st.sampled_from(["<Button href='https://a.fr'>x</Button>", "<External href=\"/p\">y</External>", "<NextSteps />",
                        "<QuestionTree tree='t' question='q' />", "<details><summary>s</summary>", "</details>",
                        "<iframe src='https://x.fr'>", "<script>", "<External href\"x\">", "`code <b>`", "```\n<x>\n```",
                        "[a](javascript:x)", "<", ">", "\u00a7\u00a7cmp0\u00a7\u00a7", "\n", "# T", "| a | b |\n|---|---|"])
bodies = st.lists(st.one_of(tags, st.text(max_size=20)), max_size=15).map("".join)


def check_clean(problems: Problems):
    for problem in problems.items:
        assert problem.line >= 1 and problem.message and "Traceback" not in problem.message
        assert str(problem).startswith(f"{problem.path}:{problem.line}: ")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(meta=front, body=bodies)
def test_random_front_matter_and_body(tmp_path_factory, meta, body):
    folder = tmp_path_factory.mktemp("random")
    (folder / "api").mkdir()
    (folder / "producteurs").mkdir()
    (folder / "producteurs" / "mesri.md").write_text("---\nname: M\n---\n")
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body
    (folder / "api" / "random.md").write_text(text, encoding="utf-8")
    problems = Problems()
    catalogue = model.load(folder, problems)
    check_clean(problems)
    if not problems.errors:
        from generator import pages

        pages.pages(catalogue)  # rendering what validated never fails


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet=string.printable + "éà\u00a7\ufeff", max_size=200))
def test_reader_on_arbitrary_text(text):
    problems = Problems()
    parse("---\n" + text, PATH, problems)
    parse(text, PATH, problems)
    check_clean(problems)


@settings(max_examples=300, deadline=None)
@given(body=bodies)
def test_component_parser(body):
    problems = Problems()
    markup = components.parse(body, PATH, 1, problems, components.Context())
    check_clean(problems)
    html, _ = components.render(markup, components.Links(), lambda block: "")
    doc = LexborHTMLParser(html)
    assert not doc.css("script, iframe, style")
    for node in doc.css("*"):
        for attr, value in node.attributes.items():
            assert not attr.startswith("on")
            assert not (value or "").strip().lower().startswith(("javascript:", "data:"))
