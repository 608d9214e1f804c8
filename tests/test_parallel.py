"""The API pages shared among processes (`build --jobs`): the same site as one process makes, the same errors."""

from __future__ import annotations

import filecmp
import subprocess
import sys
import threading
from types import SimpleNamespace

import pytest

from generator import plugin, workers

from conftest import CONTENT, CORPUS, ROOT

# Run in a fresh interpreter: the test process may hold other threads (servers), where the build never forks.
SAME_PAGES = f"""
from pathlib import Path
from generator import model, pages, workers
from generator.problems import Problems
workers.PARALLEL_FROM = 1
assert workers.can_fork()
catalogue = model.load(Path({str(CONTENT)!r}), Problems())
alone = pages.pages(catalogue, jobs=1)
shared = pages.pages(catalogue, jobs=2)
assert [(p.src, p.title, p.html, p.toc) for p in alone] == [(p.src, p.title, p.html, p.toc) for p in shared]
exported = pages.exports(catalogue, jobs=2)
assert list(exported.items()) == list(pages.exports(catalogue, jobs=1).items())
assert "les-api/api-statut-etudiant/scopes.json" in exported, list(exported)
# A build makes both in one pass, each API's files with its pages: the same pages, the same files in the same order.
for jobs in (1, 2):
    made, files = pages.site(catalogue, jobs=jobs)
    assert [(p.src, p.title, p.html, p.toc) for p in made] == [(p.src, p.title, p.html, p.toc) for p in alone]
    assert list(files.items()) == list(exported.items())
# Asked to, pages and files made in a worker keep their HTML or text as the UTF-8 it crossed as; those made here
# stay str (the schema, here, always).
made, files = pages.site(catalogue, jobs=2, utf8=True)
assert {{type(p.html) for p in made}} == {{bytes}}, {{type(p.html) for p in made}}
assert [p.html.decode() for p in made] == [p.html for p in alone]
assert [path for path, text in files.items() if isinstance(text, str)] == ["schema/api.schema.json"]
assert [(path, text if isinstance(text, str) else text.decode()) for path, text in files.items()] == list(exported.items())
assert {{type(p.html) for p in pages.site(catalogue, jobs=1, utf8=True)[0]}} == {{str}}
print(len(shared))
"""

# Files read in workers: the same catalogue (its pages show it) and the same problems, in the same order.
SAME_CATALOGUE = f"""
import os, tempfile
from pathlib import Path
from generator import model, pages, reading, workers
from generator.problems import Problems
workers.PARALLEL_FROM = 1
real = reading.read
def read(path, problems):
    if path.parent.name == "api":  # producers are read here, by the parent
        Path(readers, str(os.getpid())).touch()  # a worker's memory is its own: it leaves its mark in a folder
    return real(path, problems)
model.read = read
found = {{}}
for jobs in (1, 2):
    readers = tempfile.mkdtemp()
    problems = Problems()
    catalogue = model.load(Path({str(CORPUS / "api.gouv.fr-2022-09" / "_data")!r}), problems, jobs=jobs)
    found[jobs] = catalogue, problems.items
    pids = {{int(name) for name in os.listdir(readers)}}
    assert (pids == {{os.getpid()}}) if jobs == 1 else (len(pids) == 2 and os.getpid() not in pids), pids
(one, one_problems), (two, two_problems) = found[1], found[2]
assert list(one.apis) == list(two.apis) and one_problems == two_problems
assert [(p.src, p.html) for p in pages.pages(one)] == [(p.src, p.html) for p in pages.pages(two)]
assert [a.owner.slug for a in two.apis.values() if a.owner] == [a.owner.slug for a in one.apis.values() if a.owner]
print(len(two.apis), len(two_problems))
"""

ERROR_FROM_A_WORKER = f"""
import os
from pathlib import Path
from generator import model, pages, workers
from generator.problems import Problems
workers.PARALLEL_FROM = 1
parent = os.getpid()
real = pages.scopes_page
def failing(env, catalogue, api):
    assert os.getpid() != parent, "rendered in the parent"
    if api.slug == "api-statut-etudiant-boursier":
        raise ValueError("broken")
    return real(env, catalogue, api)
pages.scopes_page = failing
catalogue = model.load(Path({str(CONTENT)!r}), Problems())
try:
    pages.pages(catalogue, jobs=2)
except pages.RenderError as exc:
    print(exc)
"""


# The theme lays out our pages in workers: the same site as MkDocs' one loop; a page whose layout logs a warning is
# laid out again by MkDocs' loop, which reports it.
THEMED_IN_WORKERS = f"""
import os, sys, tempfile, logging
from pathlib import Path
import mkdocs.commands.build as mkdocs_build
from generator import cli, plugin, workers
workers.PARALLEL_FROM = 1
marks = tempfile.mkdtemp()
in_worker = plugin._build_page
def build_page(page, *args):
    Path(marks, str(os.getpid())).touch()
    if page.file.src_uri == "les-api/index.md":
        logging.getLogger("mkdocs.theme").warning("a warning while laying out")
    in_worker(page, *args)
plugin._build_page = build_page
in_loop = mkdocs_build._build_page
laid_out = []
def loop_page(page, *args, **kwargs):
    if page.meta.get("template") != plugin.WRITTEN:
        laid_out.append(page.file.src_uri)
    in_loop(page, *args, **kwargs)
mkdocs_build._build_page = loop_page
site = sys.argv[1]
assert cli.main(["build", "--content", {str(CONTENT)!r}, "--site-dir", site, "--jobs", sys.argv[2]]) == 0
pids = {{int(name) for name in os.listdir(marks)}}
print(len(pids), os.getpid() in pids, " ".join(laid_out))
"""


# With --jobs, a forked process writes the export files while MkDocs' loop goes on; if it fails, MkDocs' process
# writes them. Prints which processes wrote export files: how many, and whether MkDocs' own was one.
EXPORTS_MEANWHILE = f"""
import os, sys, tempfile
from pathlib import Path
from mkdocs.structure.files import File
from generator import addresses, cli, workers
workers.PARALLEL_FROM = 1
marks = tempfile.mkdtemp()
exports = tuple(path.split("{{", 1)[0] for path in addresses.EXPORTS.values())
real_copy = File.copy_file
def copy_file(self, dirty=False):
    if self.src_uri.startswith(exports) and self.src_uri.endswith((".json", ".jsonld")):
        Path(marks, str(os.getpid())).touch()
    real_copy(self, dirty)
File.copy_file = copy_file
if sys.argv[3] == "fails":
    workers._background = lambda task: os._exit(3)
site = sys.argv[1]
assert cli.main(["build", "--content", {str(CONTENT)!r}, "--site-dir", site, "--jobs", sys.argv[2]]) == 0
pids = {{int(name) for name in os.listdir(marks)}}
print(len(pids), os.getpid() in pids)
"""

# The parent leaves its collector off while results come back; the workers and the parent keep it as it was.
COLLECTOR = """
import gc
from generator import workers
workers.PARALLEL_FROM = 1
def task(item):
    return gc.isenabled(), [[item]]  # a list per result: what the collector would walk
for enabled in (True, False):
    (gc.enable if enabled else gc.disable)()
    found = workers.shared(task, list(range(8)), 2)
    assert {on for on, _ in found} == {enabled} and gc.isenabled() is enabled, (enabled, found)
    assert gc.get_freeze_count() == 0  # unfrozen on leaving: nothing was frozen before
    assert gc.get_count()[0] < 100, gc.get_count()  # the results went to the oldest generation
print("ok")
"""

# Results come back in shares of at most SHARE_MAX items, in the items' order.
SHARES = """
from generator import workers
workers.PARALLEL_FROM, workers.SHARE_MAX = 1, 3
real = workers._run
def _run(share):
    return [(len(share), result) for result in real(share)]
workers._run = _run
found = workers.shared(lambda item: item * 2, list(range(50)), 2)
assert [result for _, result in found] == [item * 2 for item in range(50)], found
assert {size for size, _ in found} == {2, 3}, found  # 17 shares: 50 items cut as evenly as they go
print("ok")
"""

# A process that froze its objects for good (the CLI's build) keeps them frozen, without counting them first.
FROZEN_FOR_GOOD = """
import gc
from generator import workers
workers.PARALLEL_FROM = 1
count = gc.get_freeze_count
workers.freeze_for_good()
def counted():
    raise AssertionError("the frozen objects were counted")
gc.get_freeze_count = counted
assert workers.shared(lambda item: [item], list(range(8)), 2) == [[item] for item in range(8)]
assert count() > 0 and gc.isenabled()
print("ok")
"""


def run(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_shared_rendering_makes_the_same_pages_in_the_same_order():
    assert int(run(SAME_PAGES)) >= 6


def test_files_read_in_workers_make_the_same_catalogue_and_problems():
    if not (CORPUS / "api.gouv.fr-2022-09" / "_data").is_dir():
        pytest.skip("the 2022 corpus is absent")
    apis, problems = map(int, run(SAME_CATALOGUE).split())
    assert apis > 100 and problems > 10


def test_a_page_that_fails_in_a_worker_is_named_by_its_file():
    message = run(ERROR_FROM_A_WORKER)
    assert message.endswith("api-statut-etudiant-boursier.md:1: la page n'a pas pu être produite (ValueError)")


def test_the_theme_lays_out_our_pages_in_workers_and_the_site_is_the_same(tmp_path):
    # MkDocs' loop lays out the site's own page (a-propos.md) and the page whose layout warned in a worker.
    assert run(THEMED_IN_WORKERS, str(tmp_path / "shared"), "2") == "2 False a-propos.md les-api/index.md"
    workers_, parent, laid_out = run(THEMED_IN_WORKERS, str(tmp_path / "alone"), "1").split(" ", 2)
    assert (workers_, parent, len(laid_out.split())) == ("0", "False", 14)
    assert not _differences(filecmp.dircmp(tmp_path / "alone", tmp_path / "shared"))


def test_a_forked_process_writes_the_export_files_and_the_site_is_the_same(tmp_path):
    assert run(EXPORTS_MEANWHILE, str(tmp_path / "meanwhile"), "2", "works") == "1 False"
    assert run(EXPORTS_MEANWHILE, str(tmp_path / "writer-failed"), "2", "fails") == "1 True"
    assert run(EXPORTS_MEANWHILE, str(tmp_path / "alone"), "1", "works") == "1 True"
    assert (tmp_path / "meanwhile" / "les-api" / "api-statut-etudiant" / "scopes.json").is_file()
    for other in ("writer-failed", "alone"):
        assert not _differences(filecmp.dircmp(tmp_path / "meanwhile", tmp_path / other)), other


def test_pages_stay_in_mkdocs_loop_when_another_plugin_could_keep_something_from_each():
    assert plugin._only_known_plugins(SimpleNamespace(plugins={"material/search": 0, "api-catalogue": 0}))
    assert not plugin._only_known_plugins(
        SimpleNamespace(plugins={"search": 0, "api-catalogue": 0, "material/tags": 0})
    )


def test_workers_collect_as_the_parent_did_and_its_results_skip_the_young_generations():
    assert run(COLLECTOR) == "ok"


def test_results_come_back_in_bounded_shares_in_order():
    assert run(SHARES) == "ok"


def test_a_process_frozen_for_good_stays_frozen_without_a_count():
    assert run(FROZEN_FOR_GOOD) == "ok"


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not workers.can_fork()
    finally:
        stop.set()
        other.join()


# The search plugin parsing every page itself, as without generator/search.py.
UNAIDED = """
import sys
from generator import cli, search
search.MaterialSearch.of = classmethod(lambda cls, config: None)
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_the_corpus_site_is_the_same_with_two_processes(tmp_path):
    """Also the same search index as the search plugin makes when it parses each page itself."""
    corpus = CORPUS / "api.gouv.fr-2026-01" / "_data"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} is absent")
    sites = {}
    for jobs, start in ((1, ["-c", UNAIDED]), (2, ["-m", "generator"])):
        sites[jobs] = tmp_path / f"site-{jobs}"
        command = [sys.executable, *start, "build", "--content", str(corpus), "--jobs", str(jobs)]
        done = subprocess.run([*command, "--site-dir", str(sites[jobs])], capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 0, done.stderr
    assert sum(1 for _ in sites[1].rglob("index.html")) > 200
    assert not _differences(filecmp.dircmp(sites[1], sites[2]))


def _differences(compared: filecmp.dircmp) -> list[str]:
    found = [*compared.left_only, *compared.right_only, *compared.diff_files, *compared.funny_files]
    for sub in compared.subdirs.values():
        found += _differences(sub)
    return found


def test_the_cli_offers_jobs(capsys):
    from generator import cli

    for command in ("build", "check"):
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        assert "--jobs" in capsys.readouterr().out, command
