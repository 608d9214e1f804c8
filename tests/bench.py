"""`make bench`: build times, overhead over bare mkdocs-material, and page weights in Chromium.

Numbers from one run on a noisy machine: compare the ratios, not the seconds.
Run with --scale to add 1 000 and 10 000 synthetic APIs made from the seed.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generator import cli, model, pages
from generator.problems import Problems

from conftest import CHROMIUM, CONTENT, CORPUS, ROOT, serve

PY = sys.executable


class Timing(NamedTuple):
    wall: float
    cpu: float  # user and system time of the command and the processes it waited for (our workers)


def timed(command: list[str]) -> Timing:
    before, start = _children_cpu(), time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return Timing(time.perf_counter() - start, _children_cpu() - before)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build_ours(content: Path, site: Path) -> tuple[Timing, int]:
    return timed(ours_command(content, site)), sum(1 for _ in site.rglob("index.html"))


def bare_markdown(content: Path, docs: Path) -> model.Catalogue:
    """The same Markdown our pages are made of, as plain MkDocs pages at the same paths; returns the catalogue."""
    catalogue = model.load(content, Problems())
    shutil.copytree(ROOT / "content" / "pages", docs)
    for page in pages.pages(catalogue, jobs=cli._processors()):
        path = docs / page.src
        path.parent.mkdir(parents=True, exist_ok=True)
        slug = page.src.split("/")[1]
        api = catalogue.apis.get(slug)
        if page.kind == "api":
            text = api.body.text
        elif page.kind == "access":
            text = "\n\n".join(audience.text.text for audience in api.access.audiences)
        elif page.kind == "producer":
            text = catalogue.producers[slug].short
        else:
            text = ""
        path.write_text(f"# {page.title}\n\n{text}\n", encoding="utf-8")
    return catalogue


def _nav(entries: list) -> list:
    """Our navigation in mkdocs.yml's form: bare Material gets the same bounded nav, not one listing every page."""
    return [{entry[0]: _nav(entry[1])} if isinstance(entry, tuple) else entry for entry in entries]


def build_bare(content: Path, work: Path) -> tuple[Timing, int]:
    command = bare_command(content, work)
    return timed(command), sum(1 for _ in (work / "site").rglob("index.html"))


def bare_command(content: Path, work: Path) -> list[str]:
    """`mkdocs build` of bare Material on the same Markdown, pages and navigation as ours."""
    docs = work / "docs"
    catalogue = bare_markdown(content, docs)
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "api-catalogue" in p)]
    config.update(docs_dir=str(docs), site_dir=str(work / "site"))
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    config["validation"] = {"nav": {"not_found": "info", "omitted_files": "info"}, "links": {"not_found": "info"}}
    own = sorted(
        str(path.relative_to(ROOT / "content" / "pages")) for path in (ROOT / "content" / "pages").rglob("*.md")
    )
    config["nav"] = own + _nav(pages.navigation(catalogue))
    config_file = work / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return [str(Path(PY).parent / "mkdocs"), "build", "-q", "-f", str(config_file)]


def ours_command(content: Path, site: Path, jobs: int | None = None) -> list[str]:
    command = [PY, "-m", "generator", "build", "--content", str(content), "--site-dir", str(site)]
    return command + (["--jobs", str(jobs)] if jobs else [])


def interleaved(commands: dict[str, list[str]], rounds: int = 5) -> dict[str, list[float]]:
    """`rounds` runs of each, taken in turn. This machine's speed drifts by a third within a minute: builds
    compare fairly only with the runs beside them, so ratios are taken round by round."""
    times = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            times[name].append(timed(command).wall)
    return times


OURS = ("/assets/api-catalogue/", "/assets/stylesheets/site.css")  # the rest: the theme and its search index


def weights(site: Path, paths: list[str]) -> list[tuple[str, dict]]:
    from playwright.sync_api import sync_playwright

    srv = serve(site)
    base = f"http://127.0.0.1:{srv.server_address[1]}/"
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        for path in paths:
            page = browser.new_page()
            sizes = {"HTML": 0, "CSS": 0, "JS": 0, "other": 0, "gzip": 0, "ours": 0}
            kinds = {"document": "HTML", "stylesheet": "CSS", "script": "JS"}

            def on_response(response, kinds=kinds, sizes=sizes):
                try:
                    body = response.body()
                except Exception:
                    return
                kind = kinds.get(response.request.resource_type, "other")
                if response.url.endswith(".js"):
                    kind = "JS"
                sizes[kind] += len(body)
                if kind == "HTML" or any(mark in response.url for mark in OURS):
                    sizes["ours"] += len(body)
                sizes["gzip"] += len(gzip.compress(body, 6))  # what a static host that compresses sends

            page.on("response", on_response)
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.close()
            out.append((path, sizes))
        browser.close()
    srv.shutdown()
    return out


def synthetic(count: int, folder: Path) -> Path:
    content = folder / f"synthetic-{count}"
    (content / "api").mkdir(parents=True)
    shutil.copytree(CONTENT / "producteurs", content / "producteurs")
    shutil.copytree(CONTENT / "question-trees", content / "question-trees")
    text = (CONTENT / "api" / "api-statut-etudiant.md").read_text(encoding="utf-8")
    for index in range(count):
        (content / "api" / f"api-{index:05d}.md").write_text(
            text.replace("title: API Statut Etudiant", f"title: API {index}"), encoding="utf-8"
        )
    (content / "api" / "api-statut-etudiant.md").write_text(text, encoding="utf-8")
    return content


HEAD = "---\ntitle: Lente\ntagline: t\nproducer: mesri\nis_open: 1\n---\n"
MB = 1_000_000


def _fill(paragraph: str, size: int = MB - 200) -> str:
    return HEAD + ("\n\n".join([paragraph] * (size // (len(paragraph) + 2))))


# Files just under 1 MB: the worst shapes that still pass the limits, and attacks that are refused.
SLOW_INPUTS = {
    "prose, 19 kB paragraphs (passes)": lambda: _fill(
        ("Un texte ordinaire, sans balisage particulier. " * 420)[:19_000]
    ),
    "prose + 4 999 markup characters (passes)": lambda: _fill(("Un texte ordinaire. " * 950)[:19_000]).replace(
        "---\n\n", "---\n\n" + "\n\n".join(["*a " * 330 + "[" * 99 + "<b>" * 70] * 5) + "\n\n", 1
    ),
    "`#` + 15 kB of spaces, many times": lambda: _fill("#" + " " * 15_000 + "x"),
    "`](` + 100 kB of spaces (refused)": lambda: HEAD + "[a](" + " " * 100_000,
    "`#` + 100 kB of spaces": lambda: HEAD + "#" + " " * 100_000,
    "thousands of code fences (refused)": lambda: HEAD + "```\n" * 200_000,
    "200 000 `[` (refused)": lambda: HEAD + "[" * 200_000,
    "deep HTML nesting": lambda: HEAD + "<details>" * 50_000 + "</details>" * 50_000,
    "alias bomb (refused)": lambda: HEAD.replace(
        "is_open: 1",
        "is_open: 1\na: &a [x,x,x,x,x,x,x,x,x,x]\n"
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(9)),
    ),
}


def slow_inputs(work: Path) -> None:
    print()
    print(row("slow input (1 MB file)", "check (s)", "check exit", "build (s)", "build exit"))
    print(row("---", "---:", "---:", "---:", "---:"))
    for name, make in SLOW_INPUTS.items():
        content = work / "slow" / "content"
        shutil.rmtree(content.parent, ignore_errors=True)
        shutil.copytree(CONTENT, content)
        (content / "api" / "lente.md").write_text(make()[:MB], encoding="utf-8")
        results = []
        for command in (["check"], ["build", "--site-dir", str(content.parent / "site")]):
            start = time.perf_counter()
            run = subprocess.run(
                [PY, "-m", "generator", *command, "--content", str(content)],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            results += [f"{time.perf_counter() - start:.2f}", run.returncode]
        print(row(name, *results))


def row(*cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def scale(work: Path, small: int = 1_000, large: int = 10_000) -> None:
    """`small` and `large` synthetic APIs, ours and bare mkdocs-material on the same pages, in one run. The small
    site is built before and after the large one: this machine's speed drifts within the hour, and the mean of
    both brackets the long build. Wall time and CPU time (all processes) are both given: each drifts its own way."""
    print()
    columns = ("ours (s)", "ours ms/page", "ours CPU ms/page", "bare (s)", "bare ms/page", "bare CPU ms/page")
    print(row("synthetic APIs", "pages", *columns, "overhead"))
    print(row(*["---:"] * (len(columns) + 3)))
    per_page: dict[int, list[tuple[Timing, Timing]]] = {}  # APIs → (ours, bare) a page, in run order
    for count in (small, large, small):
        content = synthetic(count, work)
        ours, built = build_ours(content, work / f"scale-{count}")
        shutil.rmtree(work / f"scale-{count}", ignore_errors=True)
        print(f"(ours, {count} APIs: {ours.wall:.1f} s; bare Material next)", file=sys.stderr, flush=True)
        bare, bare_built = build_bare(content, work / f"bare-{count}")
        shutil.rmtree(work / f"bare-{count}", ignore_errors=True)
        shutil.rmtree(content, ignore_errors=True)
        ours_page, bare_page = Timing(*(t / built for t in ours)), Timing(*(t / bare_built for t in bare))
        per_page.setdefault(count, []).append((ours_page, bare_page))
        print(
            row(
                count,
                built,
                f"{ours.wall:.1f}",
                *(f"{1000 * t:.2f}" for t in ours_page),
                f"{bare.wall:.1f}",
                *(f"{1000 * t:.2f}" for t in bare_page),
                f"{ours.wall / bare.wall:.2f}×",
            )
        )
    print(f"\nper-page cost, {large} APIs against {small} (the mean of the runs before and after):")
    (ours_large, bare_large), before_and_after = per_page[large][0], per_page[small]
    for kind in Timing._fields:
        ours_small, bare_small = (statistics.mean(getattr(run[i], kind) for run in before_and_after) for i in (0, 1))
        ours_ratio, bare_ratio = getattr(ours_large, kind) / ours_small, getattr(bare_large, kind) / bare_small
        print(
            f"- {kind}: ours {ours_ratio:.2f}×, bare Material {bare_ratio:.2f}×;"
            f" ours over bare's, the machine's drift taken out: {ours_ratio / bare_ratio:.2f}×"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", action="store_true", help="also build 1 000 and 10 000 synthetic APIs")
    parser.add_argument("--slow-inputs", action="store_true", help="only the slow-inputs table")
    parser.add_argument("--scale-only", action="store_true", help="only the synthetic-scale table")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    # Compiled like an installed package (pip compiles; the editable install here may run with
    # PYTHONDONTWRITEBYTECODE), as the theme and MkDocs are.
    compileall.compile_dir(ROOT / "generator", quiet=1)
    if args.slow_inputs:
        slow_inputs(work)
        return
    if args.scale_only:
        scale(work)
        return
    print(
        f"ours: `api-catalogue build`, --jobs {cli._processors()} (the processors here) unless said; bare: one process\n"
    )
    header = ["build (median of 5, in turn)", "pages", "ours (s)", "ours, --jobs 1 (s)", "bare Material (s)"]
    print(row(*header, "overhead (--jobs 1)"))
    print(row("---", "---:", "---:", "---:", "---:", "---:"))
    targets = [("seed site (content/)", CONTENT)]
    corpus = CORPUS / "api.gouv.fr-2026-01" / "_data"
    if corpus.is_dir():
        targets.append(("corpus 2026-01", corpus))
    for name, content in targets:
        key = name.split()[0] + str(len(name))
        commands = {
            "ours": ours_command(content, work / f"{key}-site"),
            "alone": ours_command(content, work / f"{key}-alone", jobs=1),
            "bare": bare_command(content, work / f"{key}-bare"),
        }
        times = interleaved(commands)
        count = sum(1 for _ in (work / f"{key}-site").rglob("index.html"))
        bare_count = sum(1 for _ in (work / f"{key}-bare" / "site").rglob("index.html"))
        ours, alone, bare = (statistics.median(times[name]) for name in ("ours", "alone", "bare"))
        ratio = statistics.median(o / b for o, b in zip(times["ours"], times["bare"]))
        alone_ratio = statistics.median(a / b for a, b in zip(times["alone"], times["bare"]))
        cells = [
            f"{ours:.2f}",
            f"{alone:.2f}",
            f"{bare:.2f} ({bare_count} pages)",
            f"{ratio:.2f}× ({alone_ratio:.2f}×)",
        ]
        print(row(name, count, *cells))

    # The seed's pages, then one page of the 2026 catalogue: what a page weighs must not grow with the site.
    seed = next(work.glob("seed*-site"))
    corpus_site = next(work.glob("corpus*-site"), None)
    print()
    print(row("page", "HTML", "CSS", "JS", "other", "total (kB)", "gzipped (kB)", "ours (kB)"))
    print(row("---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"))
    measured = [
        (seed, "seed", "les-api/api-statut-etudiant/"),
        (seed, "seed", "les-api/api-statut-etudiant/demande-acces/"),
        (seed, "seed", "les-api/api-statut-etudiant/scopes/"),
    ]
    if corpus_site:
        measured.append((corpus_site, "corpus 2026-01", "les-api/api-statut-etudiant/"))
    # One browser per site, not per page.
    by_site = {
        site: dict(weights(site, [path for s, _, path in measured if s == site])) for site in {m[0] for m in measured}
    }
    for site, label, path in measured:
        sizes = by_site[site][path]
        total = sum(sizes[k] for k in ("HTML", "CSS", "JS", "other"))
        print(
            row(
                f"{path} ({label})",
                *(f"{sizes[k] / 1000:.1f}" for k in ("HTML", "CSS", "JS", "other")),
                f"{total / 1000:.1f}",
                f"{sizes['gzip'] / 1000:.1f}",
                f"{sizes['ours'] / 1000:.1f}",
            )
        )
    index = (seed / "search" / "search_index.json").stat().st_size
    print(f"\nsearch index, loaded when a visitor first searches: {index / 1000:.1f} kB (seed site)", end="")
    if corpus_site:
        print(f", {(corpus_site / 'search' / 'search_index.json').stat().st_size / 1000:.1f} kB (corpus 2026-01)")
    else:
        print()
    widget = ROOT / "generator/assets/javascripts/scopes.js"
    served = seed / "assets/api-catalogue/javascripts/scopes.js"
    print(
        f"scope chooser widget: scopes.js = {widget.stat().st_size / 1000:.1f} kB as written, "
        f"{served.stat().st_size / 1000:.1f} kB as served (minified)"
    )
    slow_inputs(work)

    if args.scale:
        scale(work)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
