"""Write ``rules.json`` from ``rules.yaml``: ``python -m pipeline.profiles``."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.profiles import rules_from_yaml

if __name__ == "__main__":
    target = Path(__file__).with_name("rules.json")
    text = json.dumps(rules_from_yaml(), ensure_ascii=False, indent=1, sort_keys=True)
    target.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {target}")
