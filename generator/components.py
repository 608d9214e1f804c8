"""Body components: parse the custom tags of api.gouv.fr content, then render them safely.

Parsing happens while the model is validated, so `check` sees every tag problem with its
line. Rendering turns Markdown into HTML, sanitises it with nh3, and only then puts back
the block components, which our own (autoescaping) templates render.
"""

from __future__ import annotations

import bisect
import collections
import html
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import nh3
from cmarkgfm import cmark
from selectolax.lexbor import LexborHTMLParser

from . import characters, urls
from .links import Links
from .naming import fold, slugify
from .problems import Problems

IFRAME_HOSTS = ("data.enseignementsup-recherche.gouv.fr",)
SAFE_SCHEMES = {"https", "http", "mailto"}  # nh3's own check; urls.check is the one that decides

ALLOWED_TAGS = {
    "p",
    "br",
    "a",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "code",
    "pre",
    "blockquote",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "details",
    "summary",
    "span",
    "del",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "name", "target", "rel"},
    "h1": {"id"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "th": {"align"},
    "td": {"align"},
    "details": {"open"},
}
ALLOWED_CLASSES = {
    "a": {"md-button", "md-button--primary", "headerlink", "external-link"},
    "span": {"visually-hidden"},
}

# Every pattern is linear: no two unbounded quantifiers over the same characters side by side,
# and quoted values stop at the next `<`, so a failed match never rescans the rest of the text.
_FENCE = re.compile(r"[ ]{0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"`[^`\n]{1,2000}`")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]{0,60})(?=[\s/>])((?:[^<>\"']|\"[^\"<>]*\"|'[^'<>]*')*)>")
_ATTR = re.compile(r"""[ \t\n]*([A-Za-z_:][-\w:.]{0,60})(?:[ \t\n]*=[ \t\n]*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
# Bounded: a link target is at most urls.MAX_LENGTH characters, after at most 8 blanks.
_MD_LINK = re.compile(r"\]\([ \t]{0,8}<?([^\s()<>]{1,%d})" % urls.MAX_LENGTH)
# A block component's placeholder, with the paragraph Markdown wraps it in. Two branches rather than an optional
# `<p>` first: a pattern that starts with an option is tried at every character (0.29 ms an API's texts, not 0.07).
_PLACEHOLDER = re.compile(r"(?:<p>\u00a7\u00a7cmp(\d+)|\u00a7\u00a7cmp(\d+))\u00a7\u00a7(?:</p>)?")

BLOCK_COMPONENTS = {"NextSteps", "QuestionTree"}
INLINE_COMPONENTS = {"Button", "External"}


@dataclass
class TreeRef:
    tree: str
    question: str
    path: Path
    line: int


@dataclass
class Inline:
    """<Button> or <External>: rendered from a template around its Markdown text, once the text is sanitised."""

    name: str
    href: str | None  # None: the tag was refused (reported), only its text is kept
    alt: bool = False


# Where an inline component opens and closes in the text: private-use characters, removed from the input
# first, so that content cannot forge them.
_OPEN, _CLOSE, _END = "\ue000", "\ue002", "\ue001"
_INLINE = re.compile(f"([{_OPEN}{_CLOSE}])(\\d+){_END}")
_MARKERS = re.compile(f"[{_OPEN}{_END}{_CLOSE}]")


@dataclass
class NextSteps:
    is_editeur: bool = False
    service_description: str | None = None


@dataclass
class Embed:
    src: str
    title: str
    host: str
    allowed: bool  # allowlisted host: load on demand; otherwise only a link


@dataclass
class VersionMark:
    """Under a body heading that documents an older scope version: which version, until when, what replaces it."""

    heading: str  # the title it stands under, as the version's `sections` names it
    version: str
    label: str
    status: str
    until: str
    current: str
    current_label: str


_HEADING_LINE = re.compile(r"^[ ]{0,3}#{1,6}[ \t]([^\n]{1,300})$", re.M)


def mark_heading(markup: Markup, title: str, block) -> bool:
    """Place a block right under the ATX heading whose text is `title` (compared with `fold`); False if none is."""
    wanted = fold(title)
    for match in _HEADING_LINE.finditer(mask_code(markup.text)[0]):  # a "#" line inside code is no heading
        if fold(markup.text[match.start(1) : match.end(1)].rstrip(" \t#")) == wanted:
            markup.blocks.append(block)
            placeholder = f"\n\n\u00a7\u00a7cmp{len(markup.blocks) - 1}\u00a7\u00a7\n\n"
            markup.text = markup.text[: match.end()] + placeholder + markup.text[match.end() :]
            return True
    return False


@dataclass
class RelatedMark:
    """After the body's sentence that mentions another API: a link to its page."""

    slug: str
    title: str


def mark_paragraph(markup: Markup, phrase: str, block) -> bool:
    """Place a block right after the paragraph that contains `phrase` (outside code); False if none does."""
    masked = mask_code(markup.text)[0]
    start = masked.find(" ".join(phrase.split()))
    if start < 0 or not phrase.strip():
        return False
    end = masked.find("\n\n", start)
    end = len(markup.text) if end < 0 else end
    markup.blocks.append(block)
    placeholder = f"\n\n\u00a7\u00a7cmp{len(markup.blocks) - 1}\u00a7\u00a7\n\n"
    markup.text = markup.text[:end] + placeholder + markup.text[end:]
    return True


@dataclass
class Context:
    trees: dict = field(default_factory=dict)
    iframe_hosts: tuple = IFRAME_HOSTS
    allow_trees: bool = True


@dataclass
class Markup:
    """Markdown whose custom tags were checked: inline ones are plain HTML now, block ones are placeholders."""

    text: str
    blocks: list = field(default_factory=list)
    inlines: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.text.strip())

    @property
    def tree_refs(self) -> list[TreeRef]:
        return [block for block in self.blocks if isinstance(block, TreeRef)]

    @property
    def has_tree(self) -> bool:
        return bool(self.tree_refs)


def _attrs(raw: str) -> tuple[dict[str, str | bool], bool]:
    """Parse attributes; the flag says whether some of the text was not an attribute."""
    attrs: dict[str, str | bool] = {}
    pos, raw = 0, raw.rstrip().removesuffix("/")
    while pos < len(raw):
        match = _ATTR.match(raw, pos)
        if not match or match.end() == pos:
            return attrs, bool(raw[pos:].strip())
        name, value = match.group(1), match.group(2)
        attrs[name] = True if value is None else html.unescape(value.strip("\"'"))
        pos = match.end()
    return attrs, False


class Lines:
    """Line numbers of offsets in a text, in O(log n) each (deep nesting has many tags)."""

    def __init__(self, text: str, first_line: int):
        self.starts = [m.start() for m in re.finditer("\n", text)]
        self.first = first_line

    def __call__(self, offset: int) -> int:
        return self.first + bisect.bisect_left(self.starts, offset)


# Bounds on what one text may hold. cmark renders in linear time, but nh3, lexbor and the search parser still
# walk every element, and an editor's slip (an unclosed fence, a pasted dump) is better named than rendered.
# Real content stays far below these limits: at most 22 `[`, 68 `<` and 326 markup characters in a paragraph,
# 796 in a file, 10 fence lines, lists 3 levels deep, paragraphs of 5 900 characters.
_MARKUP = re.compile(r"[\[\]()<>*_`!&|~\\#]")
LIMITS = (  # what, how to count it in a text, at most per paragraph, at most per text
    ("« [ »", lambda t: t.count("["), 100, 1000),
    ("« < »", lambda t: t.count("<"), 300, 2000),
    ("caractères de balisage ([ ] ( ) < > * _ ` ! & | ~ \\ #)", lambda t: len(_MARKUP.findall(t)), 1000, 5000),
    ("caractères", len, 20_000, None),
)
MAX_FENCES = 200
MAX_NESTING = 10
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
# Nesting by indentation, by `>` quotes, or by markers on one line (`- - - x` is three lists deep).
_NESTED = re.compile(
    r"^(?:[ \t]*>){%d}|^[ ]{%d,}(?:[-*+]|[0-9]{1,9}[.)])[ \t]|^[ \t]{0,3}(?:(?:[-*+>]|[0-9]{1,9}[.)])[ \t]{1,4}){%d}"
    % (MAX_NESTING + 1, 4 * MAX_NESTING, MAX_NESTING + 1),
    re.M,
)


def check_limits(text: str, masked: str, fences: int, line_of) -> list[tuple[int, str]]:
    """Where a text exceeds these bounds, as (line, message) pairs."""
    found = []
    paragraphs, offset = [], 0
    for part in _PARAGRAPH.split(masked):
        offset = masked.index(part, offset)
        paragraphs.append((offset + len(part) - len(part.lstrip()), part))  # its first visible character
        offset += len(part)
    start = len(text) - len(text.lstrip())
    if fences > MAX_FENCES:
        found.append((line_of(start), f"plus de {MAX_FENCES} lignes de bloc de code (``` ou ~~~) dans ce texte"))
    for what, count, per_paragraph, per_text in LIMITS:
        if per_text is not None and count(masked) > per_text:
            found.append((line_of(start), f"plus de {per_text} {what} dans ce texte : trop pour le rendu Markdown"))
            continue
        for offset, part in paragraphs:
            if count(part) > per_paragraph:
                found.append(
                    (
                        line_of(offset),
                        f"plus de {per_paragraph} {what} dans un même paragraphe : coupez-le par des lignes vides",
                    )
                )
                break
    nested = _NESTED.search(masked)
    if nested:
        found.append((line_of(nested.start()), f"liste ou citation imbriquée sur plus de {MAX_NESTING} niveaux"))
    return found


def mask_code(text: str) -> tuple[str, int]:
    """Blank out code blocks and code spans (same length, same lines): tags there are text, not tags.
    Also returns the number of fence lines.

    Fences are matched line by line, as CommonMark does, so an unclosed fence costs one pass."""
    lines = text.split("\n")
    fence = None
    fences = 0
    for index, line in enumerate(lines):
        opener = _FENCE.match(line)
        fences += bool(opener)
        if fence is None:
            if opener:
                fence = opener.group(1)
                lines[index] = " " * len(line)
            continue
        if (
            opener
            and opener.group(1)[0] == fence[0]
            and len(opener.group(1)) >= len(fence)
            and not line[opener.end() :].strip()
        ):
            fence = None
        lines[index] = " " * len(line)
    masked = "\n".join(lines)
    return _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), masked), fences


# A link's text and target: `[text](target)` and `<a href="target">text</a>`, bounded.
_LINKED = re.compile(
    r"\[([^\[\]\n]{1,300})\]\([ \t]{0,8}<?([^\s()<>]{1,%d})|<a\b[^<>]{0,500}?\bhref[ \t]{0,8}=[ \t]{0,8}"
    r"[\"']([^\"'<>]{1,%d})[\"'][^<>]{0,500}>([^<]{1,300})</a>" % (urls.MAX_LENGTH, urls.MAX_LENGTH),
    re.I,
)
# An address that CommonMark (`<https://…>`) or GitHub's autolinks make a link: outside a Markdown link's target
# or label and an attribute, which _LINKED reads.
_BARE_ADDRESS = re.compile(
    r"(?<![(\[\"'=/.\w])(?<!\]\(<)(?:https?://|www\.)[^\s<>()\[\]\"']{1,%d}" % urls.MAX_LENGTH, re.I
)
# A host named in a link's text: with a scheme or www., or a dotted name whose last label is not a file extension.
_NAMED_HOST = re.compile(r"(?<![\w@.-])(?:https?://)?((?:[\w-]{1,63}\.){1,10}[^\W\d_]{2,63})(?![\w-])")
_FILE_ENDINGS = {
    "json",
    "yaml",
    "yml",
    "md",
    "html",
    "htm",
    "pdf",
    "csv",
    "xml",
    "zip",
    "txt",
    "js",
    "css",
    "png",
    "jpg",
    "svg",
    "odt",
    "ods",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "php",
    "aspx",
    "jsp",
}


def _deceptive(text: str, masked: str, path: Path, line_of, problems: Problems) -> None:
    """Invisible characters anywhere; look-alike letters in code spans and hosts; link text naming another host."""
    if not text.isascii():
        for index, char in list(characters.invisible(text))[:5]:
            problems.warn(
                path,
                line_of(index),
                f"caractère invisible {characters.describe(char)} : il change ce qui est lu sans se voir ; retirez-le",
                "deceptive",
            )
        for span in _INLINE_CODE.finditer(text):
            if odd := characters.mixed(span.group()) or characters.foreign_code(span.group().strip("`")):
                problems.warn(
                    path,
                    line_of(span.start()),
                    f"code « {span.group()[:60]} » : « {odd[1]} »"
                    f" {characters.describe(odd[1])} n'est pas de l'ASCII : recopié dans du code, il ne"
                    " marcherait pas",
                    "deceptive",
                )
    for match in _LINKED.finditer(masked):
        label, target = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        link = urls.check(target)
        if not link or link.relative or not link.host:
            continue
        if deceit := urls.deceptive_host(link.host):
            problems.warn(path, line_of(match.start()), f"lien « {target[:60]} » : {deceit}", "deceptive")
        named = _NAMED_HOST.search(label)
        ending = named.group(1).rsplit(".", 1)[-1] if named else ""
        if not named or ending.lower() in _FILE_ENDINGS or not ending.islower():  # "Data.Subvention" names no host
            continue
        shown = urls.check("https://" + named.group(1))
        if shown and not _same_site(shown.host, link.host):
            problems.warn(
                path,
                line_of(match.start()),
                f"le texte du lien nomme « {named.group(1)} » mais le lien mène à « {link.host} »",
                "deceptive",
            )
    for match in _BARE_ADDRESS.finditer(masked) if "://" in masked or "www." in masked else ():
        address = match.group().rstrip(".,:;!?*_~")
        link = urls.check(address if "://" in address else "http://" + address)
        if link and link.host and (deceit := urls.deceptive_host(link.host)):
            problems.warn(path, line_of(match.start()), f"lien « {address[:60]} » : {deceit}", "deceptive")


def _same_site(shown: str, target: str) -> bool:
    """The text names the target's host, or a domain the target belongs to (api.gouv.fr for its subdomains), or
    the host without its last label."""
    shown, target = shown.removeprefix("www."), target.removeprefix("www.")
    return (
        target == shown or target.endswith("." + shown) or target.startswith(shown + ".")
    )  # "api.gouv" for api.gouv.fr


def parse(text: str, path: Path, first_line: int, problems: Problems, context: Context) -> Markup:
    """Check every tag of a Markdown text and turn it into safe-to-render Markup."""
    if not text:
        return Markup("")
    text = _MARKERS.sub("", text)  # same lines: only non-newline characters go
    masked, fences = mask_code(text)
    out: list[str] = []
    blocks: list = []
    inlines: list[Inline] = []
    pos = 0
    open_inline: list[int] = []

    line_of = Lines(text, first_line)
    too_much = check_limits(text, masked, fences, line_of)
    for line, message in too_much:
        problems.error(path, line, message, "limit")
    if too_much:
        return Markup("")  # an error: the build stops before rendering

    for match in _MD_LINK.finditer(masked):
        link = urls.check(match.group(1))
        if not link:
            problems.warn(
                path,
                line_of(match.start()),
                f"lien Markdown « {match.group(1)[:40]} » retiré : {link.reason}",
                "unsafe url",
            )
    _deceptive(text, masked, path, line_of, problems)

    for match in _TAG.finditer(masked):
        closing, name = match.group(1) == "/", match.group(2)
        start, end = match.span()
        original = text[start:end]
        out.append(text[pos:start])
        pos = end
        line = line_of(start)
        attrs, malformed = _attrs(text[match.start(3) : match.end(3)]) if not closing else ({}, False)
        if malformed:
            problems.warn(path, line, f"<{name}> : attribut mal formé dans « {original[:80]} »", "malformed tag")
        if name in INLINE_COMPONENTS:
            out.append(_inline(name, closing, attrs, path, line, problems, inlines, open_inline, quiet=malformed))
        elif name in BLOCK_COMPONENTS:
            if closing:
                continue
            component = _block(name, attrs, path, line, problems, context)
            if component is not None:
                blocks.append(component)
                out.append(f"\n\n\u00a7\u00a7cmp{len(blocks) - 1}\u00a7\u00a7\n\n")
        elif name.lower() == "iframe":
            if not closing:
                embed = _embed(attrs, path, line, problems, context)
                if embed is not None:
                    blocks.append(embed)
                    out.append(f"\n\n\u00a7\u00a7cmp{len(blocks) - 1}\u00a7\u00a7\n\n")
        elif name.lower() in ALLOWED_TAGS and name == name.lower():
            for attr, value in attrs.items():
                if attr.lower().startswith("on"):
                    problems.warn(path, line, f"<{name}> : attribut « {attr} » (script) retiré", "unsafe attribute")
                elif isinstance(value, str) and attr.lower() in ("href", "src") and not (link := urls.check(value)):
                    problems.warn(
                        path, line, f"<{name}> : adresse « {value[:40]} » retirée : {link.reason}", "unsafe url"
                    )
            out.append(original)
        else:
            if not closing:
                kept = "avec son contenu" if name.lower() in ("script", "style") else "(seul son texte est gardé)"
                problems.warn(path, line, f"balise <{name}> non autorisée : retirée {kept}", "unknown tag")
    out.append(text[pos:])
    for index in open_inline:  # never closed: close at the end of the text
        out.append(f"{_CLOSE}{index}{_END}")
    return Markup("".join(out), blocks, inlines)


def _inline(name, closing, attrs, path, line, problems, inlines, open_inline, quiet=False) -> str:
    if closing:
        if not open_inline:
            problems.warn(path, line, f"</{name}> sans balise ouvrante", "malformed tag")
            return ""
        return f"{_CLOSE}{open_inline.pop()}{_END}"
    href = attrs.get("href")
    link = urls.check(href) if isinstance(href, str) and href.strip() else None
    if link is None:
        if not quiet:
            problems.warn(path, line, f"<{name}> sans attribut href : affiché comme du texte", "malformed tag")
    elif not link:
        problems.warn(path, line, f"<{name}> : adresse « {href[:40]} » retirée : {link.reason}", "unsafe url")
    inlines.append(Inline(name, link.href if link else None, bool(attrs.get("alt"))))
    open_inline.append(len(inlines) - 1)
    return f"{_OPEN}{len(inlines) - 1}{_END}"


def _block(name, attrs, path, line, problems, context: Context):
    if name == "NextSteps":
        unknown = set(attrs) - {"is_editeur", "service_description"}
        if unknown:
            problems.warn(
                path, line, f"<NextSteps> : attribut(s) inconnu(s) {', '.join(sorted(unknown))}", "malformed tag"
            )
        description = attrs.get("service_description")
        return NextSteps(
            is_editeur=bool(attrs.get("is_editeur")),
            service_description=description if isinstance(description, str) else None,
        )
    tree, question = attrs.get("tree"), attrs.get("question")
    if not isinstance(tree, str) or not isinstance(question, str):
        problems.warn(path, line, "<QuestionTree> : il faut les attributs tree='…' et question='…'", "malformed tag")
        return None
    if not context.allow_trees:
        problems.warn(path, line, "<QuestionTree> n'est pas permis dans une réponse d'arbre", "malformed tag")
        return None
    return TreeRef(tree, question, path, line)


def _embed(attrs, path, line, problems, context: Context):
    src = attrs.get("src")
    link = urls.check(src)
    if not link or link.relative or link.href.startswith("mailto:"):
        reason = link.reason if not link else "une intégration vient d'un autre site"
        problems.warn(path, line, f"<iframe> retiré : {reason}", "unsafe url")
        return None
    framed = urls.frame(link.href, context.iframe_hosts)
    if not framed:
        problems.warn(path, line, f"<iframe> remplacé par un lien : {framed.reason}", "iframe host")
    title = attrs.get("title") if isinstance(attrs.get("title"), str) else ""
    # The normalised URL, never the original string: that is what the browser would load.
    return Embed(
        src=link.href, title=title or f"Contenu intégré depuis {link.host}", host=link.host, allowed=bool(framed)
    )


# --- rendering -------------------------------------------------------------------------

_local = threading.local()


# CommonMark with GitHub's tables, strikethrough and bare-address links, as api.gouv.fr's renderer (remark) read
# these texts: a list straight after a line of text is a list (Python-Markdown, used before, made it a paragraph on
# 28 pages of the 2026 corpus). Raw HTML is kept here: nh3 sanitises it next.
_CMARK_OPTIONS = cmark.Options.CMARK_OPT_UNSAFE
_CMARK_EXTENSIONS = ["table", "strikethrough", "autolink"]
_HEADING = re.compile(r"<h[1-6][\s>]", re.I)  # raw HTML's too
PERMALINK = {"class": "headerlink", "title": "Lien vers cette section"}
PERMALINK_TEXT = "\u00b6"


def _markdown(text: str) -> str:
    out = cmark.markdown_to_html_with_extensions(text, options=_CMARK_OPTIONS, extensions=_CMARK_EXTENSIONS)
    return out.rstrip("\n")  # the last line break Python-Markdown left out: the sites stay byte for byte the same


def _anchored(raw: str) -> tuple[str, list]:
    """Each heading gets an id made from its text (unique in the text), a permalink, and a TOC token named by its
    text without inline markers (a heading may hold a <Button>)."""
    tree = LexborHTMLParser(raw, is_fragment=True)
    taken: set[str] = set()  # nh3 keeps ids on headings only
    flat = []
    for heading in tree.css("h1, h2, h3, h4, h5, h6"):
        text = _INLINE.sub("", " ".join(heading.text(deep=True).split()))
        anchor = _unique(heading.attrs.get("id") or slugify(text), taken)
        heading.attrs["id"] = anchor
        link = tree.create_node("a")
        link.attrs["class"] = PERMALINK["class"]
        link.attrs["href"] = f"#{anchor}"  # between the two, as Python-Markdown wrote it
        link.attrs["title"] = PERMALINK["title"]
        link.insert_child(PERMALINK_TEXT)
        heading.insert_child(link)
        name = html.escape(_MARKERS.sub("", text), quote=False)
        flat.append({"level": int(heading.tag[1]), "id": anchor, "name": name, "children": []})
    return tree.html, _nested(flat)


def _unique(anchor: str, taken: set) -> str:
    """The anchor (never empty: slugify has a fallback), or with the first free `_1`, `_2`… suffix: as
    Python-Markdown made them."""
    found, count = anchor, 0
    while found in taken:
        count += 1
        found = f"{anchor}_{count}"
    taken.add(found)
    return found


def _nested(flat: list) -> list:
    """Tokens as a tree: each heading under the last one of a higher level before it."""
    roots, open_ = [], []
    for token in flat:
        while open_ and open_[-1]["level"] >= token["level"]:
            open_.pop()
        (open_[-1]["children"] if open_ else roots).append(token)
        open_.append(token)
    return roots


def sanitize(fragment: str, links: Links) -> str:
    return _cleaner(links).clean(fragment)


def _cleaner(links: Links) -> nh3.Cleaner:
    """nh3 with our whitelist and these links' filter. Handing nh3 the whitelist costs as much as cleaning a
    paragraph: a page's texts share one Links, so the last one's cleaner is kept (half of nh3's time)."""
    last = getattr(_local, "cleaner", None)
    if last is None or last[0] is not links:
        cleaner = nh3.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            allowed_classes=ALLOWED_CLASSES,
            url_schemes=SAFE_SCHEMES,
            attribute_filter=links.filter,
            link_rel=None,
            strip_comments=True,
        )
        last = _local.cleaner = (links, cleaner)
    return last[1]


def render(markup: Markup | None, links: Links, render_block, render_inline=None) -> tuple[str, list]:
    """Markdown → HTML → nh3 → components (each rendered by the callbacks, from templates);
    returns the HTML and the TOC tokens."""
    if not markup:
        return "", []
    raw, toc = _converted(markup)
    if markup.inlines:
        # Before sanitising: nh3 checks the template's HTML like any other, wherever Markdown put the marker.
        def put_inline(match):
            component = markup.inlines[int(match.group(2))]
            return render_inline(component, match.group(1) == _CLOSE) if render_inline else ""

        raw = _INLINE.sub(put_inline, raw)
    clean = sanitize(raw, links)
    if markup.blocks:

        def put_back(match):
            index = int(match.group(1) or match.group(2))
            return render_block(markup.blocks[index]) if index < len(markup.blocks) else ""

        clean = _PLACEHOLDER.sub(put_back, clean)
    return clean, toc


CONVERTED_KEPT = 64  # texts whose Markdown a process keeps: an API's notices, the trees' questions and answers


def _converted(markup: Markup) -> tuple[str, list]:
    """Markdown's HTML and TOC tokens for a text. One text object recurs: a notice on each of its API's three
    pages, a question tree's answers on every API page that shows the tree. The last few converted are kept, by
    identity rather than by text: reuse comes from the model, and equal texts in two files are converted twice.
    A kept entry holds its object, so no other object can have its id meanwhile."""
    kept = _local.__dict__.setdefault("converted", collections.OrderedDict())
    key = id(markup)
    if key in kept:
        kept.move_to_end(key)
    else:
        raw, toc = _markdown(markup.text), []
        if _HEADING.search(raw):
            raw, toc = _anchored(raw)
        kept[key] = (markup, raw, toc)
        if len(kept) > CONVERTED_KEPT:
            kept.popitem(last=False)
    _, raw, toc = kept[key]
    return raw, _copied(toc)


def _copied(tokens: list) -> list:
    """TOC tokens a page may change (its version marks) without changing the kept ones."""
    return [{**token, "children": _copied(token.get("children", []))} for token in tokens]
