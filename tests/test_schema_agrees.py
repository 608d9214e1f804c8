"""The shipped JSON Schema and `check` agree on allowed values: generated values, valid or not, are accepted or
refused by both (editors that read the schema say what `check` will say)."""

from __future__ import annotations

import copy

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import schema
from generator.problems import Problems
from generator.reading import read

from conftest import CONTENT

SEED = read(CONTENT / "api" / "api-statut-etudiant.md", Problems())
VALIDATOR = jsonschema.Draft202012Validator(schema.api_schema())
# (where in the front matter, the values the declaration allows)
ENUMS = {
    ("franceconnect", "versions", 0, "status"): ("current", "deprecated", "retired"),
    ("franceconnect", "versions", 0, "scopes", 0, "role"): ("mask", "population"),
    ("franceconnect", "versions", 0, "scopes", 1, "applies_to"): ("record", "entries"),
    ("notices", 0, "about"): ("access", "scopes", "other"),
    ("access", "audiences", 0, "eligible"): ("yes", "under_condition", "no"),
}


def _set(meta, where, value):
    node = meta
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = value


def _all(errors):
    """Errors with those under anyOf (an optional value is "this or null": the schema's reason is one level down)."""
    for error in errors:
        yield error
        yield from _all(error.context or [])


def _check_errors(meta, where, tmp_path) -> list[str]:
    import frontmatter

    from generator import model

    path = tmp_path / "api" / "api-statut-etudiant.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(frontmatter.dumps(frontmatter.Post(SEED.body, **meta)), encoding="utf-8")
    problems = Problems()
    model._api(read(path, problems), problems, model.components.Context())
    key = where[-1]
    return [p.message for p in problems.errors if f".{key}:" in p.message or p.message.startswith(f"{key}:")]


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(where=st.sampled_from(sorted(ENUMS, key=str)), data=st.data())
def test_schema_and_check_agree_on_allowed_values(tmp_path_factory, where, data):
    allowed = ENUMS[where]
    value = data.draw(
        st.one_of(st.sampled_from(allowed), st.text("abcdefghijklmnopqrstuvwxyz_-", min_size=1, max_size=12))
    )
    meta = copy.deepcopy(SEED.meta)
    if where[:3] == ("franceconnect", "versions", 0) and where[-1] == "status" and value != "current":
        meta["franceconnect"]["versions"][1]["status"] = "current"  # one current version, whatever v3 becomes
    _set(meta, where, value)
    schema_refuses = any(list(error.absolute_path) == list(where) for error in _all(VALIDATOR.iter_errors(meta)))
    check_refuses = bool(_check_errors(meta, where, tmp_path_factory.mktemp("enum")))
    assert schema_refuses == check_refuses == (value not in allowed), (where, value)
