"""What the browser builds the record form from: the models' JSON schema and the
Vietnamese labels of their fields (nothing here lists fields by hand)."""

from __future__ import annotations

from functools import cache
from typing import Any

from pipeline.models import LABELS, OfficialDocument
from pipeline.models.choices import CHOICE_LABELS


@cache
def form_schema() -> dict[str, Any]:
    """Return the JSON schema of an official-document record, the labels of its field
    names, the label of each model (by the name of its first required field) and the
    Vietnamese names of fixed values (``choices``: ``nha_nuoc`` → "Nhà nước")."""
    schema = OfficialDocument.model_json_schema()
    labels = dict(LABELS)
    models: dict[str, str] = {}
    for name, definition in schema.get("$defs", {}).items():
        required = definition.get("required") or list(definition.get("properties", {}))
        if required:
            models[name] = labels.get(required[0], required[0])
    return {"schema": schema, "labels": labels, "models": models, "choices": dict(CHOICE_LABELS)}
