"""Settings of the metric definitions, read from one TOML file with the documented defaults."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from datetime import time
from pathlib import Path

DEFAULT_SETTINGS_FILE = Path(__file__).with_name("settings.toml")
# The attribution windows the channels page offers besides the settings' own. The derivation
# sums the whole book's collection recoveries per month for each of them (recovery_windows,
# 84_action_marts.sql), so that choosing one costs no scan of the payments.
WINDOW_CHOICES = (3, 7, 14, 30)


@dataclass(frozen=True)
class Settings:
    write_off_after_dpd: int = 180
    paid_tolerance: float = 0.01
    bucket_edges: tuple[int, ...] = (30, 60, 90, 120, 150, 180)
    attribution_window_days: int = 7
    contact_hours: tuple[str, str] = ("08:00", "22:00")
    connected_call_cap: int = 3
    dial_cap: int = 6
    min_segment_size: int = 30
    vintage_thresholds: tuple[int, ...] = (1, 7, 15, 30, 60, 90)
    max_segment_values: int = 60

    def __post_init__(self) -> None:
        if len(self.bucket_edges) != 6 or list(self.bucket_edges) != sorted(self.bucket_edges):
            raise ValueError("bucket_edges must be six increasing DPD edges (M1..M6)")
        if self.write_off_after_dpd < self.bucket_edges[-1]:
            raise ValueError("write_off_after_dpd must be at least the last bucket edge")

    @property
    def contact_start(self) -> time:
        return time.fromisoformat(self.contact_hours[0])

    @property
    def contact_end(self) -> time:
        return time.fromisoformat(self.contact_hours[1])

    @property
    def recovery_windows(self) -> list[int]:
        """The attribution windows with whole-book recovery sums: the choices and the setting."""
        return sorted({*WINDOW_CHOICES, self.attribution_window_days})

    def as_params(self) -> dict[str, object]:
        """The settings as bound SQL parameters (names as in the .sql files)."""
        edges = list(self.bucket_edges)
        return {
            "write_off_after_dpd": self.write_off_after_dpd,
            "paid_tolerance": self.paid_tolerance,
            "bucket_edges": edges,
            "attribution_window_days": self.attribution_window_days,
            "recovery_windows": self.recovery_windows,
            "contact_start": self.contact_start,
            "contact_end": self.contact_end,
            "connected_call_cap": self.connected_call_cap,
            "dial_cap": self.dial_cap,
        }


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Read settings from `path`, $LEDGER_SETTINGS, or the packaged defaults (in that order)."""
    chosen = Path(path or os.environ.get("LEDGER_SETTINGS") or DEFAULT_SETTINGS_FILE)
    with chosen.open("rb") as fh:
        raw = tomllib.load(fh)
    known = {f.name for f in fields(Settings)}
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"{chosen}: unknown settings {sorted(unknown)}; known: {sorted(known)}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    return Settings(**values)
