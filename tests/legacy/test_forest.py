"""tf.contrib.tensor_forest (online extremely randomized trees in NumPy) and
tf.contrib.boosted_trees (GBDT on scikit-learn) with their TF1 APIs: small synthetic problems,
MNIST, repeatability under a graph seed, and TF1-style scripts through ``graph-cnn legacy``."""

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli

from graph_cnn.data import input_data
from graph_cnn.legacy import tf
from graph_cnn.legacy.contrib.boosted_trees.estimator_batch import estimator as gbdt
from graph_cnn.legacy.contrib.boosted_trees.proto import learner_pb2
from graph_cnn.legacy.contrib.tensor_forest.python import tensor_forest

SCRIPTS = Path(__file__).parent / "legacy_scripts"


@pytest.fixture(scope="module")
def mnist(mnist_dir):
    return input_data.read_data_sets(str(mnist_dir))


def blobs(n, seed=0):
    """Three classes in five features, separable by axis-aligned cuts."""
    rng = np.random.RandomState(seed)
    x = rng.rand(n, 5).astype(np.float32)
    y = (x[:, 0] > 0.5).astype(np.int64) + (x[:, 3] > 0.7)
    return x, y


def forest_probabilities(seed, steps=20, base_random_seed=0, **hparams):
    """Trains a forest on the blobs in a fresh graph; returns (probabilities, loss, size)."""
    graph = tf.Graph()
    with graph.as_default():
        if seed is not None:
            tf.set_random_seed(seed)
        params = tensor_forest.ForestHParams(num_classes=3, num_features=5,
                                             base_random_seed=base_random_seed,
                                             **{"num_trees": 4, "max_nodes": 63,
                                                "split_after_samples": 30, **hparams}).fill()
        forest = tensor_forest.RandomForestGraphs(params)
        x = tf.placeholder(tf.float32, [None, 5])
        y = tf.placeholder(tf.int32, [None])
        train = forest.training_graph(x, y)
        loss = forest.training_loss(x, y)
        probabilities, _, _ = forest.inference_graph(x)
        data, labels = blobs(2000)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step in range(steps):
                rows = slice(100 * step % 2000, 100 * step % 2000 + 100)
                sess.run(train, {x: data[rows], y: labels[rows]})
            test, _ = blobs(500, seed=1)
            return sess.run(probabilities, {x: test}), sess.run(loss), params


def test_hparams_fill_gives_tf_1_2_defaults():
    params = tensor_forest.ForestHParams(num_classes=10, num_features=784, num_trees=10,
                                         max_nodes=1000).fill()
    assert params.num_splits_to_consider == 784  # min(num_features, 1000)
    assert params.max_fertile_nodes == 500
    assert params.split_after_samples == 250
    assert params.num_output_columns == 11
    assert params.base_random_seed == 0
    assert params.values()["num_trees"] == 10
    with pytest.raises(AttributeError, match="num_features"):
        tensor_forest.ForestHParams(num_classes=2).fill()


def test_forest_learns_separable_classes_and_its_loss_is_minus_its_size():
    probabilities, loss, params = forest_probabilities(seed=1)
    _, labels = blobs(500, seed=1)
    assert probabilities.shape == (500, 3) and probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(1), 1, rtol=1e-5)
    assert np.mean(probabilities.argmax(1) == labels) > 0.9
    # TF's training_loss: minus the mean node count; trees grew and stopped at max_nodes.
    assert -params.max_nodes <= loss < -3


def test_forest_repeats_under_a_graph_seed_and_differs_without():
    first, _, _ = forest_probabilities(seed=7)
    again, _, _ = forest_probabilities(seed=7)
    other, _, _ = forest_probabilities(seed=8)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    based, _, _ = forest_probabilities(seed=None, base_random_seed=5)
    np.testing.assert_array_equal(based, forest_probabilities(seed=None, base_random_seed=5)[0])


def test_forest_stops_at_max_nodes_and_bagging_runs():
    _, loss, _ = forest_probabilities(seed=3, steps=40, max_nodes=15, bagging_fraction=0.7,
                                      feature_bagging_fraction=0.6)
    assert loss == -15


def test_forest_on_mnist_batches(mnist):
    with tf.Graph().as_default():
        tf.set_random_seed(2)
        params = tensor_forest.ForestHParams(num_classes=10, num_features=784, num_trees=4,
                                             max_nodes=200).fill()
        forest = tensor_forest.RandomForestGraphs(params)
        x = tf.placeholder(tf.float32, [None, 784])
        y = tf.placeholder(tf.int64, [None])
        train = forest.training_graph(x, y)
        hits = tf.equal(tf.argmax(forest.inference_graph(x)[0], 1), y)
        accuracy = tf.reduce_mean(tf.cast(hits, tf.float32))
        with tf.Session() as sess:
            for _ in range(100):
                xs, ys = mnist.train.next_batch(256)
                sess.run(train, {x: xs, y: ys})
            # 4 trees of at most 200 nodes on 25,600 examples: 0.79-0.83 measured, depending on
            # the batches the shared data set hands out; chance is 0.1
            assert sess.run(accuracy, {x: mnist.test.images[:2000],
                                       y: mnist.test.labels[:2000]}) > 0.7


def test_forest_rejects_wrong_width_and_labels(graph):
    params = tensor_forest.ForestHParams(num_classes=2, num_features=3, num_trees=1,
                                         max_nodes=7).fill()
    forest = tensor_forest.RandomForestGraphs(params)
    x = tf.placeholder(tf.float32, [None, None])
    y = tf.placeholder(tf.int32, [None])
    train = forest.training_graph(x, y)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="num_features"):
            sess.run(train, {x: np.zeros((4, 5)), y: [0, 1, 0, 1]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="class ids"):
            sess.run(train, {x: np.zeros((2, 3)), y: [0, 2]})
    with pytest.raises(NotImplementedError, match="regression"):
        tensor_forest.RandomForestGraphs(tensor_forest.ForestHParams(
            num_classes=1, num_features=3, regression=True).fill())


def test_learner_config_takes_the_proto_paths_tf_scripts_set():
    config = learner_pb2.LearnerConfig()
    assert not config.HasField("regularization") and config.regularization.l2 == 0.0
    config.learning_rate_tuner.fixed.learning_rate = 0.1
    config.regularization.l1 = 0.0
    config.regularization.l2 = 1.0 / 1000
    config.constraints.max_tree_depth = 16
    config.growing_mode = learner_pb2.LearnerConfig.LAYER_BY_LAYER
    config.multi_class_strategy = learner_pb2.LearnerConfig.DIAGONAL_HESSIAN
    assert config.learning_rate_tuner.fixed.learning_rate == pytest.approx(0.1, abs=1e-8)
    assert config.learning_rate_tuner.fixed.learning_rate != 0.1  # float32, as protobuf keeps
    assert config.HasField("regularization") and config.HasField("learning_rate_tuner")
    assert config.learning_rate_tuner.WhichOneof("tuner") == "fixed"
    config.learning_rate_tuner.line_search.num_steps = 3  # the oneof moves
    assert config.learning_rate_tuner.WhichOneof("tuner") == "line_search"
    assert not config.learning_rate_tuner.HasField("fixed")
    assert (config.growing_mode, config.multi_class_strategy) == (2, 3)
    assert learner_pb2.LearnerConfig.GrowingMode.Name(2) == "LAYER_BY_LAYER"
    assert "max_tree_depth: 16" in str(config) and "l2: 0.001" in str(config)
    with pytest.raises(AttributeError):
        config.constraints.max_depth = 3
    with pytest.raises(AttributeError, match="Assignment not allowed"):
        config.regularization = learner_pb2.TreeRegularizationConfig()
    with pytest.raises(TypeError):
        config.regularization.l2 = "big"
    copy = learner_pb2.LearnerConfig()
    copy.CopyFrom(config)
    assert copy == config and copy is not config


def gbdt_config(depth=3, rate=0.3):
    config = learner_pb2.LearnerConfig()
    config.learning_rate_tuner.fixed.learning_rate = rate
    config.regularization.l2 = 0.01
    config.constraints.max_tree_depth = depth
    config.multi_class_strategy = learner_pb2.LearnerConfig.DIAGONAL_HESSIAN
    return config


def blob_input(rows, batch_size=200, **kwargs):
    x, y = blobs(3000)
    return tf.estimator.inputs.numpy_input_fn({"x": x[rows]}, y[rows], batch_size=batch_size,
                                              **kwargs)


def test_gbdt_fits_evaluates_and_predicts_like_a_contrib_learn_estimator():
    model = gbdt.GradientBoostedDecisionTreeClassifier(
        gbdt_config(), examples_per_layer=300, n_classes=3, num_trees=8,
        config=tf.contrib.learn.RunConfig(tf_random_seed=1, save_checkpoints_secs=300))
    train = blob_input(slice(0, 2000), num_epochs=None, shuffle=True)
    assert model.fit(input_fn=train, max_steps=10000) is model
    # TF's GBDT stops once its trees are built: 8 trees x 3 layers x ceil(300 / 200) steps.
    assert model._global_step == 8 * 3 * 2 and model._model.n_iter_ == 8
    model.fit(input_fn=train, max_steps=10000)  # all trees built: nothing more to do
    assert model._global_step == 48
    result = model.evaluate(input_fn=blob_input(slice(2000, 3000), shuffle=False))
    assert set(result) == {"accuracy", "loss", "global_step"}
    assert result["accuracy"] > 0.95 and 0 < result["loss"] < 0.3
    assert result["global_step"] == 48
    rows = list(model.predict(input_fn=blob_input(slice(0, 3), shuffle=False)))
    assert [sorted(r) for r in rows] == [["classes", "probabilities"]] * 3
    np.testing.assert_allclose([r["probabilities"].sum() for r in rows], 1)


def test_gbdt_with_few_steps_builds_the_trees_tf_would_have_started():
    model = gbdt.GradientBoostedDecisionTreeClassifier(
        gbdt_config(depth=2), examples_per_layer=100, n_classes=3, num_trees=50)
    model.fit(input_fn=blob_input(slice(0, 2000), num_epochs=None, shuffle=True), steps=5)
    assert model._global_step == 5 and model._model.n_iter_ == 3  # ceil(5 steps / 2 per tree)
    with pytest.raises(ValueError, match="doesn't match"):
        config = gbdt_config()
        config.num_classes = 4
        gbdt.GradientBoostedDecisionTreeClassifier(config, 100, n_classes=3)
    with pytest.raises(NotImplementedError, match="line_search"):
        config = gbdt_config()
        config.learning_rate_tuner.line_search.max_learning_rate = 0.5
        gbdt.GradientBoostedDecisionTreeClassifier(config, 100, n_classes=3)


def test_contrib_learn_run_config_takes_its_tf1_arguments():
    config = tf.contrib.learn.RunConfig(save_checkpoints_secs=300, num_cores=2,
                                        gpu_memory_fraction=0.5, tf_random_seed=4)
    assert (config.save_checkpoints_secs, config.save_checkpoints_steps) == (300, None)
    assert config.session_config.intra_op_parallelism_threads == 2
    assert (config.num_cores, config.master, config.tf_random_seed) == (2, "", 4)
    with pytest.raises(NotImplementedError, match="locally"):
        tf.contrib.learn.RunConfig(master="grpc://host:2222")


def accuracy_of(stdout):
    return float(re.search(r"test accuracy ([0-9.]+)", stdout).group(1))


def test_random_forest_script_runs_unchanged_and_repeats_with_a_seed():
    # TF 1.2's tensor_forest reached about 0.9 on MNIST with forests of this size.
    arguments = ("legacy", SCRIPTS / "forest_mnist_2017.py", "--steps", "120", "--batch", "256",
                 "--trees", "4", "--nodes", "300", "--seed", "5")
    first, again = run_cli(*arguments), run_cli(*arguments)
    assert first.returncode == 0, first.stderr[-2000:]
    assert accuracy_of(first.stdout) > 0.8
    assert first.stdout == again.stdout


def test_gbdt_script_runs_unchanged():
    result = run_cli("legacy", SCRIPTS / "gbdt_mnist_2018.py", "--train_examples", "3000",
                     "--batch", "500", "--trees", "3", "--depth", "3")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "steps 18 " in result.stdout  # 3 trees x 3 layers x ceil(1000 / 500)
    assert accuracy_of(result.stdout) > 0.7


def test_check_finds_every_name_of_both_scripts():
    for script in ("forest_mnist_2017.py", "gbdt_mnist_2018.py"):
        result = run_cli("legacy", "--check", SCRIPTS / script)
        assert result.returncode == 0, result.stdout + result.stderr[-2000:]


def test_inference_graph_returns_tf_1_15s_tuple():
    """Probabilities, each example's path in each tree, and the probabilities' variance over
    the trees (TF 1.4-1.15 returned these three)."""
    with tf.Graph().as_default():
        params = tensor_forest.ForestHParams(num_classes=3, num_features=5, num_trees=4,
                                             max_nodes=63, split_after_samples=30,
                                             base_random_seed=3).fill()
        forest = tensor_forest.RandomForestGraphs(params)
        x = tf.placeholder(tf.float32, [None, 5])
        y = tf.placeholder(tf.int32, [None])
        train = forest.training_graph(x, y)
        probabilities, paths, variance = forest.inference_graph(x)
        assert paths.shape.as_list() == [None, 4] and paths.dtype == tf.string
        data, labels = blobs(2000)
        test, _ = blobs(50, seed=1)
        with tf.Session() as sess:
            for step in range(20):
                rows = slice(100 * step, 100 * step + 100)
                sess.run(train, {x: data[rows], y: labels[rows]})
            mean, routes, spread = sess.run([probabilities, paths, variance], {x: test})
    every = np.stack([t.predict(test) for t in forest._forest.trees], 1)
    np.testing.assert_allclose(mean, every.mean(1), rtol=1e-6)
    np.testing.assert_allclose(spread, every.var(1), atol=1e-6)
    assert spread.max() > 0  # the trees disagree somewhere
    for row, example in zip(routes, test):
        for tree, route in zip(forest._forest.trees, row):
            nodes = [int(n) for n in route.decode().split()]
            assert nodes[0] == 0 and tree.left[nodes[-1]] == -1
            assert nodes[-1] == tree.route(example[None])[0]
