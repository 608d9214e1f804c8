"""Thin MkDocs glue: load the catalogue, hand its pages, navigation, assets and exports to MkDocs.

All a host site needs is `plugins: [api-catalogue: {content: <folder>}]` in a Material site."""

from __future__ import annotations

import functools
import logging
import os
import re
from html import escape
from pathlib import Path

import jinja2
import rcssmin
import rjsmin
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import get_toc

from . import components, model, naming, pages, workers
from .problems import ERROR
from .search import MaterialSearch

try:  # MkDocs' step for one page: private, hence looked up; without it, MkDocs' loop lays out every page
    from mkdocs.commands.build import _build_page
except ImportError:
    _build_page = None

log = logging.getLogger("mkdocs.plugins.api-catalogue")
ASSETS = Path(__file__).resolve().parent / "assets"
ASSET_DIR = "assets/api-catalogue/"  # where the plugin's CSS and JS land in the site
STYLES = ["stylesheets/catalogue.css"]
LOADER = "javascripts/widgets.js"  # on every page: it loads the widgets a page holds
SEARCH_ON_DEMAND = "javascripts/search-on-demand.js"  # before the theme's script: the index waits for a search
WIDGETS = [
    "javascripts/embed.js",
    "javascripts/funnel.js",
    "javascripts/scopes.js",
    "javascripts/catalogue.js",
    "javascripts/eligibility.js",
]

THEME_SCRIPT = re.compile(r'<script src="(?P<prefix>[^"]*)assets/javascripts/bundle\.[0-9a-f]+\.min\.js"')


def _escape(text: str) -> str:
    return escape(text, quote=False).replace('"', "&quot;")


class CatalogueConfig(Config):
    enabled = c.Type(bool, default=True)
    content = c.Dir(exists=True, default="content")  # relative to mkdocs.yml
    featured = c.Optional(c.Type(str))  # slug of the API the generated home page puts first
    iframe_hosts = c.ListOfItems(c.Type(str), default=list(components.IFRAME_HOSTS))


class CataloguePlugin(BasePlugin[CatalogueConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.pages: dict[str, pages.Page] = {}
        self.catalogue: model.Catalogue | None = None
        self.serving = False
        self.banner = ""  # under `mkdocs serve`, the content's errors, shown on every page
        self.loaded: tuple | None = None  # (catalogue, problems) that the CLI loaded and reported: one load a build
        self.jobs = 1  # processes for per-API work: the CLI's --jobs (its build runs on one thread, so may fork)
        self.unsearched: dict[str, str] = {}  # page URL → its whole content, while the search plugin reads it
        self.search: MaterialSearch | None = None  # the theme's search, when our pages' sections can be handed to it
        self.env = None  # our templates, as the host's custom_dir overrides them
        self.holds: dict[str, str] = {}  # the theme's asset prefix on a page → the tag that loads search-on-demand
        self.nav: Navigation | None = None
        self.site_name_key = ""
        self.in_theme_worker = False  # in a process of _themed_in_workers, whose search index is thrown away
        self.exported: list[File] = []  # the export files, as MkDocs has them
        self.writer: tuple | None = None  # (process, files) writing the export files meanwhile, until on_post_build

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    def on_config(self, config):
        if not self.config.enabled:
            return config
        # Ours first: a host's own extra_css comes after and wins. The loader is global rather than per page: the
        # theme's instant navigation swaps page bodies without loading new head scripts.
        config.extra_css[:0] = [ASSET_DIR + path for path in STYLES]
        config.extra_javascript.append(c.ExtraScriptValue(ASSET_DIR + LOADER))
        self.search = MaterialSearch.of(config)
        return config

    def on_files(self, files: Files, /, *, config) -> Files:
        if not self.config.enabled:
            return files
        home = files.get_file_from_path("index.md") is None
        if self.loaded is not None:
            catalogue, problems = self.loaded
            self.loaded = None  # for this build only
        else:
            catalogue, problems = pages.load_site(
                Path(self.config.content),
                self.config.iframe_hosts,
                site_url=config.site_url or "",
                featured=self.config.featured,
                home=home,
                config_file=Path(config.config_file_path or "mkdocs.yml"),
            )
            if problems.errors and not self.serving:
                raise PluginError("contenu invalide :\n" + "\n".join(str(p) for p in problems.sorted()))
            for problem in problems.sorted():
                (log.error if problem.severity == ERROR else log.warning)(str(problem))
        self.site_name_key = naming.fold(config.site_name)  # compared with every page's title
        custom_dir = Path(config.theme.custom_dir) if config.theme.custom_dir else None
        jobs = 1 if self.serving else self.jobs
        self.env = env = pages.environment(custom_dir, config.use_directory_urls)
        self.holds = {}
        # Serving, a maintainer keeps editing: build what is valid and show every problem, rather than stop.
        self.banner = pages.problems_banner(env, problems) if self.serving and problems.items else ""
        try:
            rendered, exported = pages.site(
                catalogue,
                env,
                home=home,
                site_name=config.site_name,
                site_description=config.site_description or "",
                featured=self.config.featured,
                jobs=jobs,
                # A page under the banner differs from its rendering: the search plugin parses it itself.
                index=self.search.sections if self.search and not self.banner else None,
                site_url=config.site_url or "",
                utf8=self._themed_elsewhere(config),  # decoded by the theme's workers, each its own pages
            )
        except pages.RenderError as exc:
            raise PluginError(str(exc)) from exc
        if self.serving:  # a file that could not be read keeps its address, with the problems to fix
            rendered += pages.unreadable_pages(env, Path(self.config.content), catalogue, problems)
        self.catalogue, self.pages = catalogue, {page.src: page for page in rendered}
        for src, page in self.pages.items():
            # Placed by on_nav: MkDocs must not report them as missing from a host's `nav`.
            file = File.generated(config, src, content=f"# {page.title}\n", inclusion=InclusionLevel.NOT_IN_NAV)
            files.append(file)
            RenderedPage(None, file, config)  # now file.page: MkDocs uses it rather than making its own
        self.exported = [File.generated(config, path, content=text) for path, text in exported.items()]
        for file in self.exported:
            files.append(file)
        if not config.site_url:
            log.info("site_url absent : dataservices.json et catalog.jsonld ne donnent pas l'adresse des pages du site")
        for path in [*STYLES, LOADER, SEARCH_ON_DEMAND, *WIDGETS]:
            files.append(File.generated(config, ASSET_DIR + path, content=_minified(ASSETS / path)))
        return files

    @event_priority(-100)  # last: the theme's environment as the other plugins leave it
    def on_env(self, env, /, *, config, files):
        """The theme's templates share our compiled-template cache, unless the site set one of its own. With
        `--jobs`, the theme lays out our pages in that many processes (see _themed_in_workers), then one more
        writes the export files while MkDocs goes on (see _export_meanwhile)."""
        if not self.config.enabled:
            return env
        if env.bytecode_cache is None:
            env.bytecode_cache = pages.bytecode_cache()
        if self.nav is not None and self._themed_elsewhere(config):
            self._themed_in_workers(env, config, files)
            self._export_meanwhile(files)
        for src, generated in self.pages.items():
            if not isinstance(generated.html, bytes):
                continue
            page = files.get_file_from_path(src).page
            if page.meta.get("template") != WRITTEN:  # MkDocs' loop lays it out
                generated.html = page.content = page.content.decode()
        return env

    def _themed_elsewhere(self, config) -> bool:
        """Whether on_env will have the theme lay out our pages in workers (see _themed_in_workers); a page whose
        layout fails there is left to MkDocs' loop."""
        return self.jobs > 1 and not self.serving and _build_page is not None and _only_known_plugins(config)

    def _themed_in_workers(self, env, config, files) -> None:
        """MkDocs lays out every page in the theme on its one thread: 1.4 ms a page, 41 s of a 10 000-API build.
        Our pages are laid out and written here by MkDocs' own page step, shared among forked processes; MkDocs'
        loop then runs every page's hooks as before (the search index is made there, in the same order) but
        renders an empty template for these pages and writes nothing. Only in a site whose plugins are ours and
        the search: another plugin's hooks might keep something from each page, which a worker would lose.
        A page whose layout fails or logs a warning is left to MkDocs' loop, which reports it its own way."""
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        ours = [file.page for file in doc_files if file.src_uri in self.pages]
        if not ours or not workers.forks(len(ours), self.jobs):
            return
        write = functools.partial(_write_page, os.getpid(), self, ours, config, doc_files, self.nav, env)
        try:
            written = workers.shared(write, list(range(len(ours))), self.jobs)
        except Exception as exc:
            log.debug("pages laid out by MkDocs' loop: %r", exc)
            return
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({WRITTEN: ""}), env.loader])
        for page, done in zip(ours, written):
            if done:
                page.meta["template"] = WRITTEN

    def _export_meanwhile(self, files: Files) -> None:
        """MkDocs writes the export files one by one, on its one thread, before its loop over the pages: 30 000
        files at 10 000 APIs, 3 to 7 s on this disk, while the other core waits. With `--jobs`, a forked process
        writes them instead, as MkDocs would, while MkDocs' loop and the search index go on; on_post_build waits
        for it. Only where the theme's workers run (see _themed_elsewhere): another plugin could read the site's
        files before then."""
        if not self.exported or (process := workers.in_background(functools.partial(_copy, self.exported))) is None:
            return
        for file in self.exported:
            files.remove(file)
        self.writer = process, self.exported

    @event_priority(-100)  # last: the export files are written while the other plugins finish
    def on_post_build(self, *, config) -> None:
        self._await_exports()

    def on_build_error(self, *, error) -> None:
        self._await_exports()

    def _await_exports(self) -> None:
        if self.writer is None:
            return
        (process, exported), self.writer = self.writer, None
        process.join()
        if process.exitcode != 0:  # written here, then, as MkDocs would have
            log.debug("export files written by MkDocs' process: the writer exited with %s", process.exitcode)
            _copy(exported)

    def on_nav(self, nav: Navigation, /, *, config, files) -> Navigation:
        """The host's own entries, then the catalogue's sections, made from the content."""
        if not self.config.enabled or self.catalogue is None:
            return nav
        items = _keep(nav.items, set(self.pages))
        home = self.pages.get("index.md")
        if home:
            items.insert(0, files.get_file_from_path("index.md").page)
        items += _entries(pages.navigation(self.catalogue), files)
        pages_in_nav = _pages(items)
        for previous, page, following in zip([None, *pages_in_nav[:-1]], pages_in_nav, [*pages_in_nav[1:], None]):
            page.previous_page, page.next_page = previous, following
        _parents(items, None)
        self.nav = Navigation(items, pages_in_nav)
        return self.nav

    def on_page_markdown(self, markdown: str, /, *, page, config, files) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            return markdown
        # The theme prints these unescaped (MkDocs' Jinja does not autoescape): escape them here. Apostrophes
        # stay as they are (the theme quotes attributes with "), so the search index holds "d'habilitation".
        page.meta["title"] = _escape(generated.title)
        page.meta["hide"] = generated.hide
        page.meta["title_is_site_name"] = naming.fold(generated.title) == self.site_name_key
        if generated.description:
            page.meta["description"] = _escape(generated.description)
        return ""

    def on_page_content(self, html: str, /, *, page, config, files) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            page.toc = get_toc(generated.toc_tokens())
            html = generated.html
            if isinstance(html, bytes):  # still UTF-8 (see _themed_elsewhere): decoded where it is laid out
                return html
        return self.banner + html

    @event_priority(100)  # before the search plugin indexes the page
    def _lighten_for_search(self, context, /, *, page, config, nav):
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            return context
        if self.in_theme_worker:  # MkDocs' loop indexes the page again in its own process, which keeps the index
            light = ""
        elif generated.search is not None and page.content == generated.html:
            # Sections parsed where the page was rendered, in parallel: the search plugin then reads nothing.
            self.search.add(generated.search, page)
            generated.search, light = None, ""  # indexed: no need to keep the sections to the end of the build
        else:  # a banner or another plugin changed the page since
            light = pages.searchable(page.content)
        if light != page.content:
            self.unsearched[page.url], page.content = page.content, light
        return context

    @event_priority(-100)  # after it
    def _restore_after_search(self, context, /, *, page, config, nav):
        if (whole := self.unsearched.pop(page.url, None)) is not None:
            page.content = whole
        return context

    on_page_context = CombinedEvent(_lighten_for_search, _restore_after_search)

    def on_post_page(self, output: str, /, *, page, config) -> str:
        return self._hold_search_index(output)

    def on_post_template(self, output: str, /, *, template_name, config) -> str:
        return self._hold_search_index(output) if template_name.endswith(".html") else output

    def _hold_search_index(self, output: str) -> str:
        """Put search-on-demand.js just before the theme's script, which requests the index as it runs. The
        theme's own tag gives the path to the site's assets from this page, whatever its depth."""
        if not self.config.enabled or self.env is None:
            return output
        # Found from the end, where the theme puts it: a regular expression over the whole page costs 100 times more.
        at = output.rfind('<script src="', 0, max(output.rfind("assets/javascripts/bundle."), 0))
        if at < 0 or not (found := THEME_SCRIPT.match(output, at)):
            return output
        prefix = found["prefix"]
        if (tag := self.holds.get(prefix)) is None:
            src = prefix + ASSET_DIR + SEARCH_ON_DEMAND
            tag = self.holds[prefix] = self.env.get_template("search_on_demand.html").render(src=src)
        return output[:at] + tag + output[at:]

    def on_serve(self, server, /, *, config, builder):
        if self.config.enabled:
            server.watch(self.config.content)
        return server


class RenderedPage(MkDocsPage):
    """One of our pages, rendered already. MkDocs' Markdown pass over its one-line source would only build a new
    Markdown instance (0.35 ms a page: 10 s of a 10 000-API build, on MkDocs' one thread); on_page_content puts
    our HTML and table of contents in."""

    def render(self, config, files) -> None:
        self.content, self.toc = "", get_toc([])


WRITTEN = "api-catalogue/written.html"  # the template of a page a worker wrote: empty, so MkDocs writes nothing
SEARCH_PLUGINS = {"search", "material/search"}


def _only_known_plugins(config) -> bool:
    return set(config.plugins) <= {*SEARCH_PLUGINS, "api-catalogue"}


def _copy(files: list[File]) -> None:
    for file in files:
        file.copy_file()


def _write_page(parent: int, plugin: CataloguePlugin, ours: list, config, doc_files, nav, env, index: int) -> bool:
    """One of our pages laid out in the theme and written by MkDocs' own page step, in a worker, whose log
    is silent: whether it went without a warning."""
    if os.getpid() == parent:  # the workers are gone: MkDocs' loop does it
        return False
    plugin.in_theme_worker = True  # this process's copy
    page = ours[index]
    if isinstance(page.content, bytes):
        page.content = page.content.decode()
    logger = logging.getLogger("mkdocs")
    heard = _Heard()
    handlers, propagate = logger.handlers, logger.propagate
    logger.handlers, logger.propagate = [heard], False
    try:
        _build_page(page, config, doc_files, nav, env)
    finally:
        logger.handlers, logger.propagate = handlers, propagate
    return not heard.warned


class _Heard(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.warned = False

    def emit(self, record) -> None:
        self.warned = True


def _minified(path: Path) -> str:
    """An asset as the site serves it: without comments and indentation (a quarter of scopes.js), names kept."""
    text = path.read_text(encoding="utf-8")
    return rcssmin.cssmin(text) if path.suffix == ".css" else rjsmin.jsmin(text)


def _keep(items: list, generated: set[str]) -> list:
    """The host's nav without our pages (we place them) and without entries to pages that do not exist."""
    kept = []
    for item in items:
        if isinstance(item, MkDocsPage) and item.file.src_uri in generated:
            continue
        if isinstance(item, Link) and item.url.endswith(".md"):
            log.info("nav : « %s » retiré, la page %s n'existe pas pour ce contenu", item.title, item.url)
            continue
        if isinstance(item, Section):
            item.children = _keep(item.children, generated)
            if not item.children:
                continue
        kept.append(item)
    return kept


def _entries(entries: list, files: Files) -> list:
    items = []
    for entry in entries:
        if isinstance(entry, tuple):  # a section: (title, entries); the theme prints its title unescaped
            items.append(Section(_escape(entry[0]), _entries(entry[1], files)))
        else:
            items.append(files.get_file_from_path(entry).page)
    return items


def _pages(items: list) -> list:
    found = []
    for item in items:
        if isinstance(item, MkDocsPage):
            found.append(item)
        if item.children:
            found.extend(_pages(item.children))
    return found


def _parents(items: list, parent) -> None:
    for item in items:
        item.parent = parent
        if isinstance(item, Section):
            _parents(item.children, item)
