"""Links from the content to this site: api.gouv.fr's addresses that the catalogue holds become relative
links to our pages; every other one is judged by `urls` and kept as written."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from urllib.parse import unquote

from . import addresses, urls
from .naming import slugify

ORIGIN = "https://api.gouv.fr"  # where the content's site-absolute links come from
API_GOUV_HOSTS = {"api.gouv.fr", "www.api.gouv.fr"}


@dataclass
class Links:
    """Maps the content's site-absolute links (api.gouv.fr paths) onto this site."""

    base: str = ""  # relative path from the current page to the site root, e.g. "../../"
    # The catalogue's API and producer slugs. A page passes the catalogue's own keys views: a copy for each
    # page made a 10 000-API build quadratic (2 ms a page).
    slugs: Container[str] = frozenset()
    producers: Container[str] = frozenset()
    directory_urls: bool = True  # MkDocs' use_directory_urls: "x/" or "x/index.html"

    def page(self, path: str) -> str:
        """A link from the current page to a page of the site, given as "les-api/x/" (with an optional #fragment)."""
        path, hash_, fragment = path.partition("#")
        if not self.directory_urls and (path == "" or path.endswith("/")):
            path += "index.html"
        return f"{self.base}{path}{hash_}{fragment}"

    def href(self, url: str) -> str | None:
        """A content URL for this site: api.gouv.fr pages that the content holds become links to our pages,
        whether written `/les-api/x` or `https://api.gouv.fr/les-api/x`; other site paths go to api.gouv.fr."""
        link = urls.check(url)
        if not link:
            return None
        site_absolute = link.relative and link.href.startswith("/")
        if not site_absolute and link.host not in API_GOUV_HOSTS:
            return link.href
        ours = self._our_page(*urls.site_path(link))
        return ours or (ORIGIN + link.href if site_absolute else link.href)  # keeps the original fragment

    def _our_page(self, path: str, raw_fragment: str) -> str | None:
        segments = [s for s in path.split("/") if s]
        # Our heading ids are slugs: bring api.gouv.fr-style fragments (with accents, ’) to the same form.
        fragment = f"#{slugify(unquote(raw_fragment))}" if raw_fragment else ""
        if segments in (["rechercher-api"], ["les-api"]):
            return self.page(addresses.page("catalogue") + fragment)
        if len(segments) >= 2 and segments[0] == "les-api" and segments[1] in self.slugs:
            return self.page(f"{'/'.join(segments)}/{fragment}")
        if len(segments) == 2 and segments[0] == "producteurs" and segments[1] in self.producers:
            return self.page(addresses.page("producer", segments[1]) + fragment)
        return None

    def filter(self, tag: str, attr: str, value: str) -> str | None:
        if attr == "href":
            return self.href(value)
        if attr == "target":
            return "_blank" if value == "_blank" else None
        if attr == "rel":
            return "noopener noreferrer"
        return value
