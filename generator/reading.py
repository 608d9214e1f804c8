"""Step 1 of the pipeline: read content files into raw documents with line numbers.

Reading never raises: every problem goes to `Problems`, and a file that cannot be read
yields no document.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import frontmatter
import yaml

from .problems import Problems

FieldPath = tuple  # ("access_page", 0, "is_eligible")

_HANDLER = frontmatter.YAMLHandler()


@dataclass
class Document:
    """One content file: its front matter as plain data, where each field sits, and its body."""

    path: Path
    meta: dict[str, Any] | None  # None, as the body, once forget_data() ran
    body: str | None = ""
    body_line: int = 1  # file line of the body's first line
    key_lines: dict[FieldPath, int] | None = field(default_factory=dict)  # None once forgotten
    text_lines: dict[FieldPath, int] | None = field(default_factory=dict)
    front_matter: str | bytes = ""  # the YAML text, from which forgotten lines are found again (then UTF-8)
    front_matter_offset: int = 0  # the file's lines before it

    @property
    def slug(self) -> str:
        return self.path.name.split(".", 1)[0]

    def line(self, *path) -> int:
        """The line of a field, or of its closest ancestor that has one."""
        key_lines, _ = self._maps()
        path = tuple(path)
        while path:
            if path in key_lines:
                return key_lines[path]
            path = path[:-1]
        return 1

    def text_line(self, *path) -> int:
        """The line where a string value's text starts (the line after `|` for block scalars)."""
        _, text_lines = self._maps()
        return text_lines.get(tuple(path), self.line(*path))

    def forget_lines(self) -> None:
        """Drop the line maps once the file is checked. They are two thirds of a loaded file's memory (190 kB of
        the seed's 307 kB), which the build keeps and sends between processes; after the checks, only a rare
        problem between files asks for a line, and line() then maps the front matter again. The front matter waits
        as UTF-8: French text makes a str two bytes a character (the seed's 23 kB of YAML, 47 kB as a str)."""
        if self.front_matter:
            self.key_lines = self.text_lines = None
            if isinstance(self.front_matter, str):
                self.front_matter = self.front_matter.encode()

    def forget_data(self) -> None:
        """Drop the parsed front matter and the body once a model holds them in its own shape: the build keeps
        every loaded file to the end, and nothing reads them again (a read after this fails loudly)."""
        self.meta, self.body = None, None

    def _maps(self) -> tuple[dict[FieldPath, int], dict[FieldPath, int]]:
        """The key and text line maps, mapped again from the front matter if they were forgotten."""
        if self.key_lines is None:
            again = Document(path=self.path, meta={})
            text = self.front_matter.decode() if isinstance(self.front_matter, bytes) else self.front_matter
            _load_mapping(text, again, Problems(), self.front_matter_offset)  # it was read once
            self.key_lines, self.text_lines = again.key_lines, again.text_lines
        return self.key_lines, self.text_lines


def decode(raw: bytes, path: Path, problems: Problems) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(path, line, f"le fichier n'est pas en UTF-8 (octet {raw[exc.start]:#04x})", "encoding")
        return None
    # Editors on Windows leave a BOM and CRLF line ends; the corpus has both.
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's parser, which keeps line marks and is several times faster than the pure-Python one, with a
    memory in PyYAML's safe resolver: the composer asks it each scalar's tag, and it tries the patterns for the
    scalar's first character every time (a thousand times a file, a sixth of composing it). A plain scalar's tag
    depends only on its text, and a quoted one's is always `str`."""

    _plain_tags: ClassVar[dict[str, str]] = {}  # text → tag: the keys and words that recur from file to file
    PLAIN_KEPT = 4096

    def resolve(self, kind, value, implicit):
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        if not implicit[0]:
            return self.DEFAULT_SCALAR_TAG
        tag = self._plain_tags.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(self._plain_tags) < self.PLAIN_KEPT:
                self._plain_tags[value] = tag
        return tag


def _walk(node: yaml.Node, path: FieldPath, doc: Document, problems: Problems, seen: set, offset: int) -> None:
    if id(node) in seen:  # aliases share nodes
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else repr(key_node.value)
            line = _line(key_node, offset)
            if key in keys:
                problems.error(doc.path, line, _duplicate(path + (key,), keys[key]), "duplicate key")
            keys[key] = line
            doc.key_lines[path + (key,)] = line
            _scalar_line(value_node, path + (key,), doc, offset)
            _walk(value_node, path + (key,), doc, problems, seen, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            doc.key_lines[path + (index,)] = _line(item, offset)
            _scalar_line(item, path + (index,), doc, offset)
            _walk(item, path + (index,), doc, problems, seen, offset)


def _line(node: yaml.Node, offset: int) -> int:
    """The file line where a node starts."""
    return node.start_mark.line + 1 + offset


def _duplicate(path: FieldPath, first_line: int) -> str:
    return f"{dotted(path)}: clé en double (déjà ligne {first_line})"


_BLOCK = ("|", ">")  # a block scalar's text starts on the line after its `|`


def _scalar_line(node: yaml.Node, path: FieldPath, doc: Document, offset: int) -> None:
    if isinstance(node, yaml.ScalarNode):
        doc.text_lines[path] = _line(node, offset) + (node.style in _BLOCK)


# Limits on one YAML document; real front matter has a few hundred values, 8 levels deep.
MAX_VALUES = 100_000  # counted with aliases expanded ("billion laughs" stays a few bytes until expanded)
MAX_DEPTH = 40


class _Limit(Exception):
    def __init__(self, values: int, levels: int, node: yaml.Node):
        super().__init__()
        self.values, self.levels, self.node = values, levels, node


def _measure(root: yaml.Node) -> tuple[int, int, yaml.Node]:
    """Size with aliases expanded, and depth, of a node graph, with the node where a limit broke. Shared nodes
    are measured once; the recursion stops past MAX_DEPTH levels, so it cannot overflow the stack."""
    known: dict[int, tuple[int, int]] = {}
    opened: set[int] = set()

    def visit(node: yaml.Node, level: int) -> tuple[int, int]:
        if isinstance(node, yaml.ScalarNode):
            return 1, 1
        key = id(node)
        if key in known:
            return known[key]
        if key in opened:  # an alias inside the node it names: endless once expanded
            raise _Limit(MAX_VALUES + 1, level, node)
        if level > MAX_DEPTH:
            raise _Limit(0, level, node)
        opened.add(key)
        values, levels = 1, 0
        children = [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else node.value
        for child in children:
            child_values, child_levels = visit(child, level + 1)
            values += child_values
            levels = max(levels, child_levels)
        opened.discard(key)
        if values > MAX_VALUES:
            raise _Limit(values, levels + 1, node)
        known[key] = values, levels + 1
        return known[key]

    try:
        values, levels = visit(root, 1)
    except _Limit as limit:
        return limit.values, limit.levels, limit.node
    return values, levels, root


_TAG = "tag:yaml.org,2002:"
_SCALARS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")}
_STR = _TAG + "str"


class _Unusual(Exception):
    """What the one-pass reader leaves to PyYAML's own constructor: merge keys, other tags, keys that are not
    scalars, a value PyYAML refuses."""


class _OnePass:
    """A front matter's values, each field's line, its size and depth, in one walk over libyaml's nodes: three
    walks (the measure, the line maps, PyYAML's constructor) took twice as long. The values are those PyYAML's safe
    constructor makes; a shared node (an alias) is one value, measured once, its lines mapped where first met."""

    def __init__(self, loader: yaml.CSafeLoader, doc: Document, offset: int):
        self.loader, self.doc = loader, doc
        self.base = offset + 1  # a mark's line counts from 0: + base, the file's line (as _line gives it)
        self.known: dict[int, tuple[Any, int, int]] = {}  # id(node) → (value, values, levels)
        self.opened: set[int] = set()
        self.duplicates: list[tuple[int, str]] = []  # reported once the limits hold, as before

    def read(self, node: yaml.Node, path: FieldPath, level: int) -> tuple[Any, int, int]:
        """(value, values with aliases expanded, levels); _Limit where a limit breaks, as _measure finds it."""
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node), 1, 1
        key = id(node)
        if key in self.known:
            return self.known[key]
        if key in self.opened:
            raise _Limit(MAX_VALUES + 1, level, node)
        if level > MAX_DEPTH:
            raise _Limit(0, level, node)
        self.opened.add(key)
        if isinstance(node, yaml.MappingNode):
            value, values, levels = self.mapping(node, path, level)
        else:
            value, values, levels = self.sequence(node, path, level)
        self.opened.discard(key)
        if values > MAX_VALUES:
            raise _Limit(values, levels + 1, node)
        self.known[key] = value, values, levels + 1
        return self.known[key]

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _STR:
            return node.value
        if node.tag not in _SCALARS:
            raise _Unusual
        try:
            return self.loader.construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            raise _Unusual from exc

    # mapping() and sequence() handle a scalar child, the most common, where they meet it: a call for each step
    # (its line, its value) was 8% of parsing a front matter. A text, most scalars, skips scalar() too.

    def mapping(self, node: yaml.MappingNode, path: FieldPath, level: int) -> tuple[dict, int, int]:
        if node.tag != _TAG + "map":
            raise _Unusual
        out: dict = {}
        lines: dict[str, int] = {}
        key_lines, text_lines, base = self.doc.key_lines, self.doc.text_lines, self.base
        values, levels = 1, 0
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALARS:
                raise _Unusual  # a merge key (<<), a key that is a list or a table
            name = str(key_node.value)
            line = key_node.start_mark.line + base
            field = path + (name,)
            if name in lines:
                self.duplicates.append((line, _duplicate(field, lines[name])))
            lines[name] = key_lines[field] = line
            if isinstance(value_node, yaml.ScalarNode):
                text_lines[field] = value_node.start_mark.line + base + (value_node.style in _BLOCK)
                out[self.scalar(key_node)] = value_node.value if value_node.tag == _STR else self.scalar(value_node)
                values += 2
                levels = max(levels, 1)
                continue
            value, child_values, child_levels = self.read(value_node, field, level + 1)
            out[self.scalar(key_node)] = value
            values += 1 + child_values
            levels = max(levels, child_levels)
        return out, values, levels

    def sequence(self, node: yaml.SequenceNode, path: FieldPath, level: int) -> tuple[list, int, int]:
        if node.tag != _TAG + "seq":
            raise _Unusual
        out = []
        key_lines, text_lines, base = self.doc.key_lines, self.doc.text_lines, self.base
        values, levels = 1, 0
        for index, item in enumerate(node.value):
            field = path + (index,)
            key_lines[field] = item.start_mark.line + base
            if isinstance(item, yaml.ScalarNode):
                text_lines[field] = key_lines[field] + (item.style in _BLOCK)
                out.append(item.value if item.tag == _STR else self.scalar(item))
                values += 1
                levels = max(levels, 1)
                continue
            value, child_values, child_levels = self.read(item, field, level + 1)
            out.append(value)
            values += child_values
            levels = max(levels, child_levels)
        return out, values, levels


def dotted(path: FieldPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(racine)"


def parse(text: str, path: Path, problems: Problems) -> Document | None:
    """Split front matter from body and load the YAML, keeping each field's line."""
    if not text.strip():
        problems.error(path, 1, "fichier vide : il faut un en-tête YAML entre deux lignes `---`", "front matter")
        return None
    if not _HANDLER.detect(text):
        problems.error(path, 1, "le fichier doit commencer par une ligne `---` (en-tête YAML)", "front matter")
        return None
    try:
        fm, body = _HANDLER.split(text)
    except ValueError:
        problems.error(path, 1, "l'en-tête YAML n'est pas fermé par une ligne `---`", "front matter")
        return None
    # The delimiter pattern may swallow blank lines, so count lines from real offsets.
    fm_start = text.index(fm) if fm else 3
    body_line = text.count("\n", 0, len(text) - len(body)) + 1
    offset = text.count("\n", 0, fm_start)
    doc = Document(path=path, meta={}, body=body, body_line=body_line, front_matter=fm, front_matter_offset=offset)
    return doc if _load_mapping(fm, doc, problems, offset) else None


_REFUSED = object()


def _one_pass(loader, node: yaml.Node, doc: Document, problems: Problems, offset: int):
    """The values, with their lines, once the limits hold; what _OnePass leaves to PyYAML, in three passes."""
    reader = _OnePass(loader, doc, offset)
    try:
        data, values, levels = reader.read(node, (), 1)
    except _Unusual:  # start again, as if the one pass had not run
        doc.key_lines, doc.text_lines = {}, {}
        loader.constructed_objects, loader.recursive_objects = {}, {}
        return _three_passes(loader, node, doc, problems, offset)
    except _Limit as limit:  # always past a limit
        values, levels, node = limit.values, limit.levels, limit.node
    if _refuse(values, levels, node, doc, problems, offset):
        doc.key_lines, doc.text_lines = {}, {}
        return _REFUSED
    for line, message in reader.duplicates:
        problems.error(doc.path, line, message, "duplicate key")
    return data


def _three_passes(loader, node: yaml.Node, doc: Document, problems: Problems, offset: int):
    """PyYAML's constructor, after the measure and the line maps: for the front matter _OnePass leaves to it."""
    values, levels, where = _measure(node)
    if _refuse(values, levels, where, doc, problems, offset):
        return _REFUSED
    _walk(node, (), doc, problems, set(), offset)
    return loader.construct_document(node)


def _refuse(values: int, levels: int, where: yaml.Node, doc: Document, problems: Problems, offset: int) -> bool:
    line = _line(where, offset)
    if values > MAX_VALUES:
        message = f"YAML trop volumineux : plus de {MAX_VALUES} valeurs une fois les alias (&, *) développés"
    elif levels > MAX_DEPTH:
        message = f"YAML imbriqué sur plus de {MAX_DEPTH} niveaux"
    else:
        return False
    problems.error(doc.path, line, message, "limit")
    return True


def _load_mapping(text: str, doc: Document, problems: Problems, offset: int = 0) -> bool:
    path = doc.path
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = _one_pass(loader, node, doc, problems, offset) if node is not None else None
        if data is _REFUSED:
            return False
    except yaml.MarkedYAMLError as exc:
        index = _culprit(text, exc)
        lines = text.split("\n")
        shown = " ".join(lines[index].split())[:80] if 0 <= index < len(lines) else ""
        problems.error(
            path, index + 1 + offset, f"YAML invalide : {_reason(exc)}" + (f" : « {shown} »" if shown else ""), "yaml"
        )
        return False
    except (yaml.YAMLError, RecursionError, TypeError, ValueError) as exc:
        problems.error(path, 1, f"YAML invalide : {exc.__class__.__name__}", "yaml")
        return False
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.error(path, 1, "le YAML doit être une table de clés (`clé: valeur`)", "front matter")
        return False
    doc.meta = {str(k): v for k, v in data.items()}
    return True


_REASONS = (  # PyYAML's words → what to fix
    ("did not find expected key", "clé attendue introuvable (guillemet ou indentation ?)"),
    ("found unexpected end of stream", "fin de l'en-tête atteinte dans un texte entre guillemets jamais fermé"),
    ("mapping values are not allowed", "« : » inattendu (un texte qui contient « : » se met entre guillemets)"),
    ("cannot start any token", "caractère interdit en début de valeur (une tabulation ? indentez avec des espaces)"),
    ("tab character", "tabulation dans l'indentation : indentez avec des espaces"),
    ("expected <block end>", "indentation incohérente"),
    ("found undefined alias", "alias (*nom) sans ancre (&nom)"),
    ("did not find expected '-' indicator", "élément de liste attendu (« - »)"),
)


def _reason(exc: yaml.MarkedYAMLError) -> str:
    reason = exc.problem or exc.context or "syntaxe invalide"
    return next((french for english, french in _REASONS if english in reason), reason)


def _culprit(text: str, exc: yaml.MarkedYAMLError) -> int:
    """The 0-based line to fix. A quote left open swallows the lines after it, and the parser notices only where the
    next quote closes it: the line is where the open quote starts, not where the parser stopped."""
    problem = exc.problem_mark
    if problem is None:
        return exc.context_mark.line if exc.context_mark else 0
    if exc.context and exc.context.startswith("while scanning a quoted") and exc.context_mark:
        return exc.context_mark.line
    culprit = problem.line
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.index >= problem.index:
                break
            if isinstance(token, yaml.ScalarToken):
                multi = token.style in ("'", '"') and token.end_mark.line > token.start_mark.line
                culprit = token.start_mark.line if multi else problem.line
    except yaml.YAMLError:
        pass
    return culprit


MAX_BYTES = 1_000_000  # the largest real API file is about 60 kB; megabytes are a mistake, not content


def read_bytes(path: Path, problems: Problems) -> bytes | None:
    """A regular file's bytes, at most MAX_BYTES: a device, a pipe or a socket is refused without being opened (it
    could block or never end), and the limit holds while reading, whatever `stat` said."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            problems.error(
                path, 1, "pas un fichier ordinaire (périphérique, tube ou socket) : refusé sans être lu", "io"
            )
            return None
        if info.st_size > MAX_BYTES:
            problems.error(path, 1, f"fichier trop volumineux ({info.st_size / 1e6:.1f} Mo ; 1 Mo au plus)", "size")
            return None
        with open(path, "rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        problems.error(path, 1, f"lecture impossible : {exc.strerror}", "io")
        return None
    if len(raw) > MAX_BYTES:
        problems.error(path, 1, "fichier trop volumineux (plus de 1 Mo à la lecture)", "size")
        return None
    return raw


def inside(path: Path, root: Path) -> bool:
    """Whether a path, links followed, stays inside the content folder."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a loop of links
        return False


def read(path: Path, problems: Problems) -> Document | None:
    raw = read_bytes(path, problems)
    if raw is None:
        return None
    text = decode(raw, path, problems)
    return None if text is None else parse(text, path, problems)


def load_yaml(path: Path, problems: Problems) -> Document | None:
    """Read a plain YAML file (a question tree) into a Document with no body."""
    raw = read_bytes(path, problems)
    if raw is None:
        return None
    text = decode(raw, path, problems)
    if text is None:
        return None
    doc = Document(path=path, meta={})
    return doc if _load_mapping(text, doc, problems) else None
