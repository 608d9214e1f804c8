"""Characters that deceive a reader: controls, invisible and bidi characters, and letters of one script that
pass for another's (a Cyrillic « а » in `mesri_admissions`). Every text of the content is judged here.

What a developer copies into code (ids, endpoints, field names, code spans, hosts) must be plain ASCII or
one script per word; any text may hold no invisible character unnoticed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

# C0 and C1 controls and DEL; tabs and newlines are text.
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
CONTROL = re.compile(f"[{_CONTROLS}]")
# Format characters (Cf: zero-width, bidi embeddings, overrides and isolates, BOM, soft hyphen) and line separators
# (Zl, Zp), as ranges: one regex finds them at C speed (a test holds the table equal to Python's unicodedata).
_INVISIBLE_CATEGORIES = {"Cf", "Zl", "Zp"}
INVISIBLE_RANGES = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891),
    (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x2028, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F),
    (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
_INVISIBLES = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in INVISIBLE_RANGES)
_INVISIBLE = re.compile(f"[{_INVISIBLES}]")
_HIDDEN = re.compile(f"[{_CONTROLS}{_INVISIBLES}]")  # one search for both
_WORD = re.compile(r"\w+")
_NEUTRAL_SCRIPTS = {"COMMON", "INHERITED"}
# French text needs no script table: its letters are named LATIN … LETTER, and its punctuation (« », ’, –, …,
# no-break spaces) lies in these ranges of the Common and Inherited scripts (a test holds both to the table).
_LATIN_NAMES = ("LATIN SMALL LETTER ", "LATIN CAPITAL LETTER ", "LATIN LETTER ")
_NEUTRAL = re.compile("[\u00a0-\u00a9\u00ab-\u00b9\u00bb-\u00bf\u00d7\u00f7\u2000-\u2064\u2066-\u206f]")


@functools.cache
def _tables():
    """Unicode's script and confusable tables, loaded on first use: importing them costs a tenth of a second."""
    from confusable_homoglyphs import categories, confusables

    return categories, confusables


def describe(char: str) -> str:
    """U+0430 (CYRILLIC SMALL LETTER A): what a maintainer can search for."""
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'sans nom')})"


def hides_nothing(text: str) -> bool:
    """No control and no invisible character: most texts, answered in one search."""
    return _HIDDEN.search(text) is None


def controls(text: str) -> Iterator[tuple[int, str]]:
    for match in CONTROL.finditer(text):
        yield match.start(), match.group()


def invisible(text: str) -> Iterator[tuple[int, str]]:
    """(index, character) of each character that changes what is shown without being seen. A zero-width joiner
    inside an emoji sequence is what draws the emoji, not a trick."""
    for match in _INVISIBLE.finditer(text):
        index, char = match.start(), match.group()
        if char == "\u200d" and 0 < index < len(text) - 1 and _emoji(text[index - 1]) and _emoji(text[index + 1]):
            continue
        yield index, char


def _emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" or ord(char) >= 0x1F000 or char == "\ufe0f"


def foreign(text: str) -> tuple[int, str] | None:
    """The first character outside printable ASCII: for what is typed into code."""
    return next(((i, c) for i, c in enumerate(text) if not " " <= c <= "~"), None)


def foreign_code(text: str) -> tuple[int, str] | None:
    """Outside ASCII in the code of a value: anywhere in a one-word value, in the code-like words of a longer one
    (an endpoint's comment in French may have accents)."""
    spaced = " " in text.strip()
    for word in re.finditer(r"\S+", text):
        if spaced and not any(c in word.group() for c in "/_=:?"):
            continue
        if odd := foreign(word.group()):
            return word.start() + odd[0], odd[1]
    return None


def mixed(text: str) -> tuple[int, str] | None:
    """In a word that mixes scripts (Latin with Cyrillic or Greek…), the first character of a script other than
    the word's first; in a word with no Latin letter, the first letter that looks like a Latin one. None otherwise."""
    if text.isascii():  # one script
        return None
    for word in _WORD.finditer(text):
        scripts = []
        for offset, char in enumerate(word.group()):
            script = _script(char)
            if script in _NEUTRAL_SCRIPTS:
                continue
            if scripts and script != scripts[0]:
                return word.start() + offset, char
            scripts.append(script)
        if scripts and "LATIN" not in scripts and (look := _looks_latin(word.group())):
            first = look[0]["character"]
            return word.start() + word.group().index(first), first
    return None


def _looks_latin(text: str) -> list:
    return _tables()[1].is_confusable(text, preferred_aliases=["latin"]) or []


def _script(char: str) -> str:
    if char.isascii():
        return "LATIN" if char.isalpha() else "COMMON"
    if _NEUTRAL.match(char):
        return "COMMON"
    if unicodedata.name(char, "").startswith(_LATIN_NAMES):
        return "LATIN"
    try:
        return _tables()[0].alias(char)
    except (KeyError, IndexError):
        return "COMMON"


def skeleton(text: str) -> str:
    """The comparison key of names a reader could take for one another: no case, accents, invisibles or spacing,
    and look-alike letters read as the Latin ones."""
    if str(text).isascii():
        return " ".join(str(text).casefold().split())
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", str(text)))
    out = []
    for char in text:
        if ord(char) > 0x7F and _script(char) not in ("LATIN", *_NEUTRAL_SCRIPTS):
            found = _looks_latin(char)
            latin = [h["c"] for h in found[0]["homoglyphs"] if all(ord(c) < 0x250 for c in h["c"])] if found else []
            char = latin[0] if latin else char
        out.append(char)
    text = unicodedata.normalize("NFKD", "".join(out))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())
