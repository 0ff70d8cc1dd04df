"""``graph-cnn legacy --diff``: old programs' saved outputs against a new run, on notebooks and
scripts of our own with differences made on purpose."""

import base64
import importlib.metadata
import io
import json
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest
from conftest import run_cli

from graph_cnn.legacy import diff, printed

NOTEBOOKS = Path(__file__).parent / "notebooks"


def test_a_line_is_its_template_and_its_numbers_with_timings_and_addresses_left_out():
    line = printed.read_line("Accuracy on Test-Set: 98.7% (9870 / 10000)")
    assert line.template == "Accuracy on Test-Set: #% (# / #)"
    assert [(f.value, f.scale, f.n) for f in line.figures] == [
        (98.7, 100.0, 10000), (9870, 10000, 10000), (10000, 1.0, None)]
    line = printed.read_line("60000/60000 [==========] - 5s 84us/step - loss: 0.2012 - acc: 0.9412")
    assert [f.text for f in line.figures] == ["0.2012", "0.9412"]
    assert [kind for kind, _ in line.left_out] == ["counter", "timing", "timing"]
    line = printed.read_line("2017-05-01 12:00:01 <tf.Variable 'conv2d_1/kernel:0' at 0x7f3a2b>")
    assert [kind for kind, _ in line.left_out] == ["date", "address"]
    assert [f.text for f in line.figures] == ["0"]  # conv2d_1 is a name, not a figure
    assert printed.read_line("Time usage: 0:00:14").left_out == [("timing", "0:00:14")]
    line = printed.read_line("Saving checkpoints for 1 into /tmp/tmpu7vjLA/model.ckpt.")
    assert line.left_out == [("temporary path", "/tmp/tmpu7vjLA")]
    # NumPy 2's scalar reprs are read as NumPy 1 printed them
    assert printed.read_line("{'acc': np.float32(0.91), 'step': np.int64(7), 'ok': np.True_}") \
        .template == printed.read_line("{'acc': 0.9189, 'step': 1000, 'ok': True}").template
    # a NumPy array printed over lines is one line, compared element by element, whatever
    # its column widths
    wide, narrow = printed.read("[[ 0.1   12.5 ]\n [ 3.    -4.25]]"), printed.read("[[0.1 2.]\n [3. 4.]]")
    assert len(wide) == len(narrow) == 1 and wide[0].template == narrow[0].template
    assert [f.value for f in wide[0].figures] == [0.1, 12.5, 3.0, -4.25]
    assert [line.template for line in printed.read("{'accuracy': 0.9,\n 'loss': 0.33}")] == [
        "{'accuracy': #, 'loss': #}"]  # a dict IPython wrapped
    # TensorFlow's log records (on stdout in a kernel) are not the program's output
    logged = ("WARNING:tensorflow:From x.py:3: softmax (from nn_ops) is deprecated.\n"
              "Instructions for updating:\n\nFuture versions will allow gradients to flow\n"
              "into the labels.\n\nSee `tf.nn.softmax_v2`.\n\nStep 1, loss 0.5\n"
              "WARNING:tensorflow:From y.py:9: to_int32 is deprecated.\n"
              "Instructions for updating:\nUse tf.cast instead.\nStep 2, loss 0.4\n")
    assert [line.text for line in printed.read(logged)] == ["Step 1, loss 0.5", "Step 2, loss 0.4"]
    # a progress bar redrawn with \r and backspaces is read as the terminal shows it
    assert [line.template for line in printed.read("step 1\rstep 2\ndone\b\bes\n")] == [
        "step #", "does"]


def _notebook(*outputs):
    cells = [nbformat.v4.new_code_cell("print(...)", outputs=[nbformat.v4.new_output(
        "stream", name="stdout", text=text)]) for text in outputs]
    return nbformat.v4.new_notebook(cells=cells)


SAVED = ("Epoch 1 loss 0.5123\nEpoch 2 loss 0.3011\nSaved model to /tmp/model.ckpt\n",
         "Test accuracy: 0.9870 (9870 / 10000)\ntook 12.31 s\n",
         "[[1 2 3]\n [4 5 6]]\n")
NOW = ("Epoch 1 loss 0.5123\nEpoch 2 loss 0.3500\n",  # one figure changed, one line missing
       "Test accuracy: 0.9871 (9871 / 10000)\ntook 3.02 s\n",  # within the binomial; a timing
       "[[1 2 3]\n [4 9 6]]\n")  # one array element changed


def test_known_differences_are_each_found_without_running_anything():
    saved = diff.notebook_blocks(_notebook(*SAVED))
    now = diff.notebook_blocks(_notebook(*NOW))
    rows, only_new, left_out = diff.compare_blocks(saved, [now])
    verdicts = {(r["where"], r["line"], r.get("figure")): r["verdict"] for r in rows}
    assert verdicts[("cell 1", 1, 2)] == "same"
    assert verdicts[("cell 1", 2, 2)] == "differs"
    assert verdicts[("cell 1", 3, None)] == "line only in the saved run"
    assert verdicts[("cell 2", 1, 1)] == "reproduced"  # 0.9871 vs 0.9870 over 10000 examples
    assert verdicts[("cell 2", 1, 2)] == "reproduced"  # the count, on the same rule
    assert [(r["figure"], r["verdict"]) for r in rows if r["where"] == "cell 3"] == [
        (1, "same"), (2, "same"), (3, "same"), (4, "same"), (5, "differs"), (6, "same")]
    assert [item["kind"] for item in left_out] == ["timing"] and not only_new
    summary = diff.summary_line(rows, only_new, left_out, [], [])
    assert summary.startswith("11 of 13 printed figures reproduced; 2 differ; 1 line "
                              "(0 figures) only in the saved run")
    assert "1 timings, dates, addresses or counters left out" in summary
    # a line printed only now is counted apart
    _, only_new, _ = diff.compare_blocks(saved[:1], [diff.notebook_blocks(_notebook(
        SAVED[0] + "Done.\n"))])
    assert [line["text"] for line in only_new] == ["Done."]


def test_figures_are_judged_with_compares_rule_over_runs():
    figure = printed.read_line("loss 0.3000").figures[0]
    spread = diff._judge(figure, [0.29, 0.31, 0.30], ["0.29", "0.31", "0.30"], 3)
    assert spread["verdict"] == "reproduced" and spread["sd"] == pytest.approx(0.01)
    assert diff._judge(figure, [0.35, 0.36], ["0.35", "0.36"], 2)["verdict"] == "differs"
    one = diff._judge(figure, [0.3001], ["0.3001"], 1)
    assert one["verdict"] == "differs" and one["sd"] is None  # a loss: no spread, no binomial
    assert diff._now(one).endswith("(spread unknown)")
    partly = diff._judge(figure, [0.3], ["0.3000"], 2)  # the line was printed in one run of two
    assert partly["verdict"] == "reproduced" and diff._now(partly).endswith("(in 1 of 2 runs)")
    assert diff._judge(figure, [], [], 2)["verdict"] == "only in the saved run"


def _png(pixels):
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_plots_of_the_same_size_are_compared_pixel_by_pixel():
    rng = np.random.default_rng(0)
    picture = rng.integers(0, 255, (20, 30, 3))
    saved = diff.Block("cell 1", [], [_png(picture), _png(picture), _png(picture)])
    smooth = np.kron(rng.integers(0, 255, (10, 15, 3)), np.ones((2, 2, 1)))  # 20x30
    saved = diff.Block("cell 1", [], [_png(picture), _png(picture), _png(picture), _png(smooth)])
    now = diff.Block("cell 1", [], [_png(np.clip(picture + 2, 0, 255)), _png(255 - picture),
                                    _png(picture[:10]), _png(np.kron(smooth, np.ones((2, 2, 1))))])
    found = diff.compare_images([saved], [now])
    assert [i["verdict"] for i in found] == ["similar", "differs", "not compared", "similar"]
    assert "shapes differ (30x20 saved, 30x10 now)" in found[2]["why"]
    assert found[3]["resized_from"] == "60x40"  # drawn at twice the dpi


def test_seeds_are_read_from_the_program():
    blocks = [diff.Block("cell 2", [], source="tf.set_random_seed(1)\nnp.random.seed(0)")]
    assert diff.seeds_said(blocks) == (
        "seeds set: TensorFlow's (set_random_seed in cell 2), NumPy's (np.random.seed in cell 2); "
        "Python's random unseeded: drawn fresh in every run (a fresh kernel each)")
    said = diff.seeds_said([diff.Block("output", [], source="import random\nrandom.seed(3)")])
    assert said.startswith("seeds set: Python's random's (random.seed on line 2); TensorFlow and "
                           "NumPy unseeded")


SCRIPT = """import time
import numpy as np
import tensorflow as tf

print("TensorFlow", tf.__version__)
start = time.time()
x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
with tf.Session() as sess:
    flat = tf.contrib.layers.flatten
    product, loss = sess.run([tf.matmul(x, x), tf.losses.mean_squared_error(flat(x), flat(2 * x))])
    print("loss %.4f" % loss)
    print("accuracy %.2f (%d / %d)" % (3 / 4, 3, 4))
    print(product)
print("took %.2f s" % (time.time() - start))
"""
LOG = """TensorFlow 1.4.0
loss 7.6000
accuracy 0.75 (3 / 4)
Model saved in /tmp/model.ckpt
[[  7.  10.]
 [ 15.  99.]]
took 0.50 s
"""


def test_a_script_against_its_saved_log_from_the_command_line(tmp_path):
    script, log = tmp_path / "old.py", tmp_path / "run.log"
    script.write_text(SCRIPT)
    log.write_text(LOG)
    report_path, markdown_path = tmp_path / "report.json", tmp_path / "report.md"
    result = run_cli("legacy", "--diff", script, "--against", log, "--json", report_path,
                     "--markdown", markdown_path)
    assert result.returncode == 1, result.stderr[-2000:]  # something differs
    first = result.stdout.splitlines()[0]
    assert first == ("6 of 9 printed figures reproduced; 3 differ; 1 line (0 figures) only in "
                     "the saved run; 1 timings, dates, addresses or counters left out"), first
    report = json.loads(report_path.read_text())
    verdicts = [(r["saved"], r["verdict"]) for r in report["figures"] if "figure" in r]
    assert ("7.6000", "differs") in verdicts and ("99.", "differs") in verdicts  # loss is 7.5
    assert ("0.75", "same") in verdicts and ("15.", "same") in verdicts
    assert [e["emulated"] for e in report["evidence"]] == [["tf.contrib.layers.flatten"]]
    assert markdown_path.read_text().startswith("**6 of 9 printed figures reproduced")
    # the same log, corrected, reproduces: the helper for test suites passes
    version = importlib.metadata.version("tensorflow")
    log.write_text(LOG.replace("1.4.0", version).replace("7.6000", "7.5000").replace(
        "99.", "22.").replace("Model saved in /tmp/model.ckpt\n", ""))
    assert diff.assert_reproduces(script, against=log)["summary"].startswith(
        "9 of 9 printed figures reproduced; 0 differ")


def test_bad_input_is_one_line(tmp_path):
    script = tmp_path / "old.py"
    script.write_text("print(1)\n")
    result = run_cli("legacy", "--diff", script)
    assert result.returncode != 0
    assert "give what it printed then with --against LOG.txt" in result.stderr
    result = run_cli("legacy", "--runs", "3", script)
    assert result.returncode != 0 and "go with --diff" in result.stderr


def test_a_notebook_saved_by_an_older_run_of_its_code(tmp_path):
    # Its outputs were saved from a run with tf.set_random_seed(1); the code now says 2: the
    # step counters and the accuracy still agree, the losses and logits do not.
    notebook = tmp_path / "old.ipynb"
    shutil.copy(NOTEBOOKS / "tiny_tf1_older_run.ipynb", notebook)
    before = notebook.read_bytes()
    report = diff.diff(notebook)
    assert notebook.read_bytes() == before
    rows = {(r["where"], r["line"], r.get("figure")): r for r in report["figures"]}
    assert [rows[("cell 4", line, 1)]["verdict"] for line in (1, 2, 3)] == ["same"] * 3
    assert [rows[("cell 4", line, 2)]["verdict"] for line in (1, 2, 3)] == ["differs"] * 3
    assert rows[("cell 5", 1, 2)]["verdict"] == "same"  # 32 of 32 right either way
    assert sum(r["verdict"] == "differs" for r in report["figures"] if r["where"] == "cell 6") >= 4
    assert report["left_out"] == [{"where": "cell 4", "line": 4, "kind": "timing",
                                   "text": report["left_out"][0]["text"]}]
    assert "set_random_seed in cell 2" in report["seeds"]
    cell4 = next(e for e in report["evidence"] if e["where"] == "cell 4")
    assert cell4["emulated"] == [] and "tf.layers.dense" in cell4["earlier"]
    executed = nbformat.read(str(tmp_path / "old.executed.ipynb"), as_version=4)
    marks = [c for c in executed.cells if c.cell_type == "markdown" and "--diff" in c.source]
    assert len(marks) == 2 and "step #, loss #" in marks[0].source
    assert executed.cells[3].metadata["graph_cnn_diff"][0]["verdict"] == "differs"


def test_old_notebooks_as_pytest_tests(tmp_path):
    import subprocess
    import sys

    def cell(code, saved):
        return nbformat.v4.new_code_cell(code, outputs=[nbformat.v4.new_output(
            "stream", name="stdout", text=saved)] if saved else [])

    nbformat.write(nbformat.v4.new_notebook(cells=[cell("print('sum', 1 + 1)", "sum 2\n")]),
                   tmp_path / "still_right.ipynb")
    # now wrong in its first cell; its second raises, so the third, whose saved output the
    # runner would otherwise leave in place, printed nothing this time
    nbformat.write(nbformat.v4.new_notebook(cells=[
        cell("print('sum', 1 + 1)", "sum 3\n"), cell("raise ValueError('boom')", None),
        cell("print('sum', 2 + 2)", "sum 4\n")]), tmp_path / "now_wrong.ipynb")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
                           "graph_cnn.legacy.pytest_plugin", "--nbdiff", str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600, check=False)
    assert "1 failed, 1 passed" in done.stdout, done.stdout[-3000:] + done.stderr[-2000:]
    assert ("0 of 2 printed figures reproduced; 1 differ; 1 line (1 figures) only in the saved "
            "run; 1 line only in the new run; 1 run stopped with an error") in done.stdout
    assert "cell 1 `sum #`: saved 3, now 2 (spread unknown)" in done.stdout
    assert "run 1: cell 2: ValueError: boom" in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == [  # no scratch copy left behind
        "now_wrong.executed.ipynb", "now_wrong.ipynb", "still_right.executed.ipynb",
        "still_right.ipynb"]
