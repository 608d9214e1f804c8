"""Our pages' search sections, parsed where the pages are rendered, then handed to the theme's search plugin.

Material's search plugin parses every page's HTML on MkDocs' one thread: on our pages, a third of a large build.
Its own parser runs in the render workers instead, and its own code turns the sections into index entries, so the
index is the one it would have made (tests/test_plugin.py compares them)."""

from __future__ import annotations

from . import pages

try:
    from material.plugins.search.plugin import Element, Parser, SearchIndex, SearchPlugin, Section
except ImportError:  # Material without its search plugin: the pages are indexed the usual way, if at all
    Element = Parser = SearchIndex = SearchPlugin = Section = None


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
        parser = Parser()
        parser.feed(pages.searchable(html))
        parser.close()
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
