"""``exercises new DIR --notebook``: the workspace as Jupyter notebooks, executed by nbclient
as a learner runs them: the reference solutions pass in every notebook's check cell, and a
planted mistake is named there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")

from numpy_seq2seq.exercises.catalog import EXERCISES  # noqa: E402
from numpy_seq2seq.exercises.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("exercise_notebooks")]


def execute(path: Path) -> str:
    """Run every cell of the notebook in a fresh kernel, from its folder; the text it printed."""
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    return "".join(
        out.get("text", "") for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
    )


@pytest.fixture
def kernel_imports_this_checkout(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))


def test_the_notebooks_hold_one_cell_per_function_and_a_check_cell(tmp_path):
    assert main(["new", str(tmp_path), "--notebook"]) == 0
    for e in EXERCISES:
        nb = json.loads((tmp_path / Path(e.filename).with_suffix(".ipynb")).read_text("utf-8"))
        tags = [c["metadata"]["tags"][0] for c in nb["cells"]]
        assert tags == ["about", "setup", "imports", *["exercise"] * len(e.functions), "check"]
        assert nbformat.validate(nbformat.reads(json.dumps(nb), as_version=4)) is None


def test_solved_notebooks_pass_in_their_check_cells(tmp_path, kernel_imports_this_checkout):
    assert main(["solve", str(tmp_path), "--notebook"]) == 0
    for e in EXERCISES:
        out = execute(tmp_path / Path(e.filename).with_suffix(".ipynb"))
        assert f"-> exercise {e.number} ({e.name}): PASS" in out, out
    assert main(["check", str(tmp_path)]) == 0  # the command line reads notebooks too


def test_a_mistake_planted_in_a_notebook_is_named_in_it(tmp_path, kernel_imports_this_checkout):
    assert main(["solve", str(tmp_path), "--notebook"]) == 0
    path = tmp_path / "ex5_bptt.ipynb"
    nb = json.loads(path.read_text("utf-8"))
    (cell,) = [c for c in nb["cells"] if c["metadata"]["tags"] == ["exercise"]]
    code = "".join(cell["source"])
    assert code.count("dh = dhs[:, t] + dh_next") == 1
    cell["source"] = code.replace("dh = dhs[:, t] + dh_next", "dh = dhs[:, t]").splitlines(True)
    path.write_text(json.dumps(nb), encoding="utf-8")
    out = execute(path)
    assert "Looks like the missing `+ dh_next`:" in out and "(bptt): FAIL" in out, out


def test_keras_notebooks_pass_solved_and_name_a_planted_mistake(
    tmp_path, kernel_imports_this_checkout
):
    """The Keras track as notebooks (``python -m reference_keras.exercises new DIR
    --notebook``), executed: solved, both check cells pass; with the state not carried, the
    mistake is named in the check cell."""
    pytest.importorskip("tensorflow")
    from reference_keras.exercises.track import main as keras_main

    assert keras_main(["solve", str(tmp_path), "--notebook"]) == 0
    for name in ("ex1_models", "ex2_predict"):
        out = execute(tmp_path / f"{name}.ipynb")
        assert f"({name.split('_')[1]}): PASS" in out, out
    path = tmp_path / "ex2_predict.ipynb"
    nb = json.loads(path.read_text("utf-8"))
    (cell,) = [c for c in nb["cells"] if c["metadata"]["tags"] == ["exercise"]]
    old = "y, *states = pred_d_model([y, *states], training=False)"
    new = "y, *new_states = pred_d_model([y, *states], training=False)"
    cell["source"] = "".join(cell["source"]).replace(old, new).splitlines(True)
    path.write_text(json.dumps(nb), encoding="utf-8")
    out = execute(path)
    assert "Looks like a state that is not carried between steps:" in out, out
