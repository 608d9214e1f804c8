"""Command line: `python -m generator check|build`."""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import NoReturn

from . import components, model, pages, workers
from .pages import RenderError
from .problems import CATEGORIES, Problems

SCHEMAS = Path(__file__).resolve().parent / "schemas"


def _report(problems: Problems, stream=None) -> None:
    stream = stream or sys.stderr
    for problem in problems.sorted():
        print(problem, file=stream)
    if problems.items:
        kinds = Counter(CATEGORIES.get(p.category, p.category) for p in problems.items)
        detail = ", ".join(f"{name} : {count}" for name, count in sorted(kinds.items()))
        print(f"{len(problems.errors)} erreur(s), {len(problems.warnings)} avertissement(s) ({detail})", file=stream)


# Without a mkdocs.yml, `--content DIR` alone builds a plain Material site of the catalogue.
DEFAULT_CONFIG = """site_name: Catalogue des API
theme: {name: material, language: fr, font: false}
plugins: [search, api-catalogue]
"""


def _load_config(config_file: Path, content: Path | None = None, **overrides):
    """MkDocs' own config loader, with the plugin's `content` option set to `content` when given:
    the options `check` uses are the ones the build will use. A missing mkdocs.yml means our defaults."""
    import io

    from mkdocs.config import load_config
    from mkdocs.utils import yaml_load

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    if not config_file.is_file():
        docs = Path(tempfile.gettempdir()) / "api-catalogue-empty-docs"  # every page is generated
        docs.mkdir(exist_ok=True)
        overrides.setdefault("docs_dir", str(docs))
        source = DEFAULT_CONFIG
    else:
        source = config_file.read_text(encoding="utf-8")
    if content is not None:
        plugins = (yaml_load(io.StringIO(source)) or {}).get("plugins") or []
        plugins = [_with_content(entry, content) for entry in plugins]
        if not any(_name(entry) == PLUGIN for entry in plugins):
            plugins.append({PLUGIN: {"content": str(content)}})
        overrides["plugins"] = plugins
    stream = io.StringIO(source)
    stream.name = str(config_file if config_file.is_file() else Path.cwd() / "mkdocs.yml")  # paths resolve from here
    return load_config(stream, **overrides)


PLUGIN = "api-catalogue"


def _name(entry) -> str:
    return entry if isinstance(entry, str) else next(iter(entry), "")


def _with_content(entry, content: Path):
    if _name(entry) != PLUGIN:
        return entry
    options = {} if isinstance(entry, str) else dict(entry[PLUGIN] or {})
    return {PLUGIN: {**options, "content": str(content.resolve())}}


@contextlib.contextmanager
def _build_date(catalogue: model.Catalogue):
    """MkDocs dates the sitemap (and its gzip header) from SOURCE_DATE_EPOCH: take it from the content, so two
    builds of the same content are byte-identical. Only for this build, unless the caller set it."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = before or str(model.content_epoch(catalogue))
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]


@contextlib.contextmanager
def _fewer_collections():
    """A build keeps most of what it makes (pages, search entries) to the end: with Python's default thresholds, the
    cycle collector walks it again and again (6 s of a 1 000-API build; 2 s like this, for the same peak memory).
    The build freezes the catalogue once it is loaded (see _build), until it is done."""
    before = gc.get_threshold()
    gc.set_threshold(20_000, 10, 10)
    try:
        with workers.frozen_until_done():
            yield
    finally:
        gc.set_threshold(*before)


def check(
    content: Path, iframe_hosts=components.IFRAME_HOSTS, config=None, jobs: int = 1
) -> tuple[model.Catalogue, Problems]:
    """The content's problems; with the MkDocs `config` the build will use, the exports' and the configuration's
    too: what `check` accepts, `build` builds."""
    if config is None:
        problems = Problems()  # each file is loaded behind Problems.guard: nesting is reported per file
        return model.load(content, problems, iframe_hosts, jobs), problems
    return pages.load_site(
        content,
        iframe_hosts,
        site_url=config.site_url or "",
        featured=config.plugins[PLUGIN].config.featured,
        home=not (Path(config.docs_dir) / "index.md").is_file(),
        config_file=Path(config.config_file_path or "mkdocs.yml"),
        jobs=jobs,
    )


def _missing_content(content: Path) -> str | None:
    if not content.is_dir():
        return f"{content}:1: dossier de contenu introuvable (chemin absolu : {content.resolve()})"
    return None


def _processors() -> int:
    """The processors this process may run on (a container's share, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def build(content: Path, site_dir: Path, strict: bool, config_file: Path, jobs: int = 1) -> int:
    with _fewer_collections():
        return _build(content, site_dir, strict, config_file, jobs)


def _build(content: Path, site_dir: Path, strict: bool, config_file: Path, jobs: int = 1) -> int:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    if missing := _missing_content(content):
        print(missing, file=sys.stderr)
        return 1
    try:
        config = _load_config(config_file, content, strict=strict)
    except (MkDocsException, OSError) as exc:
        print(f"{config_file}:1: configuration invalide : {exc}", file=sys.stderr)
        return 1
    catalogue, problems = check(
        Path(config.plugins[PLUGIN].config.content), config.plugins[PLUGIN].config.iframe_hosts, config, jobs
    )
    _report(problems)
    if problems.errors or (strict and problems.warnings):
        print("échec : le site précédent est laissé tel quel", file=sys.stderr)
        return 1
    # The catalogue lives to the end of the build: the collector need not walk it again (10 s at 10 000 APIs).
    workers.freeze_for_good()

    site_dir = site_dir.resolve()
    refusal = _unsafe_site_dir(site_dir, content.resolve(), config_file.resolve().parent)
    if refusal:
        print(f"{site_dir}:1: {refusal}", file=sys.stderr)
        return 1
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    _clean_stale(site_dir)
    # Build next to the target, then swap: a failed build never touches the previous site.
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-staging-{os.getpid()}-", dir=site_dir.parent))
    try:
        config["site_dir"] = str(staging)
        config.plugins[PLUGIN].loaded = (catalogue, problems)  # reported above: the build does not load it again
        config.plugins[PLUGIN].jobs = jobs
        with _build_date(catalogue):
            mkdocs_build(config)
    except (MkDocsException, OSError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        rendering = isinstance(exc.__cause__, RenderError)
        print(str(exc) if rendering else f"{config_file}:1: la construction a échoué : {exc}", file=sys.stderr)
        return 1
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, site_dir)
    print(f"site construit dans {site_dir} ({len(catalogue.apis)} API)", file=sys.stderr)
    return 0


def _unsafe_site_dir(site_dir: Path, content: Path, project: Path) -> str | None:
    """The site folder is replaced whole: it must not hold the content or the project."""
    for name, folder in (("le dossier de contenu", content), ("le projet (mkdocs.yml)", project)):
        if folder == site_dir or folder.is_relative_to(site_dir):
            return f"--site-dir contient {name} ({folder}) et serait effacé avec lui : choisissez un dossier à part"
    if site_dir.is_relative_to(content):
        return f"--site-dir est dans le dossier de contenu ({content}) : choisissez un dossier à part"
    return None


def _clean_stale(site_dir: Path) -> None:
    """Remove staging and old folders that a killed build left beside the site (their process is gone)."""
    for entry in site_dir.parent.glob(f".{site_dir.name}-*-*"):
        kind, _, rest = entry.name.removeprefix(f".{site_dir.name}-").partition("-")
        pid = rest.split("-", 1)[0]
        if kind in ("staging", "old") and pid.isdigit() and entry.is_dir() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # PermissionError: alive, another user's
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _swap(staging: Path, site_dir: Path) -> None:
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}-old-{os.getpid()}")
        site_dir.rename(old)
    staging.rename(site_dir)
    os.chmod(site_dir, 0o755)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def run() -> NoReturn:
    """The command's entry point: main(), then out without freeing every object one by one, which takes 1.8 s
    after a 1 000-API build. Every file is written and closed by then; only the standard streams need a flush."""
    try:
        code = main()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # `api-catalogue check | head` stopped reading: not worth a traceback
        code = 1
    os._exit(code)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="api-catalogue",
        description="Génère le site à partir des fichiers de contenu.",
        epilog="Les chemins par défaut sont pris dans le dossier courant.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check_cmd = sub.add_parser(
        "check",
        help="vérifie le contenu et liste chaque problème (chemin:ligne: message)",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    build_cmd = sub.add_parser(
        "build",
        help="construit le site (le même que `mkdocs build`)",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    for command in (check_cmd, build_cmd):
        command.add_argument("--content", type=Path, default=Path("content"), help="dossier de contenu")
        command.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"), help="configuration MkDocs")
    build_cmd.add_argument("--site-dir", type=Path, default=Path("site"), help="dossier du site, remplacé en entier")
    for command in (check_cmd, build_cmd):
        command.add_argument(
            "--jobs",
            type=int,
            default=_processors(),
            help="processus qui se partagent la lecture des fichiers d'API et leurs pages (1 : aucun)",
        )
        command.add_argument("--strict", action="store_true", help="les avertissements font aussi échouer (code 1)")
    sub.add_parser("schema", help="régénère les schémas JSON livrés avec le paquet (generator/schemas/)")
    args = parser.parse_args(argv)
    if args.command == "schema":
        from .schema import write_schemas

        for path in write_schemas(SCHEMAS):
            print(path)
        return 0
    if args.command == "check":
        from mkdocs.exceptions import MkDocsException

        if missing := _missing_content(args.content):
            print(missing)
            return 1
        try:
            config = _load_config(args.config_file, args.content)
        except (MkDocsException, OSError) as exc:
            print(f"{args.config_file}:1: configuration invalide : {exc}")
            return 1
        _, problems = check(args.content, config.plugins[PLUGIN].config.iframe_hosts, config, max(1, args.jobs))
        _report(problems, sys.stdout)
        if not problems.items:
            print("contenu valide : aucun problème")
        # As MkDocs: errors fail; warnings fail only with --strict.
        return 1 if problems.errors or (args.strict and problems.warnings) else 0
    return build(args.content, args.site_dir, args.strict, args.config_file, max(1, args.jobs))
