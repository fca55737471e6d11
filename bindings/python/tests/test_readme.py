"""The Python snippet of the README runs, from the repository root, as written."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT


def test_readme_python_snippet(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("polars")
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert len(blocks) == 1
    monkeypatch.chdir(ROOT)
    exec(compile(blocks[0], "README.md", "exec"), {})
    assert "case_file_rate" in capsys.readouterr().out


def test_module_docstring_example() -> None:
    import doctest

    import famplan

    failures, tried = doctest.testmod(famplan, raise_on_error=False)
    assert (failures, tried) == (0, 4)
