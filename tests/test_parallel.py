"""The API pages shared among processes (`build --jobs`): the same site as one process makes, the same errors."""

from __future__ import annotations

import filecmp
import subprocess
import sys
import threading

import pytest

from generator import pages

from conftest import CONTENT, CORPUS, ROOT

# Run in a fresh interpreter: the test process may hold other threads (servers), where the build never forks.
SAME_PAGES = f"""
from pathlib import Path
from generator import model, pages
from generator.problems import Problems
pages.PARALLEL_FROM = 1
assert pages.can_fork()
catalogue = model.load(Path({str(CONTENT)!r}), Problems())
alone = pages.pages(catalogue, jobs=1)
shared = pages.pages(catalogue, jobs=2)
assert [(p.src, p.title, p.html, p.toc) for p in alone] == [(p.src, p.title, p.html, p.toc) for p in shared]
print(len(shared))
"""

ERROR_FROM_A_WORKER = f"""
import os
from pathlib import Path
from generator import model, pages
from generator.problems import Problems
pages.PARALLEL_FROM = 1
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


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_shared_rendering_makes_the_same_pages_in_the_same_order():
    assert int(run(SAME_PAGES)) >= 6


def test_a_page_that_fails_in_a_worker_is_named_by_its_file():
    message = run(ERROR_FROM_A_WORKER)
    assert message.endswith("api-statut-etudiant-boursier.md:1: la page n'a pas pu être produite (ValueError)")


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not pages.can_fork()
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

    with pytest.raises(SystemExit):
        cli.main(["build", "--help"])
    assert "--jobs" in capsys.readouterr().out
