"""Where the golden ledger lives and how to read its expected figures (never copied into tests)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def golden_dir() -> Path:
    """shared/golden beside the checkout (../shared/golden), or $GOLDEN_DIR."""
    if os.environ.get("GOLDEN_DIR"):
        return Path(os.environ["GOLDEN_DIR"])
    for base in (REPO.parent, REPO.parent.parent):
        candidate = base / "shared" / "golden"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("shared/golden not found beside the checkout; set GOLDEN_DIR")


def expected() -> dict[str, Any]:
    return json.loads((golden_dir() / "expected.json").read_text(encoding="utf-8"))
