"""Thin MkDocs glue: load the catalogue, hand its pages and exports to MkDocs."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from html import escape
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from . import components, model, pages
from .problems import Problems

log = logging.getLogger("mkdocs.plugins.api-catalogue")
_USER_EPOCH = os.environ.get("SOURCE_DATE_EPOCH")


def _escape(text: str) -> str:
    return escape(text, quote=False).replace('"', "&quot;")


class CatalogueConfig(Config):
    content = c.Type(str, default="content")
    iframe_hosts = c.ListOfItems(c.Type(str), default=list(components.IFRAME_HOSTS))


class CataloguePlugin(BasePlugin[CatalogueConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.preloaded: tuple[model.Catalogue, Problems] | None = None  # set by the CLI, which already checked
        self.pages: dict[str, pages.Page] = {}

    def content_dir(self, config) -> Path:
        path = Path(self.config.content)
        return path if path.is_absolute() else Path(config.config_file_path).parent / path

    def on_files(self, files: Files, /, *, config) -> Files:
        if self.preloaded:
            catalogue, problems = self.preloaded
        else:
            problems = Problems()
            catalogue = model.load(self.content_dir(config), problems, self.config.iframe_hosts)
            if problems.errors:
                raise PluginError("contenu invalide :\n" + "\n".join(str(p) for p in problems.sorted()))
            for problem in problems.sorted():
                log.warning(str(problem))
        # MkDocs dates the sitemap (and its gzip header) from this: derive it from content for reproducible builds.
        os.environ["SOURCE_DATE_EPOCH"] = _USER_EPOCH or str(model.content_epoch(catalogue))
        env = pages.environment(Path(config.theme.custom_dir or pages.TEMPLATES.parent) / "fragments")
        try:
            self.pages = {page.src: page for page in pages.pages(catalogue, env)}
        except pages.RenderError as exc:
            raise PluginError(str(exc)) from exc
        for src, page in self.pages.items():
            files.append(File.generated(config, src, content=f"# {page.title}\n"))
        for path, text in pages.exports(catalogue).items():
            files.append(File.generated(config, path, content=text))
        return files

    def on_nav(self, nav, /, *, config, files):
        """Drop nav entries whose page this content does not produce (another content folder)."""
        from mkdocs.structure.nav import Link

        def keep(items):
            kept = []
            for item in items:
                if isinstance(item, Link) and item.url.endswith(".md"):
                    log.info("nav : « %s » retiré, la page %s n'existe pas pour ce contenu", item.title, item.url)
                    continue
                if getattr(item, "children", None):
                    item.children = keep(item.children)
                kept.append(item)
            return kept

        nav.items = keep(nav.items)
        return nav

    def on_page_markdown(self, markdown: str, /, *, page, config, files) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            return markdown
        # The theme prints these unescaped (MkDocs' Jinja does not autoescape): escape them here. Apostrophes
        # stay as they are (the theme quotes attributes with "), so the search index holds "d'habilitation".
        page.meta["title"] = _escape(generated.title)
        page.meta["hide"] = generated.hide
        page.meta["title_is_site_name"] = model.theme_key(generated.title) == model.theme_key(config.site_name)
        if generated.description:
            page.meta["description"] = _escape(generated.description)
        return ""

    def on_page_content(self, html: str, /, *, page, config, files) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            return html
        page.toc = get_toc(generated.toc_tokens())
        return generated.html

    def on_serve(self, server, /, *, config, builder):
        server.watch(str(self.content_dir(config)))
        return server
