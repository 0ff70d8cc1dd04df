"""The measure of the TF1 API owed: the committed lists are well formed and consistent, and the
legacy layer serves at least the shares measured when they were made (floors ~0.5 points under)."""

import json
import re
import sys

import pytest

from graph_cnn.errors import GraphCnnError
from graph_cnn.legacy import coverage, tf

# Shares measured by `python -m graph_cnn.legacy.coverage` when these floors were set.
FLOORS = {"core": 0.990, "estimator": 0.665, "keras": 0.887, "raw_ops": 0.982}
WEIGHTED_FLOORS = {"core": 0.995, "estimator": 0.980, "keras": 0.973, "contrib": 0.940,
                   "contrib_learn": 0.900}


@pytest.fixture(scope="module")
def report():
    return coverage.measure()


def _header(filename):
    return "\n".join(line for line in (coverage.API / filename).read_text().splitlines()
                     if line.startswith("#"))


def test_tf_1_15_names_are_a_sorted_list_of_the_count_its_header_states():
    names = coverage.load_names()
    stated = int(re.search(r"\((\d[\d,]*) names\)", _header("tf1_15_names.txt")).group(1).replace(",", ""))
    assert len(names) == stated
    assert names == sorted(set(names))
    assert all(re.fullmatch(r"tf(\.\w+)+", n) for n in names)
    for name in ("tf.placeholder", "tf.Session", "tf.nn.relu", "tf.train.AdamOptimizer", "tf.estimator.Estimator",
                 "tf.keras.layers.Dense", "tf.app.flags", "tf.__version__", "tf.contrib"):
        assert name in names
    assert not any(n.startswith(("tf.contrib.", "tf.compat.v1.", "tf.compat.v2.")) for n in names)


@pytest.mark.parametrize("filename", ["contrib_usage.tsv", "tf_usage.tsv"])
def test_usage_tables_are_ranked_by_files_and_agree_with_the_name_list(filename):
    rows = coverage.load_usage(filename)
    assert rows and [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)
    assert all(1 <= r[1] <= r[2] and 1 <= r[3] <= r[1] for r in rows)  # files <= occurrences, repos <= files
    assert len({r[0] for r in rows}) == len(rows)
    names = set(coverage.load_names())
    if filename == "contrib_usage.tsv":
        assert all(r[0] == "tf.contrib" or r[0].startswith("tf.contrib.") for r in rows)
    else:
        assert all(r[0] in names for r in rows if r[4])
        assert not any(r[0].startswith("tf.contrib") for r in rows)


def test_corpus_and_drift_tables_are_well_formed():
    corpus = [line.split("\t") for line in coverage._data_lines(coverage.API / "corpus.tsv")]
    assert corpus[0] == ["repo", "commit", "date", "files"]
    assert all(re.fullmatch(r"[\w.-]+/[\w.-]+", r[0]) and re.fullmatch(r"[0-9a-f]{40}", r[1])
               and r[2] <= "2019-10-01" and r[3].isdigit() for r in corpus[1:])
    stated = re.search(r"\((\d+) files\)", _header("corpus.tsv")).group(1)
    assert sum(int(r[3]) for r in corpus[1:]) == int(stated)
    drift = [line.split("\t") for line in coverage._data_lines(coverage.API / "drift_usage.tsv")]
    assert drift[0] == ["name", "files", "occurrences", "repos", "removed"]
    assert all(len(r) == 5 and all(c.isdigit() for c in r[1:4]) for r in drift[1:])
    assert [int(r[1]) for r in drift[1:]] == sorted((int(r[1]) for r in drift[1:]), reverse=True)
    assert {"np.infty", "np.NaN", "scipy.misc.imread", "sklearn.manifold.TSNE(n_iter=)"} <= {r[0] for r in drift}


def test_a_name_is_served_only_when_the_lookup_returns():
    assert coverage.resolves("tf.nn.relu", tf)
    assert coverage.resolves("tf.contrib.layers.conv2d", tf)
    assert not coverage.resolves("tf.no_such_name_in_tf1", tf)
    assert not coverage.resolves("tf.nn.no_such_op", tf)  # the layer's one-line AttributeError
    assert not coverage.resolves("tf.contrib.no_such_module.f", tf)
    # an import path `graph-cnn legacy` serves through its aliases, not an attribute of tf
    assert coverage.resolves("tf.contrib.learn.python.learn.datasets.mnist", tf)
    assert not coverage.resolves("tf.contrib.learn.python.learn.datasets.no_such_module", tf)
    # a name in a module served that way (`from tensorflow.contrib.slim.python.slim.data.X import Y`)
    assert coverage.resolves("tf.contrib.slim.python.slim.data.tfexample_decoder.Image", tf)
    assert not coverage.resolves("tf.contrib.slim.python.slim.data.tfexample_decoder.NoSuchHandler", tf)
    assert coverage.resolves("tf.estimator.inputs.numpy_input_fn", tf)
    assert not coverage.resolves("tf.estimator.export.no_such_name", tf)


def test_the_layer_serves_at_least_the_measured_shares(report, capsys):
    with capsys.disabled():
        print()
        coverage._print(report, show_all=False, out=sys.stdout)
    for group, floor in FLOORS.items():
        assert report[group]["share"] >= floor, (group, report[group]["missing"])
    for group, floor in WEIGHTED_FLOORS.items():
        assert report[group]["usage_weighted_share"] >= floor, (group, report[group]["missing"])
    contrib, weights = report["contrib"], report["contrib"]["missing_files"]
    lifted = contrib["usage_weighted_share"] + sum(weights[n] for n in contrib["missing_to_95_percent"]) / contrib["file_uses"]
    assert lifted >= 0.95 and contrib["missing_to_95_percent"] == contrib["missing"][:len(contrib["missing_to_95_percent"])]


def test_tf1_names_added_past_compat_v1_behave():
    devices = tf.config.experimental_list_devices()
    assert devices and all(re.fullmatch(r"/job:localhost/replica:0/task:0/device:\w+:\d+", d) for d in devices)
    assert any(d.endswith("/device:CPU:0") for d in devices)
    assert tf.estimator.SessionRunHook is tf.train.SessionRunHook
    assert tf.estimator.StopAtStepHook is tf.train.StopAtStepHook


def test_pywrap_tensorflow_reads_a_checkpoint_and_layers_has_input_spec(tmp_path):
    with tf.Graph().as_default():
        tf.get_variable("w", [3, 2], initializer=tf.ones_initializer())
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            path = saver.save(sess, str(tmp_path / "model.ckpt"))
    reader = tf.pywrap_tensorflow.NewCheckpointReader(path)
    assert reader.get_variable_to_shape_map() == {"w": [3, 2]}
    assert reader.get_tensor("w").sum() == 6
    assert tf.layers.InputSpec(ndim=4).ndim == 4 and tf.layers.dense is not None


def test_cli_prints_json_and_fails_in_one_line_on_a_broken_list(monkeypatch, tmp_path, capsys):
    assert coverage.main(["--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["tf_1_15_names"] == len(coverage.load_names())
    assert set(printed) >= {"core", "estimator", "keras", "raw_ops", "contrib", "contrib_learn"}
    (tmp_path / "tf1_15_names.txt").write_text("tf.b\ntf.a\n")
    monkeypatch.setattr(coverage, "API", tmp_path)
    with pytest.raises(GraphCnnError, match="corrupt"):
        coverage.load_names()
    assert coverage.main([]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "tf1_15_names.txt" in err
