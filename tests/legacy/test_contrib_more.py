"""The tf.contrib names most used by public TF1 code after the basics: ``layer_norm``,
``separable_conv2d``, ``contrib.data``, ``contrib.summary``, ``contrib.training`` and
``slim.utils``, checked against TF1's documented names, defaults and arithmetic."""

import numpy as np
import pytest

from graph_cnn.legacy import tf
from graph_cnn.legacy.contrib import layers, slim


def names(variables):
    return [v.op.name for v in variables]


def run(*fetches, feed=None):
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        return sess.run(list(fetches), feed)


def test_layer_norm_matches_the_formula_with_tf1_variable_names(graph):
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype(np.float32)
    y = layers.layer_norm(tf.constant(x), activation_fn=tf.nn.relu)
    z = layers.layer_norm(tf.constant(x), begin_norm_axis=-1, begin_params_axis=1, center=False,
                          scope="last")
    assert names(tf.global_variables()) == ["LayerNorm/beta", "LayerNorm/gamma", "last/gamma"]
    assert tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)[-1].shape.as_list() == [3, 4]
    assert tf.global_variables()[0].shape.as_list() == [4]
    got_y, got_z = run(y, z)
    mean, var = x.mean(axis=(1, 2), keepdims=True), x.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(got_y, np.maximum((x - mean) / np.sqrt(var + 1e-12), 0), atol=1e-5)
    mean, var = x.mean(axis=-1, keepdims=True), x.var(axis=-1, keepdims=True)
    np.testing.assert_allclose(got_z, (x - mean) / np.sqrt(var + 1e-12), atol=1e-5)
    with pytest.raises(ValueError, match="begin_norm_axis"):
        layers.layer_norm(tf.constant(x), begin_norm_axis=3)


def test_separable_conv2d_names_shapes_and_depthwise_only(graph):
    x = tf.constant(np.random.default_rng(1).normal(size=(1, 5, 5, 2)).astype(np.float32))
    full = slim.separable_conv2d(x, 6, [3, 3], depth_multiplier=2, activation_fn=None)
    depth = slim.separable_conv2d(x, None, 3, stride=2, activation_fn=None)
    shapes = {v.op.name: v.shape.as_list() for v in tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)}
    assert shapes == {"SeparableConv2d/depthwise_weights": [3, 3, 2, 2],
                      "SeparableConv2d/pointwise_weights": [1, 1, 4, 6],
                      "SeparableConv2d/biases": [6],
                      "SeparableConv2d_1/depthwise_weights": [3, 3, 2, 1],
                      "SeparableConv2d_1/biases": [2]}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_full, got_depth, dw, pw, dw1 = sess.run(
            [full, depth, "SeparableConv2d/depthwise_weights:0",
             "SeparableConv2d/pointwise_weights:0", "SeparableConv2d_1/depthwise_weights:0"])
        xs = sess.run(x)
    assert got_full.shape == (1, 5, 5, 6) and got_depth.shape == (1, 3, 3, 2)
    # centre pixel by hand: depthwise 3x3 window per channel, then the 1x1 pointwise mix
    window = xs[0, 1:4, 1:4, :]
    per_channel = np.einsum("hwc,hwcm->cm", window, dw).reshape(-1)
    np.testing.assert_allclose(got_full[0, 2, 2], per_channel @ pw[0, 0], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got_depth[0, 1, 1], np.einsum("hwc,hwc->c", window, dw1[..., 0]),
                               rtol=1e-4, atol=1e-5)


def elements(dataset):
    nxt = tf.data.make_one_shot_iterator(dataset).get_next()
    out = []
    with tf.Session() as sess:
        while True:
            try:
                out.append(sess.run(nxt))
            except tf.errors.OutOfRangeError:
                return out


def test_contrib_data_transformations(graph):
    from graph_cnn.legacy.contrib import data

    ds = tf.data.Dataset.range(7)
    batches = elements(ds.apply(data.map_and_batch(lambda x: x * 2, 3,
                                                   num_parallel_calls=data.AUTOTUNE)))
    assert [b.tolist() for b in batches] == [[0, 2, 4], [6, 8, 10], [12]]
    assert [b.tolist() for b in elements(ds.apply(data.batch_and_drop_remainder(3)))] == [
        [0, 1, 2], [3, 4, 5]]
    nested = tf.data.Dataset.range(3).apply(data.parallel_interleave(
        lambda x: tf.data.Dataset.from_tensors(x).repeat(2), cycle_length=2))
    assert elements(nested) == [0, 1, 0, 1, 2, 2]  # cycles through 2 inputs, 1 at a time
    sloppy = tf.data.Dataset.range(3).apply(data.sloppy_interleave(
        lambda x: tf.data.Dataset.from_tensors(x).repeat(2), cycle_length=2))
    assert sorted(elements(sloppy)) == [0, 0, 1, 1, 2, 2]
    shuffled = elements(ds.apply(data.shuffle_and_repeat(7, count=2, seed=1)))
    assert sorted(shuffled) == sorted(list(range(7)) * 2)
    padded = ds.map(lambda x: tf.fill([x], x)).apply(
        data.padded_batch_and_drop_remainder(2, [None]))
    assert [b.shape for b in elements(padded)] == [(2, 1), (2, 3), (2, 5)]


def test_contrib_summary_writes_events_in_graph_mode(graph, tmp_path):
    import tensorflow as real_tf

    from graph_cnn.legacy.contrib import summary

    step = tf.train.get_or_create_global_step()
    writer = summary.create_file_writer(str(tmp_path), flush_millis=1000)
    with writer.as_default(), summary.always_record_summaries():
        summary.scalar("loss", 2.5, family="train")
        summary.histogram("w", tf.constant([1.0, 2.0, 3.0]))
        summary.image("img", tf.zeros([1, 4, 4, 1]))
    with writer.as_default(), summary.record_summaries_every_n_global_steps(2):
        summary.scalar("sparse", tf.cast(step, tf.float32))
    bump = tf.assign_add(step, 1)
    assert len(summary.all_summary_ops()) == 4
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with writer.as_default():  # as in TF1, initialize needs a default writer
            summary.initialize(graph=graph, session=sess)
        for _ in range(3):
            sess.run(summary.all_summary_ops())
            sess.run(bump)
        sess.run(summary.flush(writer=writer))
    events = [e for f in tmp_path.iterdir() for e in tf.train.summary_iterator(str(f))]
    values = [(e.step, v.tag, v) for e in events for v in e.summary.value]
    losses = [(s, real_tf.make_ndarray(v.tensor)) for s, tag, v in values if tag == "train/loss"]
    assert losses == [(0, 2.5), (1, 2.5), (2, 2.5)]
    assert [s for s, tag, _ in values if tag == "sparse"] == [0, 2]
    assert {tag for _, tag, _ in values} == {"train/loss", "w", "img", "sparse"}


def test_hparams_behave_as_tf1_documented():
    from graph_cnn.legacy.contrib.training import HParams

    hp = HParams(learning_rate=0.1, num_hidden_units=100, activations=["relu", "tanh"],
                 use_bias=True, name_="x")
    assert hp.learning_rate == 0.1 and hp.num_hidden_units == 100 and "use_bias" in hp
    assert hp.parse("learning_rate=0.3,activations=[sigmoid, relu],use_bias=false") is hp
    assert (hp.learning_rate, hp.activations, hp.use_bias) == (0.3, ["sigmoid", "relu"], False)
    hp.set_hparam("learning_rate", 1)  # an int for a float is fine, and becomes a float
    assert isinstance(hp.learning_rate, float)
    for bad in ("num_hidden_units=0.5", "use_bias=1", "nope=1", "num_hidden_units=[1,2]",
                "learning_rate=0.1,learning_rate=0.2", "=3"):
        with pytest.raises(ValueError):
            hp.parse(bad)
    with pytest.raises(ValueError, match="reserved"):
        hp.add_hparam("values", 1)
    with pytest.raises(KeyError):
        hp.set_hparam("missing", 1)
    hp.add_hparam("layers", [64, 32])
    other = HParams(**{k: v for k, v in hp.values().items()})
    other.parse_json(hp.override_from_dict({"layers": [8]}).to_json())
    assert other.values() == hp.values() and other.layers == [8]
    assert hp.get("missing", 3) == 3 and hp.get("layers") == [8]
    hp.del_hparam("layers")
    assert "layers" not in hp and not hasattr(hp, "layers")
    assert repr(HParams(b=2, a=1)) == "HParams([('a', 1), ('b', 2)])"


def test_checkpoints_iterator_yields_the_newest_checkpoint(graph, tmp_path):
    from graph_cnn.legacy.contrib import training

    tf.Variable(1.0, name="v")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = tf.train.Saver().save(sess, str(tmp_path / "model"), global_step=3)
    got = list(training.checkpoints_iterator(str(tmp_path), timeout=0.1))
    assert got == [path]


def test_slim_utils_end_points_and_shape_helpers(graph):
    utils = slim.utils
    collection = "end_points"
    net = utils.collect_named_outputs([collection], "net/conv1/", tf.zeros([2, 5, 5, 3]))
    plain = tf.add_n([tf.ones([1])], name="plain")
    tf.add_to_collection(collection, plain)
    end_points = utils.convert_collection_to_dict(collection, clear_collection=True)
    assert list(end_points) == ["net/conv1", "plain"] and end_points["net/conv1"] is net
    assert tf.get_collection(collection) == []
    assert utils.last_dimension(net.shape, min_rank=4) == 3
    assert utils.first_dimension(net.shape) == 2
    assert utils.channel_dimension(net.shape, "NCHW") == 5
    with pytest.raises(ValueError, match="rank of shape must be at least 5"):
        utils.last_dimension(net.shape, min_rank=5)
    with pytest.raises(ValueError, match="last dimension"):
        utils.last_dimension(tf.TensorShape([2, None]))
    assert utils.two_element_tuple(3) == (3, 3) and utils.two_element_tuple([1, 2]) == (1, 2)
    assert utils.n_positive_integers(2, 4) == (4, 4)
    with pytest.raises(ValueError, match="positive integers"):
        utils.n_positive_integers(2, [1, 0])
    assert utils.smart_cond(tf.constant(True), lambda: 1, lambda: 2) == 1
    flag = tf.placeholder(tf.bool, [])
    with tf.Session() as sess:
        assert sess.run(utils.smart_cond(flag, lambda: tf.constant(1), lambda: tf.constant(2)),
                        {flag: False}) == 2


def test_tf1_module_paths_import_under_the_runner(tmp_path):
    from conftest import run_cli

    script = tmp_path / "paths.py"
    script.write_text(
        "import tensorflow as tf\n"
        "from tensorflow.contrib.training.python.training.hparam import HParams\n"
        "from tensorflow.contrib.training.python.training import evaluation\n"
        "from tensorflow.contrib.framework.python.ops import arg_scope, variables\n"
        "from tensorflow.contrib.slim import utils\n"
        "assert evaluation.checkpoints_iterator is tf.contrib.training.checkpoints_iterator\n"
        "assert arg_scope is tf.contrib.framework.arg_scope\n"
        "assert variables.model_variable is tf.contrib.framework.model_variable\n"
        "print(HParams(a=1).parse('a=2').a, utils.last_dimension(tf.zeros([1, 3]).shape),\n"
        "      tf.contrib.data.AUTOTUNE, tf.contrib.summary.scalar.__name__)\n")
    result = run_cli("legacy", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["2", "3", "-1", "scalar"]


def test_slim_create_global_step_refuses_a_second_one(graph):
    step = slim.create_global_step()
    assert step.op.name == "global_step" and slim.get_global_step() is step
    with pytest.raises(ValueError, match="already exists"):
        slim.create_global_step()
