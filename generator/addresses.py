"""Every address of the site, in one table: one URL pattern per page kind (as Pelican has), and one per export.

Pages, navigation, exports and templates all ask here; nothing else spells a path of the site. The patterns
follow api.gouv.fr's, so links written for api.gouv.fr land on the same pages here.
"""

from __future__ import annotations

PAGES = {
    "home": "",
    "catalogue": "les-api/",
    "eligibility": "eligibilite/",
    "api": "les-api/{slug}/",
    "access": "les-api/{slug}/demande-acces/",
    "scopes": "les-api/{slug}/scopes/",
    "producer": "producteurs/{slug}/",
}
EXPORTS = {
    "apis": "api/v1/apis.json",
    "api": "api/v1/apis/{slug}.json",
    "dataservices": "api/v1/dataservices.json",
    "dataservice": "api/v1/dataservices/{slug}.json",
    "dcat": "catalog.jsonld",
    "schema": "schema/api.schema.json",
    "scopes": "les-api/{slug}/scopes.json",
}


def page(kind: str, slug: str = "") -> str:
    """A page's address from the site root, e.g. page("scopes", "x") == "les-api/x/scopes/"."""
    return PAGES[kind].format(slug=slug)


def source(kind: str, slug: str = "") -> str:
    """The Markdown source path MkDocs sees for that page."""
    return page(kind, slug) + "index.md"


def export(kind: str, slug: str = "") -> str:
    return EXPORTS[kind].format(slug=slug)
