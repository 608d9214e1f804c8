"""The one URL policy of the generator.

Every URL of every content source (front matter, producers, question trees, bodies,
components) is judged here, and judged the way browsers parse it: the WHATWG URL
standard, through ada-url. Python's `urlsplit` disagrees with browsers on backslashes,
userinfo, tabs and full-width characters, so it is never used to decide anything.

Allowed: `https:`, `http:`, `mailto:` and relative URLs that stay on this site. What goes
into an attribute is the normalised URL, never the original string.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ada_url import URL

SCHEMES = ("https:", "http:", "mailto:")
MAX_LENGTH = 4096  # longer is a mistake or an attack; the corpora's longest URL is under 400
# Stands for "the page that holds the link": a relative URL must resolve onto this host.
_BASE_HOST = "relative.invalid"
_BASE = f"https://{_BASE_HOST}/a/b/"
# Browsers drop these anywhere in a URL, and trim C0 controls and spaces at both ends.
_DROPPED = re.compile(r"[\t\n\r]")
_INNER_SPACE = re.compile(r"\s")
# A plain e-mail address, with bounded parts (RFC 5321 sizes); anything fancier is refused.
EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,64}(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,64}){0,8}"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?){1,8}"
)


@dataclass(frozen=True)
class Link:
    href: str  # normalised, safe to put in href/src
    host: str = ""  # "" for relative and mailto: URLs
    relative: bool = False


@dataclass(frozen=True)
class Refusal:
    reason: str  # French, for `path:line: message`

    def __bool__(self) -> bool:
        return False


def _clean(raw: str) -> str:
    return _DROPPED.sub("", raw).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13"
        "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "
    )


def _parse(text: str, base: str | None = None) -> URL | None:
    try:
        return URL(text, base) if base else URL(text)
    except ValueError:
        return None


def check(raw) -> Link | Refusal:
    """Judge one URL: a `Link` to use, or a `Refusal` that says why."""
    if not isinstance(raw, str):
        return Refusal("une adresse doit être un texte")
    return _judged(raw)


@functools.lru_cache(maxsize=8192)  # a catalogue repeats its links: in the 2026 corpus, 1 244 URLs make 4 792
def _judged(raw: str) -> Link | Refusal:
    if len(raw) > MAX_LENGTH:
        return Refusal(f"adresse de plus de {MAX_LENGTH} caractères")
    text = _clean(raw)
    if not text:
        return Refusal("adresse vide")
    absolute = _parse(text)
    spaced = _INNER_SPACE.search(text) or _DROPPED.search(raw.strip())
    if spaced and not (absolute is not None and absolute.protocol == "mailto:"):
        # Browsers would encode or drop them, but in a web address they mean two addresses or a typo
        # (a mail subject may have spaces).
        return Refusal("adresse coupée par une espace ou un retour à la ligne")
    if absolute is not None:
        if absolute.protocol not in SCHEMES:
            return Refusal(f"schéma « {absolute.protocol} » non autorisé (https:, http:, mailto: ou chemin relatif)")
        if absolute.protocol != "mailto:" and not absolute.hostname:
            return Refusal("adresse sans nom d'hôte")
        host = absolute.hostname if absolute.protocol != "mailto:" else ""
        return Link(absolute.href, host)
    resolved = _parse(text, _BASE)
    if resolved is None:
        return Refusal("adresse mal formée (hôte ou caractères invalides)")
    if resolved.hostname != _BASE_HOST or resolved.protocol != "https:":
        # `//host`, `\\host`, `/\host`: browsers read these as another site.
        if resolved.protocol in ("https:", "http:") and resolved.hostname:
            return Link(resolved.href, resolved.hostname)
        return Refusal("adresse relative qui sort du site")
    return Link(text, relative=True)


def mailto(address: str) -> Link | Refusal:
    """`mailto:` built from a validated address, never from the contributor's string."""
    address = address.strip().removeprefix("mailto:")
    if not EMAIL.fullmatch(address):
        return Refusal(f"adresse e-mail invalide « {address[:60]} »")
    return Link("mailto:" + address)


def contact(value: str) -> Link | Refusal:
    """A contact field holds an e-mail address or a web address."""
    value = value.strip()
    if EMAIL.fullmatch(value.removeprefix("mailto:")):
        return mailto(value)
    if value.lower().startswith("mailto:"):
        return Refusal(f"adresse e-mail invalide « {value[:60]} »")
    link = check(value)
    if link and (link.relative or link.href.startswith("mailto:")):
        return Refusal("un contact est une adresse e-mail ou une adresse web complète")
    return link


def frame(raw, hosts) -> Link | Refusal:
    """A URL that may be framed: https, and a parsed host on the allowlist."""
    link = check(raw)
    if not link:
        return link
    if link.relative or not link.href.startswith("https:"):
        return Refusal("seules les adresses https:// peuvent être intégrées")
    if link.host not in {h.lower() for h in hosts}:
        return Refusal(f"hôte « {link.host} » non autorisé pour une intégration")
    return link


def site_path(link: Link) -> tuple[str, str]:
    """Path and fragment (without `#`) of a site-absolute relative link, as the browser resolves it."""
    resolved = URL(link.href, _BASE)
    return resolved.pathname, resolved.hash.removeprefix("#")


def deceptive_host(host: str) -> str:
    """Why an internationalised host name may pass for another (a Cyrillic « а » in « pаrticulier »), or ""."""
    from . import characters

    for label in host.split("."):
        if not label.startswith("xn--"):
            continue
        try:
            shown = label[4:].encode("ascii").decode("punycode")
        except (UnicodeError, ValueError):
            return f"nom d'hôte « {host} » mal encodé (punycode)"
        odd = characters.mixed(shown)
        if odd:
            return (
                f"le nom d'hôte s'affiche « {shown} », où « {odd[1]} » {characters.describe(odd[1])} imite une lettre"
                " latine : vérifiez le domaine"
            )
    return ""


# Names that never reach the public internet (RFC 6761, RFC 6762, RFC 7686, and common private uses).
_PRIVATE_TLDS = {
    "localhost",
    "local",
    "localdomain",
    "internal",
    "test",
    "example",
    "invalid",
    "onion",
    "lan",
    "home",
    "corp",
    "arpa",
    "intranet",
    "private",
}
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def public_host(host: str) -> str:
    """Why `host` is not a public domain name that others can resolve, or "" when it is (exports need one)."""
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
        return f"« {host} » est une adresse IP, pas un nom de domaine"
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    if len(labels) < 2:
        return f"« {host} » n'a pas de nom de domaine"
    if not all(_LABEL.fullmatch(label) for label in labels):
        return f"« {host} » n'est pas un nom de domaine valide (étiquette vide ou caractère interdit)"
    tld = labels[-1]
    if not (tld.isalpha() or tld.startswith("xn--")) or tld in _PRIVATE_TLDS:
        return f"« {host} » n'est pas un domaine public (.{tld})"
    return ""
