"""examples/python/analysis.py runs on the small snapshot and says what it found."""

from __future__ import annotations

import importlib.util
import pathlib

import pytest

from conftest import ROOT


def test_analysis_notebook(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("analysis", ROOT / "examples" / "python" / "analysis.py")
    assert spec is not None and spec.loader is not None
    analysis = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(analysis)
    png = tmp_path / "rates.png"
    assert analysis.main(["--out", str(png)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("7 persons, 4 households")
    assert "9 targets, 7 not met:" in out
    assert "1011 个案建档率        66.67%  target 100%" in out
    assert "case_file_rate in grid 1011: 1 to do" in out
    if importlib.util.find_spec("matplotlib") is not None:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert "no chart" in out
