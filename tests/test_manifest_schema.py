"""Every manifest vanban writes follows the one published schema (docs/manifest.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pipeline import api, manifest
from pipeline.batch import BatchOptions
from tests.batch_helpers import CODE, NAME, example_rows, make_batch
from tests.conftest import INPUTS, ROOT

SCHEMA = json.loads((ROOT / "docs" / "manifest.schema.json").read_text(encoding="utf-8"))


def _validate(path: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(SCHEMA).validate(found)
    return found


def test_the_schema_is_a_valid_json_schema_of_this_version() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["manifest_version"] == {"const": manifest.SCHEMA_VERSION}


def test_every_manifest_make_build_writes_follows_the_schema(tmp_path: Path) -> None:
    # `make build` is `vanban build inputs -o build`: documents, periods, batches.
    report = api.build(INPUTS, tmp_path / "build")
    written = sorted((tmp_path / "build").rglob("manifest.json"))
    assert len(written) == 1 + len(report.batches)
    kinds = {}
    for path in written:
        found = _validate(path)
        kinds[found["kind"]] = found
        for entry in found["documents"]:  # every file an entry names is as recorded
            for item in (entry["output"], *entry.get("distribution_list", ())):
                assert manifest.sha256_of(path.parent / item["path"]) == item["sha256"]
    build = kinds["build"]
    periods = [e for e in build["documents"] if "period" in e]
    documents = [e for e in build["documents"] if "period" not in e]
    assert {e["output"]["path"] for e in documents} == {
        f"{p.stem}.docx" for p in INPUTS.glob("*.yaml")
    }
    assert all(len(e["distribution_list"]) == 2 for e in documents)
    # Periods and documents: one shape; a commune's report names its commune.
    assert any(e.get("commune", {}).get("name") == "xã Phú Đình" for e in periods)
    assert "periods/2026-H2/xa/xa-phu-dinh.docx" in {e["output"]["path"] for e in periods}
    batch = kinds["batch"]
    assert batch["complete"] is True and batch["failed"] == []
    assert {e["commune"]["code"] for e in batch["documents"]} == {
        row[CODE] for row in example_rows()[1:]
    }


def test_a_batch_manifest_with_failures_follows_the_schema(tmp_path: Path) -> None:
    rows = example_rows()[:5]
    rows[2][NAME] = ""
    spec = make_batch(tmp_path / "in", rows)
    report = api.build_batch(spec, tmp_path / "out", options=BatchOptions(jobs=1, check=False))
    assert report.manifest is not None
    found = _validate(report.manifest)
    assert [f["row"] for f in found["failed"]] == [3]
    assert len(found["documents"]) == 3


def test_the_schema_rejects_the_old_shapes() -> None:
    old_batch_entry = {
        "code": "05449",
        "name": "xã Phú Đình",
        "row": 2,
        "input_sha256": "0" * 64,
        "template_sha256": "0" * 64,
        "output": {"path": "xa-phu-dinh.docx", "sha256": "0" * 64},
    }
    document = manifest.document("build", [old_batch_entry])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate(document)
