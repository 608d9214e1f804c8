"""Our pages' search sections, parsed where the pages are rendered, then handed to the theme's search plugin.

Material's search plugin parses every page's HTML on MkDocs' one thread: on our pages, a third of a large build.
Its parser's rules run in the render workers instead (`SectionParser`), on the page as a browser reads it, and its
own code turns the sections into index entries. On pages whose HTML a browser reads as written, which our
templates, Markdown and nh3 produce, the index is the one it would have made (tests/test_plugin.py and
tests/test_parallel.py compare them; tests/test_properties.py compares the parsers on generated HTML)."""

from __future__ import annotations

from collections import defaultdict
from html import escape

from selectolax.lexbor import LexborHTMLParser

from . import pages

try:
    from material.plugins.search.plugin import Element, Parser, SearchIndex, SearchPlugin, Section, void
except ImportError:  # Material without its search plugin: the pages are indexed the usual way, if at all
    Element = SearchIndex = SearchPlugin = Section = void = None
    Parser = object  # SectionParser is then never used


class MaterialSearch:
    def __init__(self, plugin):
        self.plugin = plugin

    @classmethod
    def of(cls, config) -> MaterialSearch | None:
        """The site's search, if it is Material's, enabled, and has the entry point this module feeds."""
        if SearchPlugin is None or not hasattr(SearchIndex, "create_entry_for_section"):
            return None
        found = [p for p in config.plugins.values() if isinstance(p, SearchPlugin) and p.config.enabled]
        return cls(found[0]) if found else None

    @staticmethod
    def sections(html: str) -> list[tuple]:
        """The sections the plugin would index for this page, as (id, title, text) with the title and text
        joined (the title None where the plugin found none): little to send back from a worker or to keep until
        the page's turn, and the same entry once the plugin joins them."""
        parser = SectionParser()
        parser.read(pages.searchable(html))
        return [
            (section.id, "".join(section.title) if section.title else None, "".join(section.text))
            for section in parser.data
            if not section.is_excluded()
        ]

    def add(self, sections: list[tuple], page) -> None:
        """The plugin's add_entry_from_context, with the parsing already done."""
        if (page.meta.get("search") or {}).get("exclude"):
            return
        for anchor, title, text in sections:
            section = Section(Element("section"))
            section.id, section.title, section.text = anchor, [] if title is None else [title], [text]
            self.plugin.search_index.create_entry_for_section(section, page.toc, page.url, page)


class Pieces(list):
    """A section's title or text as the parser builds it, keeping what closing a kept element asks: where its tag
    first opened in the section (Material looks for the first one, whichever element it was) and where the last
    piece that is not blank is. Material finds both by scanning the section at every closing tag: quadratic on a
    page with one long list (/eligibilite/ at 10 000 APIs: 12 s)."""

    def __init__(self):
        super().__init__()
        # "<li>" → where it first opened, and the last piece that was not blank before it: what is left after a cut
        self.first: dict[str, tuple[int, int]] = {}
        self.last_filled = -1

    def add(self, piece: str) -> None:
        if not piece.isspace():
            self.last_filled = len(self)
        self.append(piece)

    def open(self, tag: str) -> None:
        self.first.setdefault(f"<{tag}>", (len(self), self.last_filled))
        self.add(f"<{tag}>")

    def close(self, tag: str) -> None:
        """Material's rule: the closing tag if anything but blanks follows the tag's first opening, else drop
        everything from there."""
        found = self.first.get(f"<{tag}>")
        if found is None:
            raise ValueError(f"<{tag}> is not in the section")  # as list.index fails in Material's parser
        index, filled_before = found
        if self.last_filled > index:
            self.add(f"</{tag}>")
            return
        del self[index:]
        self.first = {piece: at for piece, at in self.first.items() if at[0] < index}  # a few kept tags
        self.last_filled = filled_before


def _section(el: Element, depth: int = 0) -> Section:
    section = Section(el, depth)
    section.title, section.text = Pieces(), Pieces()
    return section


HEADINGS = frozenset(f"h{level}" for level in range(1, 7))
# Elements a browser writes back without a closing tag (the HTML standard's serialisation), so none is handed on:
# Material's parser, which reads pages as written, never meets one. Its own `void` set is nearly the same.
UNCLOSED = frozenset(
    "area base basefont bgsound br col embed frame hr img input keygen link meta param source track wbr".split()  # noqa: SIM905
)
ALWAYS_SKIPPED = ("script", "style", "object")


class SectionParser(Parser):
    """Material's Parser, section for section, in about a quarter of its time (our pages: 4.0 times faster).

    It reads the page with lexbor, the HTML standard's parser in C, rather than with html.parser's tokenizer in
    Python, and walks the tree lexbor builds. Material's handlers ask, at every tag and every piece of text, whether
    an element of the open ones is skipped, is the current heading, or is `pre`, by comparing elements one by one
    (they compare equal by tag name). Here the open elements' tags are counted as they open and close, so each
    question is a look-up, and the rules run in the walk's own loop: with a handler called for each node, it was 3.4
    times faster than Material's. Every rule, quirks included, is Material's (tests compare both parsers on our
    pages and on generated HTML)."""

    def read(self, html: str) -> None:
        """Applies Material's rules to each element's opening and closing, and each text, in the order of the tree
        a browser builds from this fragment: the tags as the browser would write the page back, which is the page as
        written where its HTML is well formed. Comments are left out, as Material's parser leaves them."""
        root = LexborHTMLParser(html, is_fragment=True).root
        if root is None:  # nothing but what the parser drops
            return
        keep, data = self.keep, self.data
        skip_tags = set(self.skip)  # Material's skip set, which matches by tag name
        # The open elements' tags, innermost last: the element a closing tag must match, and their count.
        context: list[str] = []
        open_tags: defaultdict[str, int] = defaultdict(int)  # not a Counter: its misses run Python code
        open_skipped = 0  # open elements whose tag is in skip_tags: text is skipped while there is one
        permalinks: list[int] = []  # where each open permalink sits in `context`
        section: Section | None = None
        walking = [(None, root.iter(include_text=True))]  # (element's tag, its unvisited children), innermost last
        while walking:
            tag, children = walking[-1]
            node = next(children, None)

            if node is None:  # an element's end
                walking.pop()
                if tag is None or not context or context[-1] != tag:
                    continue
                depth = len(context)
                if section.depth > depth:  # leaving the element a heading was nested in
                    for earlier in reversed(data):
                        if earlier.depth <= depth:
                            section.depth = float("inf")
                            section = earlier
                            break
                context.pop()
                open_tags[tag] -= 1
                if permalinks and permalinks[-1] == depth - 1:
                    permalinks.pop()
                if tag in skip_tags:
                    open_skipped -= 1
                    if tag not in ALWAYS_SKIPPED:
                        skip_tags.discard(tag)
                        open_skipped -= open_tags[tag]
                elif tag in keep and not open_skipped:
                    (section.title if open_tags[section.el.tag] else section.text).close(tag)  # dropped if empty
                continue

            name = node.tag  # "-text", "-comment", or an element's
            if name == "-text":
                if open_skipped:
                    continue
                text = node.text_content
                blank, pre = text.isspace(), open_tags["pre"] > 0
                if not pre:
                    text = " " if blank else text.replace("\n", " ")
                if section is None:
                    section = _section(Element("hx"))
                    data.append(section)
                if open_tags[section.el.tag]:  # in the section's heading
                    if not permalinks:
                        section.title.add(escape(text, quote=False))
                elif blank:  # runs of blanks are one, but in `pre`
                    pieces = section.text
                    if pre or not pieces or not pieces[-1].isspace():
                        pieces.append(text)  # a blank: Pieces.add's bookkeeping has nothing to note
                else:
                    section.text.add(escape(text, quote=False))
                continue
            if name[0] == "-" or name in void:
                continue

            attrs = node.attributes
            if name == "a" and attrs.get("class") == "headerlink":
                permalinks.append(len(context))
            context.append(name)
            depth = len(context)
            open_tags[name] += 1
            if name in skip_tags:
                open_skipped += 1
            if name not in UNCLOSED:
                walking.append((name, node.iter(include_text=True)))

            if name in HEADINGS and "id" in attrs:  # a new section; the page's first one has no id
                if name != "h1" and not data:
                    data.append(_section(Element("hx"), depth))
                section = _section(Element(name, attrs), depth)
                if data:
                    section.id = attrs["id"]
                data.append(section)
            elif section is None:  # text before any heading
                section = _section(Element("hx"))
                data.append(section)

            if "data-search-exclude" in attrs or attrs.get("class") == "linenodiv":
                if name not in skip_tags:
                    skip_tags.add(name)
                    open_skipped += open_tags[name]
            elif name in keep and not open_skipped:
                (section.title if open_tags[section.el.tag] else section.text).open(name)
