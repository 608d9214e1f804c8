"""The catalogue as data.gouv.fr reads it: `POST /api/1/dataservices/` bodies and a DCAT catalogue.

Nothing here needs MkDocs. Mapping choices follow data.gouv.fr's model (udata 17.6): writable fields only,
absolute URLs only, availability within 0–100, tags of 3 to 96 characters, audiences only for restricted
APIs. Whatever has no field of its own goes under `extras.apigouv`.
"""

from __future__ import annotations

import json
import re

from . import addresses, naming, urls
from .audiences import CONDITION_LABELS, Audiences
from .links import Links
from .model import Api, Catalogue
from .problems import Problems

ACCESS_TYPE = {"open": "open", "semi_open": "open_with_account", "closed": "restricted"}
MACHINE_DOC = re.compile(r"(\.json|\.ya?ml|[?&]format=openapi-json)$|getcapabilities|getresourcedescription", re.I)


def absolute(url: str | None, links: Links) -> str | None:
    """An http(s) URL that data.gouv.fr accepts: site paths resolved through `links`, hosts with a domain."""
    if not url:
        return None
    href = links.href(url)
    link = urls.check(href) if href else None
    if not link or link.relative or link.href.startswith("mailto:"):
        return None
    return None if urls.public_host(link.host) else link.href  # udata refuses IPs; others could not resolve it


def _tags(api: Api) -> list[str]:
    """Keywords and themes as data.gouv.fr stores tags (slugified), 3 to 96 characters, once each."""
    out = []
    for word in [*api.keywords, *api.themes]:
        tag = naming.slugify(word)
        if 3 <= len(tag) <= 96 and tag not in out:
            out.append(tag)
    return out


def dataservice(api: Api, audiences: Audiences, links: Links, site_url: str, problems: Problems) -> dict:
    """One API as the body of `POST /api/1/dataservices/`; `links` resolves site paths to absolute URLs."""
    body: dict = {"title": api.title, "description": _description(api), "format": "REST", "private": False}

    def url_field(field: str, key, value: str | None = None) -> None:
        where = key if isinstance(key, tuple) else (key,)
        raw = value if value is not None else getattr(api, key)
        resolved = absolute(raw, links)
        if resolved:
            body[field] = resolved
        elif raw:
            problems.warn(
                api.source,
                api.doc.line(*where),
                f"{'.'.join(map(str, where))} : « {raw[:60]} » n'est pas une"
                " adresse absolue utilisable par data.gouv.fr ; omise de dataservices.json",
                "export url",
            )

    access = api.access  # today's: what a person acts on
    url_field("base_api_url", "external_site")
    if access.doc_tech_link:
        url_field(
            "machine_documentation_url" if MACHINE_DOC.search(access.doc_tech_link) else "technical_documentation_url",
            _where(api, "doc_tech_link"),
            access.doc_tech_link,
        )
    if access.doc_tech_external:
        url_field(
            "technical_documentation_url"
            if "technical_documentation_url" not in body
            else "business_documentation_url",
            _where(api, "doc_tech_external"),
            access.doc_tech_external,
        )
    if access.rate_limiting_resume:
        body["rate_limiting"] = access.rate_limiting_resume
    url_field("rate_limiting_url", "rate_limiting_link")
    if api.uptime is not None:
        body["availability"] = round(min(100.0, max(0.0, float(api.uptime))), 3)  # udata does not clamp
    url_field("availability_url", "monitoring_link")
    body["access_type"] = ACCESS_TYPE[api.openness]
    if body["access_type"] == "restricted":  # data.gouv.fr empties the list otherwise
        body["access_audiences"] = [
            {"role": role, "condition": api.conditions[role][0]}
            for role in audiences.datagouv_roles
            if role in api.conditions
        ]
    if access.route:
        url_field(
            "authorization_request_url",
            _where(api, "routes", 0, "href") if access.dated else "datapass_link",
            access.route.href,
        )
    elif access.audiences and site_url:
        body["authorization_request_url"] = site_url + addresses.page("access", api.slug)
    tags = _tags(api)
    if tags:
        body["tags"] = tags
    body["extras"] = {"apigouv": _extras(api, site_url)}
    return body


def _where(api: Api, *key) -> tuple:
    """The front-matter path a value of today's access comes from: under `access` when declared there."""
    return ("access", *key) if api.declares(key[0]) else key


def _rights(body: dict, access: dict, roles: dict) -> str:
    """Who may ask and where, in one French sentence, for `dct:accessRights`."""
    if body["access_type"] != "restricted":
        return ""
    parts = ["Accès sur habilitation" + (f" (depuis le {access['since']})" if access.get("since") else "")]
    answers = [
        f"{roles[role].label if role in roles else role} : {CONDITION_LABELS[condition].lower()}"
        for role, condition in body["extras"]["apigouv"].get("audiences", {}).items()
    ]
    if answers:
        parts.append("; ".join(answers))
    if "authorization_request_url" in body:
        parts.append(f"demande : {body['authorization_request_url']}")
    return ". ".join(parts) + "."


def _description(api: Api) -> str:
    parts = [api.tagline, api.content_intro]
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def _extras(api: Api, site_url: str) -> dict:
    producer = api.owner
    extras = {
        "slug": api.slug,
        "producer": producer.name if producer else api.producer,
        "producer_slug": api.producer,
        "contact": api.access.contact_link or None,
        "is_france_connected": api.is_france_connected,
        "audiences": {role: condition for role, (condition, _) in api.conditions.items()},
        "who": [{"labels": audience.who, "condition": audience.eligible} for audience in api.access.audiences],
        "access": access_summary(api),
        "datagouv_uuid": api.datagouv_uuid,
    }
    if site_url:
        extras["page"] = f"{site_url}{api.url}"
    return {key: value for key, value in extras.items() if value not in (None, [], {})}


def access_summary(api: Api) -> dict:
    """Today's access as data, dated, with what the fiche published before it (the exports' `access`)."""
    access = api.access
    out = {
        "since": access.since or None,
        "source": access.source or None,
        "routes": [
            {"id": route.id, "label": route.label, "href": route.href, "form": route.form or None}
            for route in access.routes
        ],
        "audiences": [
            {"labels": audience.who, "condition": audience.eligible, "anchor": audience.anchor}
            for audience in access.audiences
        ],
        "contact": access.contact_link or None,
        "partners": [p if isinstance(p, str) else p.slug for p in access.partners],
        "doc_tech_link": access.doc_tech_link or None,
        "doc_tech_external": access.doc_tech_external or None,
        "rate_limiting": access.rate_limiting_resume or None,
    }
    history = api.history
    if history:
        out["history"] = {
            "published": history.published or None,
            "until": access.since,
            "datapass_link": history.datapass_link or None,
            "audiences": [{"labels": entry.who, "condition": entry.condition} for entry in history.entries],
            "contact": history.contact_link or None,
            "doc_tech_link": history.doc_tech_link or None,
        }
    return {key: value for key, value in out.items() if value not in (None, [])}


def dataservices(catalogue: Catalogue, site_url: str, problems: Problems) -> list[dict]:
    site_url = site_url.rstrip("/") + "/" if site_url else ""
    links = Links(site_url, catalogue.apis.keys(), catalogue.producers.keys())
    return [
        dataservice(api, catalogue.audiences, links, site_url, problems)
        for api in sorted(catalogue.apis.values(), key=lambda a: a.slug)
    ]


# The vocabularies of the DCAT export, with the prefixes its JSON-LD context declares.
DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}


def dcat(bodies: list[dict], site_url: str, roles: dict | None = None) -> dict:
    """A DCAT catalogue (JSON-LD) of `dcat:DataService`, with the properties udata's DCAT harvester reads, plus
    today's access: contact point, documentation, and the access rights (who may ask, and where).

    Flattened, compacted JSON-LD: one object per node, nodes and values sorted, and keys to be written sorted, so
    that the same content always gives the same file. Named nodes only: blank node ids would change from one build
    to the next."""
    graph: dict[str, dict[str, dict]] = {}  # node → property → its values, each under its sort key

    def add(node: str, prop: str, value) -> None:
        # Under its sort key, a value given twice is kept once at the same cost however many the property holds:
        # the catalogue's list of services grows with the catalogue (a search through it took 2 s at 10 000 APIs).
        graph.setdefault(node, {}).setdefault(prop, {}).setdefault(_key(value), value)

    def ref(url: str) -> dict:
        return {"@id": url}

    def french(text: str) -> dict:
        return {"@language": "fr", "@value": text}

    site = site_url.rstrip("/") + "/" if site_url else "urn:api-catalogue:"
    catalog = site + "catalog"
    add(catalog, "@type", "dcat:Catalog")
    for body in bodies:
        extras = body["extras"]["apigouv"]
        node = extras.get("page") or site + addresses.page("api", extras["slug"])
        add(catalog, "dcat:service", ref(node))
        add(node, "@type", "dcat:DataService")
        add(node, "dct:identifier", extras["slug"])
        add(node, "dct:title", french(body["title"]))
        add(node, "dct:description", french(body["description"]))
        if "page" in extras:
            add(node, "dcat:landingPage", ref(extras["page"]))
        if "base_api_url" in body:
            add(node, "dcat:endpointURL", ref(body["base_api_url"]))
        if "machine_documentation_url" in body:
            add(node, "dcat:endpointDescription", ref(body["machine_documentation_url"]))
        if "technical_documentation_url" in body:
            add(node, "foaf:page", ref(body["technical_documentation_url"]))
        for tag in body.get("tags", []):
            add(node, "dcat:keyword", tag)
        access = extras.get("access", {})
        contact = absolute(access.get("contact"), Links())
        email = access.get("contact", "") if access.get("contact", "").startswith("mailto:") else ""
        if email or contact:
            point = f"{node}#contact"
            add(node, "dcat:contactPoint", ref(point))
            add(point, "@type", "vcard:Kind")
            add(point, "vcard:fn", extras["producer"])
            add(point, "vcard:hasEmail" if email else "vcard:hasURL", ref(email or contact))
        rights = _rights(body, access, roles or {})
        if rights:
            statement = f"{node}#acces"
            add(node, "dct:accessRights", ref(statement))
            add(statement, "@type", "dct:RightsStatement")
            add(statement, "rdfs:label", french(rights))
            if "authorization_request_url" in body:
                add(statement, "rdfs:seeAlso", ref(body["authorization_request_url"]))
        publisher = site + addresses.page("producer", extras["producer_slug"])
        add(node, "dct:publisher", ref(publisher))
        add(publisher, "@type", "foaf:Organization")
        add(publisher, "foaf:name", extras["producer"])
    # A node's JSON starts with its id, unique: sorting by the id sorts as by the whole node, without writing it.
    nodes = [
        {"@id": node, **{prop: _one_or_sorted(values) for prop, values in properties.items()}}
        for node, properties in sorted(graph.items(), key=lambda item: _key(item[0]))
    ]
    return {"@context": DCAT_CONTEXT, "@graph": nodes}


def _key(value) -> str:
    """How a value sorts: its JSON, keys sorted."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _one_or_sorted(values: dict):
    """A property's values, kept under their sort keys: the one value, or the values in order."""
    return next(iter(values.values())) if len(values) == 1 else [values[key] for key in sorted(values)]
