"""Property-based tests: random front matter and bodies only ever give clean content problems."""

import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from generator import components, model
from generator.links import Links
from generator.problems import Problems, printable
from generator.reading import parse

PATH = Path("content/api/random.md")

scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False), st.text(max_size=30))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)
keys = st.sampled_from(sorted(model.API.fields) + ["unknown", "who", "is_eligible"])
front = st.dictionaries(keys, values, max_size=10)
tags = st.sampled_from(
    [
        "<Button href='https://a.fr'>x</Button>",
        '<External href="/p">y</External>',
        "<NextSteps />",
        "<QuestionTree tree='t' question='q' />",
        "<details><summary>s</summary>",
        "</details>",
        "<iframe src='https://x.fr'>",
        "<script>",
        '<External href"x">',
        "`code <b>`",
        "```\n<x>\n```",
        "[a](javascript:x)",
        "<",
        ">",
        "\u00a7\u00a7cmp0\u00a7\u00a7",
        "\n",
        "# T",
        "| a | b |\n|---|---|",
    ]
)
bodies = st.lists(st.one_of(tags, st.text(max_size=20)), max_size=15).map("".join)


def check_clean(problems: Problems):
    for problem in problems.items:
        # One printable line per problem, whatever the input held (a newline could forge a fake problem).
        assert problem.line >= 1 and problem.message and printable(problem.message) == problem.message
        assert "\n" not in str(problem) and printable(problem.path) == problem.path
        assert str(problem).startswith(f"{problem.path}:{problem.line}: ")


@pytest.mark.slow
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
    html, _ = components.render(markup, Links(), lambda block: "")
    doc = LexborHTMLParser(html)
    assert not doc.css("script, iframe, style")
    for node in doc.css("*"):
        for attr, value in node.attributes.items():
            assert not attr.startswith("on")
            assert not (value or "").strip().lower().startswith(("javascript:", "data:"))


# Scope declarations and notices: ids that fail their own checks, require cycles, aliases that
# shadow ids, refused URLs. Whatever `check` accepts renders, and every choice can be previewed.
ids = st.sampled_from(["a", "b", "c", "d", "toString", "__proto__", "x y", "", 3])
val = st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.text(max_size=5), st.lists(st.integers(), max_size=2))
scope = st.fixed_dictionaries(
    {"id": ids, "label": st.text(max_size=5), "role": st.sampled_from(["mask", "population", "x", 1])},
    optional={
        "fields": st.lists(ids, max_size=3),
        "applies_to": st.sampled_from(["record", "entries", "z"]),
        "keeps": st.dictionaries(st.sampled_from(["a", "b"]), val, max_size=2),
        "requires": st.lists(ids, max_size=2),
        "withheld": st.booleans(),
        "aliases": st.lists(st.fixed_dictionaries({"id": ids, "used_by": st.text(max_size=3)}), max_size=2),
        "rename": st.dictionaries(st.sampled_from(["a", "b"]), st.sampled_from(["c", "toString"]), max_size=2),
        "replaced_by": st.lists(ids, max_size=2),
        "warning": st.text(max_size=5),
        "conflict": st.text(max_size=5),
    },
)
case = st.fixed_dictionaries(
    {"id": ids, "title": st.text(min_size=1, max_size=5), "scopes": st.lists(ids, min_size=1, max_size=3)},
    optional={"filter": st.text(max_size=5), "replaces": ids},
)


def _nested(inner):
    return st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "b", "e", "toString"]), inner, max_size=3)
    )


record = st.recursive(val, _nested, max_leaves=10)
version = st.fixed_dictionaries(
    {"id": ids, "label": st.text(max_size=3), "scopes": st.lists(scope, min_size=1, max_size=4)},
    optional={
        "status": st.sampled_from(["current", "retired", "x"]),
        "use_cases": st.lists(case, max_size=3),
        "entries": st.sampled_from(["e", "a"]),
        "example": record,
        "envelope": st.sampled_from(["data", ""]),
        "body": st.booleans(),
        "empty_answer": st.fixed_dictionaries(
            {}, optional={"status": st.integers(100, 599), "body": record, "note": st.text(max_size=4)}
        ),
        "messages": st.dictionaries(
            st.sampled_from(["no_population", "requires", "zzz"]),
            st.sampled_from(["x {scope}", "{nope}", "y"]),
            max_size=2,
        ),
    },
)
fc = st.one_of(
    st.fixed_dictionaries({"versions": st.lists(version, min_size=1, max_size=3)}),
    st.fixed_dictionaries(
        {"scopes": st.lists(scope, min_size=1, max_size=4)},
        optional={"use_cases": st.lists(case, max_size=3), "example": record},
    ),
)

txt = st.one_of(
    st.text(max_size=6),
    st.integers(),
    st.none(),
    st.sampled_from(["javascript:x", "/les-api/x", "https://[", "2025-01-01", "<Button href='x'>b</Button>"]),
)
notice = st.fixed_dictionaries(
    {},
    optional={
        "date": txt,
        "title": txt,
        "text": txt,
        "link": st.one_of(txt, st.fixed_dictionaries({}, optional={"href": txt, "label": txt, "x": txt})),
    },
)


def _load_one(tmp_path_factory, meta, body="x\n"):
    folder = tmp_path_factory.mktemp("random")
    (folder / "api").mkdir()
    (folder / "producteurs").mkdir()
    (folder / "producteurs" / "mesri.md").write_text("---\nname: M\n---\n")
    (folder / "api" / "random.md").write_text(
        "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body, encoding="utf-8"
    )
    problems = Problems()
    catalogue = model.load(folder, problems)
    check_clean(problems)
    return catalogue, problems


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=fc, body=st.sampled_from(["", "### Scopes à transmettre à FranceConnect\n\n- A : `a`\n- B : `zz`\n"]))
def test_random_scope_declarations(tmp_path_factory, data, body):
    from generator import pages

    catalogue, problems = _load_one(
        tmp_path_factory, {"title": "T", "tagline": "t", "producer": "mesri", "is_open": 1, "franceconnect": data}, body
    )
    if problems.errors:
        return
    pages.pages(catalogue)
    for api in catalogue.apis.values():
        for version in api.scopes.versions if api.scopes else []:
            every = [s.id for s in version.scopes]
            version.warnings(every), version.answer(every), version.scope_string(every)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(notices=st.one_of(st.lists(notice, max_size=3), txt))
def test_random_notices(tmp_path_factory, notices):
    from generator import pages

    catalogue, problems = _load_one(
        tmp_path_factory,
        {
            "title": "T",
            "tagline": "t",
            "producer": "mesri",
            "is_open": -1,
            "notices": notices,
            "access_page": [{"who": ["A"], "is_eligible": 1}],
            "franceconnect": {"scopes": [{"id": "a", "label": "A", "role": "mask"}]},
        },
    )
    if not problems.errors:
        pages.pages(catalogue)


# HTML as the search parsers meet it: nested or not, closed or not, with what Material's parser treats apart
# (headings with ids, permalinks, excluded blocks, pre, scripts, void tags).
_TAGS = ["div", "section", "p", "h1", "h2", "h3", "a", "pre", "code", "li", "ul", "span", "script", "br", "img"]
_TAGS += ["table", "td", "textarea", "wbr", "keygen"]  # built apart by browsers, or closed by them alone
_ATTRIBUTES = [
    "",
    ' id="x"',
    ' id="y" class="z"',
    ' class="headerlink"',
    ' class="linenodiv"',
    " data-search-exclude",
    ' id="w" data-search-exclude',
]
_token = st.one_of(
    st.builds(lambda tag, attributes: f"<{tag}{attributes}>", st.sampled_from(_TAGS), st.sampled_from(_ATTRIBUTES)),
    st.builds(lambda tag: f"</{tag}>", st.sampled_from(_TAGS)),
    st.builds(lambda tag: f"<{tag}/>", st.sampled_from(_TAGS)),
    st.text(alphabet="ab \n\t&<>;é", max_size=6),
    st.builds(lambda text: f"<!--{text}-->", st.text(alphabet="ab <>", max_size=3)),  # left out by both
    st.builds(  # a heading as Markdown writes it, with its permalink
        lambda level, words, mark: f'<h{level} id="t">{words}<a class="headerlink" href="#t">{mark}</a></h{level}>',
        st.integers(1, 3),
        st.text(alphabet="ab &", max_size=4),
        st.sampled_from(["", "¶", " "]),
    ),
)


def _sections(parser_class, html: str, *, walk_tree: bool = False):
    """The sections as the parser cuts them, reading html as a stream, or as the tree a browser builds."""
    parser = parser_class()
    try:
        if walk_tree:
            parser.read(html)
        else:
            parser.feed(html)
            parser.close()
    except ValueError as exc:  # Material's parser fails on some orders of tags: ours must fail alike
        return type(exc)
    return [(s.id, s.el.tag, s.depth, s.title, s.text, s.is_excluded()) for s in parser.data]


@settings(max_examples=1500, deadline=None)
@given(tokens=st.lists(_token, max_size=40))
def test_the_section_parser_reads_pages_as_a_browser_writes_them_back(tokens):
    """The build's parser walks the tree a browser builds (lexbor): the sections are those Material's parser finds
    in the page as the browser would write it back, whatever the page as written (here unclosed, misnested)."""
    from material.plugins.search.plugin import Parser
    from selectolax.lexbor import LexborHTMLParser

    from generator.search import SectionParser

    html = "".join(tokens)
    root = LexborHTMLParser(html, is_fragment=True).root
    assert _sections(SectionParser, html, walk_tree=True) == _sections(Parser, root.html if root else "")


_json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=500, deadline=None)
@given(value=_json_value)
def test_the_exports_are_written_as_json_writes_them(value):
    """Byte for byte json.dumps(indent=2)'s text, orjson's refusals (integers past 64 bits, lone surrogates)
    included: they go through json."""
    import json

    from generator.pages import _json

    assert _json(value) == json.dumps(value, ensure_ascii=False, indent=2) + "\n"


@settings(max_examples=500, deadline=None)
@given(value=_json_value | st.dictionaries(st.integers(), st.text(max_size=4), max_size=3))
def test_the_scopes_page_data_is_compact_json_as_json_writes_it(value):
    """The scopes page's data: json.dumps' compact text, orjson's refusals (integer keys among them) included, with
    what could close the <script> escaped."""
    import json

    from generator.pages import _script_json as dumps

    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert dumps(value) == expected.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    assert json.loads(dumps(value)) == json.loads(expected)


@settings(max_examples=200, deadline=None)
@given(value=st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=5))
def test_exported_numbers_read_back_the_same(value):
    """Floats may be written otherwise than json writes them (1.5e-7, not 1.5e-07): the same numbers."""
    import json

    from generator.pages import _json

    assert json.loads(_json(value)) == value


@settings(max_examples=500, deadline=None)
@given(tokens=st.lists(st.sampled_from(["<!--search:off-->", "<!--search:on-->", "<p>a</p>", "x", "<!--", "-->"])))
def test_the_search_skips_each_excluded_block_to_its_first_end_marker(tokens):
    """What the regular expression `<!--search:off-->.*?<!--search:on-->` removes, and nothing else: a block left
    open is read to the end, as written."""
    import re

    from generator.pages import searchable

    html = "".join(tokens)
    assert searchable(html) == re.sub(r"<!--search:off-->.*?<!--search:on-->", "", html, flags=re.S)


@settings(max_examples=500, deadline=None)
@given(
    tokens=st.lists(
        st.sampled_from(["<p>", "</p>", "\u00a7\u00a7cmp0\u00a7\u00a7", "\u00a7\u00a7cmp12", "\u00a7\u00a7", "x"])
    )
)
def test_block_placeholders_are_found_with_or_without_their_paragraph(tokens):
    """Where the plain pattern `(?:<p>)?§§cmp(\\d+)§§(?:</p>)?` finds them, with the same number."""
    import re

    html = "".join(tokens)
    plain = re.compile("(?:<p>)?\u00a7\u00a7cmp(\\d+)\u00a7\u00a7(?:</p>)?")
    found = [(m.span(), m.group(1) or m.group(2)) for m in components._PLACEHOLDER.finditer(html)]
    assert found == [(m.span(), m.group(1)) for m in plain.finditer(html)]


_markdown_pieces = st.sampled_from(
    ["# T", "## T ##", "T\n===", "T\n---", "> T\n> ===", "- T\n  ---", "1. T\n\n   ## U", "    # code", "## T & U",
     "<h2>T</h2>", "<H3>T</H3>", '<h3 id="t">T</h3>', "a - b", "x=1", "`#`", "&#35;", "| a | b |\n|---|---|\n| 1 | 2 |", "```\n# c\n```",
     "*e*", "\n", "\n\n", "  ", "-", "=", "text", "## \ue0000\ue001B\ue0020\ue001"]
)  # fmt: skip


def _flat(tokens: list) -> list:
    return [t for token in tokens for t in [token, *_flat(token["children"])]]


@settings(max_examples=500, deadline=None)
@given(text=st.lists(_markdown_pieces, max_size=8).map("".join))
def test_every_heading_gets_one_unique_id_a_permalink_and_a_toc_entry(text):
    """Markdown's headings and raw HTML ones alike, in the text's order; a heading nests under the last one of a
    higher level before it."""
    html, toc = components._converted(components.Markup(text))
    headings = LexborHTMLParser(html).css("h1, h2, h3, h4, h5, h6")
    ids = [h.attributes.get("id") for h in headings]
    assert [t["id"] for t in _flat(toc)] == ids
    assert all(ids) and len(set(ids)) == len(ids)
    for heading in headings:
        link = heading.last_child
        assert link.tag == "a" and link.attributes == {**components.PERMALINK, "href": f"#{heading.attributes['id']}"}
    for token in _flat(toc):
        assert components._MARKERS.search(token["name"]) is None  # component markers stay out of the TOC
        assert all(child["level"] > token["level"] for child in token["children"])
