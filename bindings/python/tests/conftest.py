"""Shared fixtures: the repository's test data, and the event-line format of the Rust tests."""

from __future__ import annotations

import datetime
import json
import pathlib
from typing import Any

import pytest

import famplan

ROOT = pathlib.Path(__file__).resolve().parents[3]
TESTDATA = ROOT / "testdata"
SMALL = TESTDATA / "snapshot" / "small"


def d(s: str) -> datetime.date:
    return datetime.date.fromisoformat(s)


def event_lines(text: str, prefix: str) -> list[dict[str, Any]]:
    """`YYYY-MM-DD kind {json}` lines (testdata/rates) as event dicts with ids `<prefix><n>`,
    exactly as `events()` in tests/it/rate.rs builds them."""
    out = []
    lines = [l.strip() for l in text.splitlines()]
    for i, line in enumerate(l for l in lines if l and not l.startswith("#")):
        date, kind, *rest = line.split(" ", 2)
        e = json.loads(rest[0]) if rest else {}
        e.update(id=f"{prefix}{i:03}", date=date, recorded_at=f"{date}T00:00:00", recorded_by="test", kind=kind)
        out.append(e)
    return out


@pytest.fixture
def example() -> famplan.Registry:
    return famplan.Registry.example()


@pytest.fixture
def small() -> famplan.Registry:
    return famplan.Registry.from_snapshot(SMALL, as_of=d("2026-06-30"))
