"""JSON Schema of the content format, generated from the same spec that validates it."""

from __future__ import annotations

import json
from pathlib import Path

from .trees import TREE


def api_schema() -> dict:
    from .model import API

    schema = API.schema()
    schema.update(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "api.schema.json",
            "title": "Fiche d'API (en-tête YAML)",
        }
    )
    return schema


def tree_schema() -> dict:
    schema = TREE.schema()
    schema.update(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "question-tree.schema.json",
            "title": "Arbre de questions",
        }
    )
    return schema


def write_schemas(folder) -> list:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, data in (("api.schema.json", api_schema()), ("question-tree.schema.json", tree_schema())):
        path = folder / name
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        out.append(path)
    return out
