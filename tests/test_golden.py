"""Golden cases: Markdown with custom tags in, sanitised HTML fragment out.

Set UPDATE_GOLDEN=1 to rewrite tests/golden/components.yml after an intended change, then read the diff.
"""

import os
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from generator import components, pages
from generator.model import Catalogue
from generator.problems import Problems
from generator.trees import load_trees

from conftest import CONTENT

GOLDEN = Path(__file__).parent / "golden" / "components.yml"
CASES = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))


def render(markdown: str):
    problems = Problems()
    trees = load_trees(sorted((CONTENT / "question-trees").glob("*.yml")), problems)
    context = components.Context(trees=trees)
    markup = components.parse(markdown, Path("golden.md"), 1, problems, context)
    catalogue = Catalogue({"api-statut-etudiant": None}, {}, trees, [])
    route = SimpleNamespace(href="https://datapass.api.gouv.fr/fallback")
    api = SimpleNamespace(access=SimpleNamespace(route=route), is_france_connected=0)
    renderer = pages.Renderer(pages.environment(), catalogue, 2, api)
    return renderer.markup(markup), [p.message for p in problems.items]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden(case):
    html, warnings = render(case["markdown"])
    if os.environ.get("UPDATE_GOLDEN"):
        case["html"], case["warnings"] = html, warnings
        return
    assert warnings == case["warnings"]
    assert html == case["html"]


def teardown_module():
    if os.environ.get("UPDATE_GOLDEN"):

        class Dumper(yaml.SafeDumper):
            pass

        Dumper.add_representer(
            str, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style="|" if "\n" in v else None)
        )
        GOLDEN.write_text(
            yaml.dump(CASES, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8"
        )
