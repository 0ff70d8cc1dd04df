"""Notebook runs that stop: one line naming the cell as the notebook counts it, nothing of the
kernel's start-up on stderr, and an executed copy that never looks finished."""

import json
import os
import signal
import subprocess
import sys
import time

import nbformat
from conftest import ROOT


def _notebook(path, cells):
    """A notebook whose later cells carry the outputs of an older, finished run."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# an old notebook")])
    for count, source in enumerate(cells, start=1):
        nb.cells.append(nbformat.v4.new_code_cell(source, execution_count=count, outputs=[
            nbformat.v4.new_output("stream", name="stdout", text=f"old output {count}\n")]))
    nbformat.write(nb, path)


def _start(notebook):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.Popen([sys.executable, "-m", "graph_cnn", "legacy", str(notebook)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=ROOT)


def test_a_failing_cell_is_named_as_the_notebook_counts_it_and_later_cells_are_cleared(tmp_path):
    notebook = tmp_path / "old.ipynb"
    _notebook(notebook, ["import tensorflow as tf\nprint('ran', tf.__name__)",
                         "tf.contrib.timeseries.ARRegressor", "print('after')"])
    proc = _start(notebook)
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1
    # cell 3 is the notebook's third cell (the markdown cell is its first); nothing else on stderr
    assert err.splitlines() == [
        (f"{notebook}: cell 3 of 4 raised AttributeError: tf.contrib.timeseries is not "
        "provided by graph_cnn's TF1 layer; `graph-cnn legacy --check SCRIPT` lists every such "
        "name a script uses")], err
    assert "\x1b[" not in err
    cells = json.loads((tmp_path / "old.executed.ipynb").read_text())["cells"]
    assert [c.get("execution_count") for c in cells] == [None, 1, 2, None]  # no setup cell
    assert "".join(cells[1]["outputs"][0]["text"]).startswith("ran tensorflow")
    assert cells[3]["outputs"] == [] and "not run" in cells[3]["metadata"]["graph_cnn_legacy"]


def test_a_time_limit_stops_the_run_in_one_line_and_marks_what_did_not_run(tmp_path):
    notebook = tmp_path / "slow.ipynb"
    marker = tmp_path / "sleeping"
    _notebook(notebook, [f"import time\nopen({str(marker)!r}, 'w').close()\ntime.sleep(600)",
                         "print('never')"])
    proc = _start(notebook)
    deadline = time.monotonic() + 240
    while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)  # what timeout(1) sends
    sent = time.monotonic()
    _out, err = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 15
    assert proc.returncode == 143, err
    assert err.splitlines() == [(f"{notebook}: stopped by SIGTERM (a time limit such as "
                                "timeout(1), or kill) while cell 2 of 3 ran")]
    cells = json.loads((tmp_path / "slow.executed.ipynb").read_text())["cells"]
    assert "stopped in this cell" in cells[1]["metadata"]["graph_cnn_legacy"]
    assert cells[2]["outputs"] == [] and cells[2]["execution_count"] is None
    assert "not run" in cells[2]["metadata"]["graph_cnn_legacy"]

