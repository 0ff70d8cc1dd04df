"""TF1 scripts, written as they were in 2016-2017, run unchanged through ``graph-cnn legacy``."""

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, run_cli

SCRIPTS = Path(__file__).parent / "legacy_scripts"


def accuracy_of(stdout):
    return float(re.search(r"test accuracy ([0-9.]+)", stdout).group(1))


def test_softmax_tutorial_reaches_its_tf1_accuracy(mnist_dir):
    # TensorFlow 1's own beginners' tutorial gave "about 92%" for this script.
    result = run_cli("legacy", "--data-dir", mnist_dir, SCRIPTS / "mnist_softmax_2016.py",
                     "--steps", "1000")
    assert result.returncode == 0, result.stderr[-2000:]
    assert 0.90 <= accuracy_of(result.stdout) <= 0.935


def test_layers_script_with_batch_norm_trains_and_saves(tmp_path):
    # On TF 1.x a tf.layers CNN like this passes 97% test accuracy within 300 Adam steps.
    result = run_cli("legacy", SCRIPTS / "mnist_layers_2017.py", "--data_dir",
                     tmp_path / "MNIST_data", "--max_steps", "300", "--train_dir", tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert accuracy_of(result.stdout) >= 0.97
    assert (tmp_path / "model.ckpt.index").exists()
    assert list(tmp_path.glob("events.out.tfevents.*"))


def test_fetch_mldata_contrib_and_exit_codes(tmp_path):
    script = tmp_path / "old.py"
    script.write_text(
        "import sys\n"
        "import tensorflow as tf\n"
        "import tensorflow.compat.v1 as tf1\n"
        "from tensorflow.contrib.layers import fully_connected\n"
        "from sklearn.datasets import fetch_mldata\n"
        "mnist = fetch_mldata('MNIST original')\n"
        "X = tf.placeholder(tf.float32, [None, 784])\n"
        "out = fully_connected(X, 10)\n"
        "print(mnist.data.shape, mnist.target.dtype, out.shape, tf1 is tf, sys.argv[1:])\n"
        "sys.exit(3)\n")
    result = run_cli("legacy", script, "--flag", "value")
    assert result.returncode == 3, result.stderr[-2000:]
    assert "(70000, 784) float64 (?, 10) True ['--flag', 'value']" in result.stdout


def test_python_dash_m_entry_and_missing_script(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "graph_cnn.legacy", str(tmp_path / "x.py")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        (f"graph-cnn: error: {tmp_path / 'x.py'}: no such script; give the path of a TF1 Python "
        "script or notebook")]


def _stderr_lines(result):
    """stderr without TensorFlow's own start-up log lines."""
    return [line for line in result.stderr.splitlines()
            if not re.match(r"^([IWE]\d{4} |WARNING: All log messages|WARNING:tensorflow|"
                            r"Instructions for updating|INFO:tensorflow|W\d{4})", line)]


def test_estimator_script_with_contrib_learn_data_trains_and_resumes(tmp_path):
    # TF 1.x's layers tutorial (tf.estimator CNN) reached about 97% within a few hundred steps.
    first = run_cli("legacy", SCRIPTS / "mnist_estimator_2018.py", "--steps", "150",
                    "--model_dir", tmp_path / "model")
    assert first.returncode == 0, first.stderr[-2000:]
    assert accuracy_of(first.stdout) >= 0.93
    assert (tmp_path / "model" / "model.ckpt-150.index").exists()
    again = run_cli("legacy", SCRIPTS / "mnist_estimator_2018.py", "--steps", "50",
                    "--model_dir", tmp_path / "model")  # train(steps=50) continues from 150
    assert again.returncode == 0, again.stderr[-2000:]
    assert (tmp_path / "model" / "model.ckpt-200.index").exists()


def test_slim_rnn_and_queue_script_trains_both_models(tmp_path):
    # 300 joint Adam steps: TF 1.x gave about 0.9 for the row LSTM and 0.96 for the small CNN.
    result = run_cli("legacy", SCRIPTS / "mnist_slim_rnn_2017.py", "300")
    assert result.returncode == 0, result.stderr[-2000:]
    lstm = float(re.search(r"lstm test accuracy ([0-9.]+)", result.stdout).group(1))
    cnn = float(re.search(r"cnn test accuracy ([0-9.]+)", result.stdout).group(1))
    assert lstm >= 0.85 and cnn >= 0.93, result.stdout


def test_notebook_runs_in_a_real_kernel_and_is_written_beside_it(tmp_path):
    import json
    import shutil

    notebook = tmp_path / "mnist_softmax_2017.ipynb"
    shutil.copy(SCRIPTS / notebook.name, notebook)
    before = notebook.read_bytes()
    result = run_cli("legacy", notebook)
    assert result.returncode == 0, result.stderr[-3000:]
    assert notebook.read_bytes() == before  # the user's notebook is never changed
    executed = json.loads((tmp_path / "mnist_softmax_2017.executed.ipynb").read_text())
    assert [c["source"] for c in executed["cells"]] == [
        c["source"] for c in json.loads(before)["cells"]]
    def text_of(output):
        text = output.get("text", "")
        return "".join(text) if isinstance(text, list) else text

    text = "".join(text_of(o) for c in executed["cells"] for o in c.get("outputs", ()))
    assert 0.85 <= accuracy_of(text) <= 0.93  # 300 SGD steps of softmax regression
    # np.float / np.int and canvas.set_window_title came back, each said once
    errors = "".join(text_of(o) for c in executed["cells"] for o in c.get("outputs", ())
                     if o.get("name") == "stderr")
    assert errors.count("np.float (removed in NumPy 1.24)") == 1
    assert errors.count("set_window_title (removed in matplotlib 3.6)") == 1


def test_load_ext_turns_the_layer_on_in_an_open_kernel(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("%load_ext graph_cnn.legacy"),
        nbformat.v4.new_code_cell("import tensorflow as tf\nfrom tensorflow.contrib import slim\n"
                                  "print(tf.executing_eagerly(), slim.conv2d.__module__)")])
    NotebookClient(nb, kernel_name="python3").execute()
    assert nb.cells[1].outputs[0]["text"].strip() == (
        "False graph_cnn.legacy.contrib.layers")


def test_missing_names_fail_in_one_line_and_check_lists_them_first(tmp_path):
    script = tmp_path / "kmeans.py"
    script.write_text("import tensorflow as tf\n"
                      "from tensorflow.contrib import rnn, slim\n"
                      "from tensorflow.contrib.timeseries import ARRegressor\n"
                      "x = tf.placeholder(tf.float32)\n"
                      "y = tf.layers.dense(x, 3) + tf.nn.rnn_cell.BasicLSTMCell(4).output_size\n"
                      "tf.contrib.learn.datasets.load_dataset('mnist')\n"
                      "tf.no_such_op(x)\n")
    check = run_cli("legacy", "--check", script)
    assert check.returncode == 1
    assert check.stdout.splitlines()[:2] == [
        f"{script}:3: tf.contrib.timeseries is not provided by graph_cnn's TF1 layer",
        f"{script}:7: tf.no_such_op is not provided by graph_cnn's TF1 layer"]
    run = run_cli("legacy", script)
    assert run.returncode == 1
    assert run.stderr.count("tf.contrib.timeseries is not provided") == 1
    assert "graph_cnn/compat/runner.py" not in run.stderr  # the script's frames only
    lines = _stderr_lines(run)
    assert lines[0] == "Traceback (most recent call last):" and lines[1].startswith(
        f'  File "{script}", line 3')
    script.write_text("import tensorflow as tf\nprint(tf.layers.conv2d_transpose)\n")
    assert run_cli("legacy", "--check", script).returncode == 0


@pytest.mark.smoke
def test_a_syntax_error_shows_the_scripts_line_only(tmp_path):
    script = tmp_path / "py2.py"
    script.write_text("import tensorflow as tf\nprint 'accuracy', 0.9\n")
    result = run_cli("legacy", script)
    assert result.returncode == 1
    lines = _stderr_lines(result)
    assert lines[0] == f'  File "{script}", line 2' and lines[-1].startswith("SyntaxError")
    assert len(lines) <= 5


def test_eager_script_with_tfe_network_learns():
    # 300 Adam steps of a 128-unit MLP: TF 1.x eager examples reached about 0.93.
    result = run_cli("legacy", SCRIPTS / "mnist_eager_2018.py", "300")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "eager True, 4 variables" in result.stdout
    assert accuracy_of(result.stdout) >= 0.9


def test_tf0_renames_are_announced_once(tmp_path):
    script = tmp_path / "tf012.py"
    script.write_text("import tensorflow as tf\n"
                      "a, b = tf.constant(3.0), tf.constant(4.0)\n"
                      "with tf.Session() as sess:\n"
                      "    print(sess.run(tf.mul(a, b)), sess.run(tf.mul(b, b)), "
                      "sess.run(tf.sub(a, b)))\n")
    result = run_cli("legacy", script)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "12.0 16.0 -1.0"
    assert result.stderr.count("tf.mul (TensorFlow 0.12, renamed in 1.0)") == 1


def test_tf0_positional_cross_entropy_and_numpy2_reshape(tmp_path):
    # TF 0.12 took (logits, labels) by position; TF 1.x only by name. NumPy 2 dropped newshape.
    script = tmp_path / "old_args.py"
    script.write_text("import numpy as np\nimport tensorflow as tf\n"
                      "logits = tf.constant([[2.0, 0.0]])\nlabels = tf.constant([[1.0, 0.0]])\n"
                      "a = tf.nn.softmax_cross_entropy_with_logits(logits, labels)\n"
                      "b = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)\n"
                      "with tf.Session() as s:\n"
                      "    print(np.allclose(*s.run([a, b])), np.reshape(np.arange(4), "
                      "newshape=(2, 2)).shape)\n")
    result = run_cli("legacy", script)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "True (2, 2)"
    assert "read as TensorFlow 0.12's (logits, labels)" in result.stderr
    assert result.stderr.count("np.reshape(newshape=...)") == 1


def test_ops_pinned_to_a_missing_gpu_run_on_the_cpu(tmp_path):
    script = tmp_path / "two_gpus.py"
    script.write_text("import tensorflow as tf\n"
                      "with tf.device('/gpu:1'):\n"
                      "    y = tf.constant(2.0) * 3.0\n"
                      "with tf.Session() as sess:\n"
                      "    print(sess.run(y))\n")
    result = run_cli("legacy", script)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "6.0"
    assert result.stderr.count("ops pinned to a GPU run on the CPU") == 1


def test_tensorflow_errors_show_the_programs_frames_only_and_no_deprecations(tmp_path):
    # a checkpoint saved under a path whose parent is a file: TensorFlow's error names the op
    # and its "Original stack trace"; TF1 deprecation warnings are the script's business only
    (tmp_path / "ro").write_text("a file, not a folder")
    (tmp_path / "losses.py").write_text(
        "import tensorflow as tf\n\n\ndef loss(logits, labels):\n"
        "    return tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)\n")
    script = tmp_path / "save_fails.py"
    script.write_text("import tensorflow as tf\nfrom losses import loss\n"
                      "x = tf.Variable(tf.zeros([3]), name='x')\n"
                      "y = loss(tf.constant([[2.0, 0.0]]), tf.constant([[1.0, 0.0]]))\n"
                      "saver = tf.train.Saver()\n"
                      "with tf.Session() as sess:\n"
                      "    sess.run(tf.global_variables_initializer())\n"
                      f"    saver.save(sess, {str(tmp_path / 'ro' / 'model.ckpt')!r})\n")
    result = run_cli("legacy", script)
    assert result.returncode == 1
    err = result.stderr
    assert "deprecated" not in err and "Instructions for updating" not in err
    assert "Original stack trace for 'save/SaveV2'" in err
    frames = re.findall(r'File "([^"]+)", line (\d+)', err)
    assert frames and {path for path, _ in frames} == {str(script)}, err
    assert (str(script), "5") in frames and (str(script), "8") in frames
    assert err.count("Not a directory") == 1  # TensorFlow's re-raise shown once
    assert len(err.splitlines()) <= 20, err


def test_from_contrib_import_a_missing_module_is_the_one_line_of_tf_contrib(tmp_path):
    script = tmp_path / "lite.py"
    script.write_text("import tensorflow as tf\nfrom tensorflow.contrib import slim, rnn\n"
                      "from tensorflow.contrib import lite\n")
    result = run_cli("legacy", script)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "Traceback (most recent call last):"  # no chatter
    assert _stderr_lines(result)[-1] == (
        "ModuleNotFoundError: tf.contrib.lite is not provided by graph_cnn's TF1 layer; "
        "`graph-cnn legacy --check SCRIPT` lists every such name a script uses")


def test_first_ctrl_c_ends_a_sess_run_blocked_on_an_empty_queue(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "blocked.py"
    script.write_text("import tensorflow as tf\n"
                      "queue = tf.FIFOQueue(10, tf.float32)\n"
                      "with tf.Session() as sess:\n"
                      "    print('waiting', flush=True)\n"
                      "    sess.run(queue.dequeue())\n")
    proc = subprocess.Popen([sys.executable, "-m", "graph_cnn", "legacy", str(script)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
    try:
        assert proc.stdout.readline().strip() == "waiting"
        time.sleep(1)  # inside sess.run now
        os.kill(proc.pid, signal.SIGINT)
        sent = time.monotonic()
        first = proc.stderr.readline()
        said = time.monotonic() - sent
        rest = proc.communicate(timeout=60)[1]
    finally:
        proc.kill()
    assert first.strip() == "graph-cnn: interrupted" and said < 10, (first, said)
    assert proc.returncode == 130 and rest.strip() == ""


def test_a_binary_or_empty_script_is_one_line_naming_it(tmp_path):
    from graph_cnn.errors import GraphCnnError
    from graph_cnn.legacy import check

    binary, empty = tmp_path / "model.ckpt.py", tmp_path / "empty.py"
    binary.write_bytes(b"\x89HDF\r\n\x1a\n\x00\x00\x01\x02" * 20)
    empty.write_text("\n  \n")
    for path, said in ((binary, "binary data, not Python source"), (empty, "the file is empty")):
        try:
            check.source_of(path)
        except GraphCnnError as exc:
            assert str(exc).startswith(f"{path}: {said}"), exc
        else:
            raise AssertionError(f"{path} was read as a script")
    result = run_cli("legacy", binary)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"graph-cnn: error: {binary}: binary data, not Python source; give a TF1 .py script "
        "or .ipynb notebook"]


def test_input_data_says_extracting_as_tf1_did(tmp_path):
    """The four lines every saved TF1 MNIST notebook shows, with the program's own folder."""
    script = tmp_path / "mnist_lines.py"
    script.write_text("from tensorflow.examples.tutorials.mnist import input_data\n"
                      "import tensorflow as tf\n"
                      "mnist = input_data.read_data_sets('MNIST_data/', one_hot=True)\n"
                      "print(mnist.train.num_examples, mnist.test.labels.shape)\n"
                      "again = tf.contrib.learn.datasets.mnist.read_data_sets('/tmp/data')\n")
    result = run_cli("legacy", script)
    assert result.returncode == 0, result.stderr[-2000:]
    files = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
    assert result.stdout.splitlines() == [
        *(f"Extracting MNIST_data/{f}" for f in files), "55000 (10000, 10)",
        *(f"Extracting /tmp/data/{f}" for f in files)]
    assert not (ROOT / "MNIST_data").exists()  # where it ran: nothing written


def test_a_cifar10_binary_queue_pipeline_trains_on_stand_in_batches(tmp_path):
    """The CIFAR-10 binary format (label byte + 3072 depth-major bytes per record, five
    data_batch_N.bin files) in a stand-in the test makes: a class is a colour, so a small net
    learns it through TF1's reader, queue and shuffle_batch."""
    folder = tmp_path / "cifar-10-batches-bin"
    folder.mkdir()
    rng = np.random.RandomState(0)
    colours = rng.randint(0, 256, (10, 3))
    for index in range(1, 6):
        labels = rng.randint(0, 10, 100).astype(np.uint8)
        planes = np.clip(colours[labels][:, :, None] + rng.randint(-20, 21, (100, 3, 1024)),
                         0, 255).astype(np.uint8)
        records = np.concatenate([labels[:, None], planes.reshape(100, 3072)], axis=1)
        (folder / f"data_batch_{index}.bin").write_bytes(records.tobytes())
    done = run_cli("legacy", SCRIPTS / "cifar10_queue_2017.py",
                   tmp_path, "120")
    assert done.returncode == 0, done.stderr[-3000:]
    stdout = done.stdout
    losses = [float(v) for v in re.findall(r"loss = ([0-9.]+)", stdout)]
    # two reader threads make the batches' order, and so the curve, differ between runs
    assert len(losses) == 6 and min(losses[-3:]) < 0.6 * losses[0], stdout
    assert float(re.search(r"precision @ 1 = ([0-9.]+)", stdout).group(1)) >= 0.5
    assert "files read: 5" in stdout
