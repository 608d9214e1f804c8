"""Our pages' search sections, parsed where the pages are rendered, then handed to the theme's search plugin.

Material's search plugin parses every page's HTML on MkDocs' one thread: on our pages, a third of a large build.
Its own parser runs in the render workers instead, and its own code turns the sections into index entries, so the
index is the one it would have made (tests/test_plugin.py compares them)."""

from __future__ import annotations

from . import pages

try:
    from material.plugins.search.plugin import Parser, SearchIndex, SearchPlugin
except ImportError:  # Material without its search plugin: the pages are indexed the usual way, if at all
    Parser = SearchIndex = SearchPlugin = None


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
    def sections(html: str) -> list:
        """The sections the plugin would index for this page, each one's text joined: less to send back from a
        worker, and the same entry once the plugin joins it."""
        parser = Parser()
        parser.feed(pages.searchable(html))
        parser.close()
        kept = [section for section in parser.data if not section.is_excluded()]
        for section in kept:
            section.text = ["".join(section.text)]
            if section.title:  # an empty title is the plugin's cue to use the page's
                section.title = ["".join(section.title)]
        return kept

    def add(self, sections: list, page) -> None:
        """The plugin's add_entry_from_context, with the parsing already done."""
        if (page.meta.get("search") or {}).get("exclude"):
            return
        for section in sections:
            self.plugin.search_index.create_entry_for_section(section, page.toc, page.url, page)
