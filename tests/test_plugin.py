"""The MkDocs glue on its own: `mkdocs build` with the plugin, its content option, errors and `serve` watching."""

import gc
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from generator import pages
from generator.plugin import CataloguePlugin

from conftest import CONTENT, ROOT, seed_content


def config_for(tmp: Path, content: Path) -> Path:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "api-catalogue" in plugin:
            plugin["api-catalogue"]["content"] = str(content)
    config.update(docs_dir=str(ROOT / "content" / "pages"), site_dir=str(tmp / "site"))
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    path = tmp / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def mkdocs(*args, cwd=ROOT):
    return subprocess.run([str(Path(sys.executable).parent / "mkdocs"), *args], capture_output=True, text=True, cwd=cwd)


def test_mkdocs_build_uses_the_content_option(tmp_path):
    content = seed_content(tmp_path / "other-content")
    run = mkdocs("build", "--strict", "-f", str(config_for(tmp_path, content)))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "site" / "les-api" / "api-statut-etudiant" / "scopes" / "index.html").is_file()


def test_mkdocs_build_reports_every_problem_without_traceback(tmp_path):
    content = seed_content(tmp_path / "content")
    (content / "api" / "a.md").write_text("---\ntitle: A\ntagline: t\nproducer: mesri\nis_open: 5\n---\n")
    (content / "api" / "b.md").write_text("---\ntitle: B\ntagline: t\nproducer: nobody\nis_open: 1\n---\n")
    run = mkdocs("build", "-f", str(config_for(tmp_path, content)))
    assert run.returncode == 1
    assert f"{content / 'api' / 'a.md'}:5: is_open" in run.stderr
    assert f"{content / 'api' / 'b.md'}:4: producer" in run.stderr
    assert "Traceback" not in run.stderr


def test_serve_watches_the_content_folder():
    class Server:
        def __init__(self):
            self.watched = []

        def watch(self, path):
            self.watched.append(path)

    plugin = CataloguePlugin()
    plugin.load_config({"content": "content"}, config_file_path=str(ROOT / "mkdocs.yml"))
    config = type("Config", (), {"config_file_path": str(ROOT / "mkdocs.yml")})()
    server = plugin.on_serve(Server(), config=config, builder=None)
    assert Path(server.watched[0]) == CONTENT


def test_options_are_validated_by_mkdocs(tmp_path):
    config = config_for(tmp_path, tmp_path / "missing")
    run = mkdocs("build", "-f", str(config))
    assert run.returncode == 1
    assert "missing" in run.stderr and "isn't an existing directory" in run.stderr and "Traceback" not in run.stderr


def test_disabled_plugin_adds_nothing(tmp_path):
    path = config_for(tmp_path, CONTENT)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "api-catalogue" in plugin:
            plugin["api-catalogue"]["enabled"] = False
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    run = mkdocs("build", "-f", str(path))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "site" / "a-propos" / "index.html").is_file()
    assert (
        not (tmp_path / "site" / "les-api").exists() and not (tmp_path / "site" / "assets" / "api-catalogue").exists()
    )


def test_the_plugin_leaves_the_environment_alone(tmp_path, monkeypatch):
    """Reproducible dates are the CLI's business, for its own build only."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    mkdocs_build(load_config(str(config_for(tmp_path, CONTENT))))
    assert "SOURCE_DATE_EPOCH" not in os.environ
    from conftest import build

    thresholds = gc.get_threshold()
    assert build(CONTENT, tmp_path / "cli-site") == 0
    assert "SOURCE_DATE_EPOCH" not in os.environ
    assert gc.get_threshold() == thresholds  # the CLI collects less often during its build only


class _ServerGone(Exception):
    pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch_until(url: str, wanted, server=None, deadline: float = 90) -> str:
    """Poll the dev server until the page is in the wanted state (serve rebuilds on its own schedule)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    end, text = time.monotonic() + deadline, ""
    while time.monotonic() < end:
        if server is not None and server.poll() is not None:
            raise _ServerGone(url)
        try:
            text = opener.open(url, timeout=5).read().decode("utf-8")
        except OSError:
            text = ""
        if text and wanted(text):
            return text
        time.sleep(0.2)
    raise AssertionError(f"{url} never reached the expected state; last page:\n{text[:2000]}")


def start_serve(config: Path, port: int) -> subprocess.Popen:
    """`mkdocs serve`, its temporary site in a `tmp` folder beside the config rather than in the system's."""
    temporary = config.parent / "tmp"
    temporary.mkdir(exist_ok=True)
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "mkdocs"), "serve", "-f", str(config), "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TMPDIR": str(temporary)},
    )


def stop_serve(server: subprocess.Popen) -> None:
    """Ctrl-C, as a maintainer stops it: serve then removes its temporary site, which SIGTERM leaves behind."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _serve(config: Path, path: str, wanted) -> tuple[subprocess.Popen, str, str]:
    """`mkdocs serve` on a free port, and the page at `path` once in the wanted state. MkDocs cannot report the
    port it bound, so a port taken between our probe and its bind makes it exit: start again on another."""
    for _ in range(5):
        port = _free_port()
        server = start_serve(config, port)
        url = f"http://127.0.0.1:{port}/{path}"
        try:
            return server, url, _fetch_until(url, wanted, server)
        except _ServerGone:
            continue
        except BaseException:
            stop_serve(server)
            raise
    raise AssertionError("mkdocs serve exited five times before serving")


@pytest.mark.slow
def test_serve_shows_the_problems_and_keeps_serving(tmp_path):
    """Started with a broken file, serve builds the rest and shows the problem on every page; a new
    error appears after the edit, and the box goes away once the content is fixed."""
    system_temporary = set(Path(tempfile.gettempdir()).glob("mkdocs_*"))
    content = seed_content(tmp_path / "content")
    broken = content / "api" / "a.md"
    broken.write_text("---\ntitle: A\ntagline: t\nproducer: mesri\nis_open: 5\n---\n")
    server, page, html = _serve(
        config_for(tmp_path, content), "les-api/api-statut-etudiant/", lambda t: "Contenu à corriger" in t
    )
    try:
        assert f"{broken}:5: is_open" in html and "API Statut Etudiant" in html
        (content / "api" / "b.md").write_text("---\ntitle: B\ntagline: t\nproducer: nobody\nis_open: 1\n---\n")
        html = _fetch_until(page, lambda t: "b.md:4: producer" in t)
        broken.unlink()
        (content / "api" / "b.md").unlink()
        _fetch_until(page, lambda t: "Contenu à corriger" not in t and "API Statut Etudiant" in t)
    finally:
        stop_serve(server)
    # serve's temporary site went into the test's folder: MkDocs removes it on Ctrl-C, unless a rebuild races it
    assert set(Path(tempfile.gettempdir()).glob("mkdocs_*")) <= system_temporary


def test_an_unknown_featured_api_is_reported_and_the_home_links_only_to_real_pages(tmp_path):
    path = config_for(tmp_path, CONTENT)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "api-catalogue" in plugin:
            plugin["api-catalogue"]["featured"] = "api-absente"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    run = mkdocs("build", "-f", str(path))
    assert run.returncode == 0 and "featured: « api-absente »" in run.stderr
    # check says it too, at the option's line: what check accepts, build --strict builds
    checked = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--config-file", str(path), "--strict"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert checked.returncode == 1
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "featured:" in text)
    assert f"{path}:{line}: avertissement : featured: « api-absente »" in checked.stdout
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="les-api/"' in home and "demande-acces" not in home.split("md-content")[1]


def test_a_build_loads_the_content_once_and_prints_each_problem_once(tmp_path, monkeypatch, capsys):
    from generator import cli, model

    content = seed_content(tmp_path / "content")
    (content / "api" / "api-statut-etudiant.md").write_text(
        (content / "api" / "api-statut-etudiant.md")
        .read_text(encoding="utf-8")
        .replace("themes:", "clef_inconnue: 1\nthemes:", 1),
        encoding="utf-8",
    )
    loads = []
    real = model.load
    monkeypatch.setattr(model, "load", lambda *args, **kwargs: loads.append(args[0]) or real(*args, **kwargs))
    assert cli.main(["build", "--content", str(content), "--site-dir", str(tmp_path / "site")]) == 0
    assert len(loads) == 1
    err = capsys.readouterr().err
    assert err.count("clef_inconnue: clé inconnue") == 1, err


def _search_index(tmp: Path) -> list[dict]:
    tmp.mkdir()
    mkdocs_build(load_config(str(config_for(tmp, CONTENT))))
    return json.loads((tmp / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def test_the_search_index_skips_excluded_blocks_without_losing_a_word(tmp_path, monkeypatch):
    """The blocks marked for the search parser to skip held no indexed text: the index differs from one built
    from the whole pages only by the empty entries that headings inside those blocks made."""
    light = _search_index(tmp_path / "light")
    monkeypatch.setattr(pages, "searchable", lambda html: html)
    whole = _search_index(tmp_path / "whole")
    assert [e for e in light if e["text"]] == [e for e in whole if e["text"]]
    dropped = [e for e in whole if e not in light]
    assert dropped and all(not e["text"] and "#" in e["location"] for e in dropped)
    assert all(e in whole for e in light)
    scopes = (tmp_path / "light/site/les-api/api-statut-etudiant/scopes/index.html").read_text(encoding="utf-8")
    assert 'data-scopes-data data-search-exclude>{"default_version"' in scopes  # the page itself keeps every block


def test_sections_parsed_with_the_pages_make_the_index_the_search_plugin_makes(tmp_path, monkeypatch):
    """Our pages reach the index as sections parsed where they were rendered; the theme's search plugin, parsing
    them itself, makes the same entries in the same order."""
    from generator.search import MaterialSearch

    handed = []
    real_add = MaterialSearch.add
    monkeypatch.setattr(
        MaterialSearch, "add", lambda self, sections, page: handed.append(page.url) or real_add(self, sections, page)
    )
    ours = _search_index(tmp_path / "ours")
    assert len(handed) >= 10 and "les-api/api-statut-etudiant/scopes/" in handed
    monkeypatch.setattr(MaterialSearch, "of", classmethod(lambda cls, config: None))
    handed.clear()
    theirs = _search_index(tmp_path / "theirs")
    assert not handed
    assert len(ours) > 50 and ours == theirs


def test_every_widget_named_in_markup_ships_and_registers_under_that_name():
    """The loader fetches `<name>.js` for `data-widget="<name>"`: a name without its file would leave the
    no-JS content in place and say nothing."""
    import re

    from generator import plugin

    templates = Path(plugin.__file__).parent / "templates"
    named = {m for path in templates.glob("*.html") for m in re.findall(r'data-widget="([a-z-]+)"', path.read_text())}
    shipped = {Path(path).stem for path in plugin.WIDGETS}
    assert named == shipped
    for name in shipped:
        script = (plugin.ASSETS / "javascripts" / f"{name}.js").read_text(encoding="utf-8")
        assert f'apiCatalogueWidget("{name}",' in script, name
