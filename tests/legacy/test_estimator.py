"""TF1's tf.estimator, rebuilt: MNIST model_fns and canned classifiers train, resume, evaluate
and predict as they did on TensorFlow 1.x; queue input and MonitoredTrainingSession still run."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from graph_cnn.legacy import estimator as est
from graph_cnn.legacy import tf
from graph_cnn.data import input_data

ROOT = Path(__file__).resolve().parents[2]
SESSION = {"intra_op_parallelism_threads": 1, "inter_op_parallelism_threads": 1}


def run_config(**kwargs):
    return est.RunConfig(session_config=tf.ConfigProto(**SESSION), **kwargs)


@pytest.fixture(scope="module")
def mnist(mnist_dir):
    return input_data.read_data_sets(str(mnist_dir))


def event_tags(folder):
    tags = set()
    for path in Path(folder).glob("events.out.tfevents.*"):
        for event in tf.train.summary_iterator(str(path)):
            tags.update(value.tag for value in event.summary.value)
    return tags


def cnn_model_fn(features, labels, mode, params):
    """The 2017 tf.layers MNIST tutorial's model_fn, narrower (8/16 filters, 128 units)."""
    input_layer = tf.reshape(features["x"], [-1, 28, 28, 1])
    conv1 = tf.layers.conv2d(input_layer, 8, [5, 5], padding="same", activation=tf.nn.relu)
    pool1 = tf.layers.max_pooling2d(conv1, pool_size=[2, 2], strides=2)
    conv2 = tf.layers.conv2d(pool1, 16, [5, 5], padding="same", activation=tf.nn.relu)
    pool2 = tf.layers.max_pooling2d(conv2, pool_size=[2, 2], strides=2)
    dense = tf.layers.dense(tf.reshape(pool2, [-1, 7 * 7 * 16]), 128, activation=tf.nn.relu)
    dropout = tf.layers.dropout(dense, rate=0.4, training=mode == est.ModeKeys.TRAIN)
    logits = tf.layers.dense(dropout, 10)
    predictions = {"classes": tf.argmax(logits, axis=1),
                   "probabilities": tf.nn.softmax(logits, name="softmax_tensor")}
    if mode == est.ModeKeys.PREDICT:
        return est.EstimatorSpec(mode=mode, predictions=predictions)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    if mode == est.ModeKeys.TRAIN:
        optimizer = tf.train.AdamOptimizer(learning_rate=params["learning_rate"])
        train_op = optimizer.minimize(loss=loss, global_step=tf.train.get_global_step())
        return est.EstimatorSpec(mode=mode, loss=loss, train_op=train_op)
    eval_metric_ops = {"accuracy": tf.metrics.accuracy(labels, predictions["classes"])}
    return est.EstimatorSpec(mode=mode, loss=loss, eval_metric_ops=eval_metric_ops)


def test_mnist_cnn_model_fn_trains_evaluates_and_predicts(mnist, tmp_path):
    train, test = mnist.train, mnist.test
    classifier = est.Estimator(cnn_model_fn, model_dir=tmp_path, params={"learning_rate": 1e-3},
                               config=run_config(tf_random_seed=1))
    train_input_fn = est.inputs.numpy_input_fn(
        x={"x": train.images}, y=train.labels.astype(np.int32), batch_size=100,
        num_epochs=None, shuffle=True)
    classifier.train(input_fn=train_input_fn, steps=200)
    eval_input_fn = est.inputs.numpy_input_fn(
        x={"x": test.images}, y=test.labels.astype(np.int32), num_epochs=1, shuffle=False)
    results = classifier.evaluate(input_fn=eval_input_fn)
    print("cnn 200 steps:", results)
    assert set(results) == {"accuracy", "loss", "global_step"}
    assert results["global_step"] == 200
    assert results["accuracy"] > 0.9
    assert event_tags(classifier.eval_dir()) >= {"accuracy", "loss"}

    predict_input_fn = est.inputs.numpy_input_fn(x={"x": test.images[:50]}, shuffle=False)
    predictions = list(classifier.predict(predict_input_fn))
    assert len(predictions) == 50 and set(predictions[0]) == {"classes", "probabilities"}
    probabilities = np.stack([p["probabilities"] for p in predictions])
    classes = np.array([p["classes"] for p in predictions])
    np.testing.assert_allclose(probabilities.sum(1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(classes, probabilities.argmax(1))
    assert (classes == test.labels[:50]).mean() >= 0.8
    batches = list(classifier.predict(
        est.inputs.numpy_input_fn(x={"x": test.images[:50]}, batch_size=32, shuffle=False),
        predict_keys=["classes"], yield_single_examples=False))
    assert [set(b) for b in batches] == [{"classes"}, {"classes"}]
    np.testing.assert_array_equal(np.concatenate([b["classes"] for b in batches]), classes)


def linear_model_fn(features, labels, mode, params, config):
    """Logistic regression on ``features`` (a tensor), with every argument TF1 could pass."""
    assert isinstance(config, est.RunConfig) and params == {"lr": 0.5}
    logits = tf.layers.dense(features, 2)
    classes = tf.argmax(logits, 1)
    if mode == est.ModeKeys.PREDICT:
        return est.EstimatorSpec(mode, predictions=classes)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    train_op = tf.train.GradientDescentOptimizer(params["lr"]).minimize(
        loss, tf.train.get_global_step())
    return est.EstimatorSpec(mode, loss=loss, train_op=train_op, eval_metric_ops={
        "examples": tf.metrics.true_positives(tf.ones_like(labels), tf.ones_like(labels)),
        "mean_x": tf.metrics.mean(features[:, 0])})


def toy_data(rows=100):
    x = np.random.RandomState(0).rand(rows, 3).astype(np.float32)
    x[:, 0] = np.arange(rows)
    return x, (x[:, 1] > x[:, 2]).astype(np.int64)


def dataset_input_fn(batch_size=10):
    def input_fn():
        x, y = toy_data()
        return tf.data.Dataset.from_tensor_slices((x, y)).repeat().batch(batch_size)
    return input_fn


class CountRuns(tf.train.SessionRunHook):
    def __init__(self):
        self.began, self.runs = False, 0

    def begin(self):
        self.began = True

    def after_run(self, run_context, run_values):
        self.runs += 1


def test_resume_steps_max_steps_checkpoints_and_events(tmp_path):
    config = run_config(save_checkpoints_steps=20, keep_checkpoint_max=2, save_summary_steps=10,
                        log_step_count_steps=10)
    first = est.Estimator(linear_model_fn, model_dir=tmp_path, config=config,
                          params={"lr": 0.5})
    first.train(dataset_input_fn(), steps=50)
    assert first.get_variable_value("global_step") == 50
    second = est.Estimator(linear_model_fn, config=config.replace(model_dir=str(tmp_path)),
                           params={"lr": 0.5})
    kernel_at_50 = second.get_variable_value("dense/kernel")
    counter = CountRuns()
    second.train(dataset_input_fn(), steps=50, hooks=[counter])
    assert counter.runs == 50
    assert second.get_variable_value("global_step") == 100
    assert second.latest_checkpoint() == str(tmp_path / "model.ckpt-100")
    assert not np.array_equal(second.get_variable_value("dense/kernel"), kernel_at_50)
    skipped = CountRuns()
    second.train(dataset_input_fn(), max_steps=100, hooks=[skipped])
    assert not skipped.began
    second.train(dataset_input_fn(), max_steps=130)
    assert second.get_variable_value("global_step") == 130
    assert sorted(second.get_variable_names()) == ["dense/bias", "dense/kernel", "global_step"]

    names = os.listdir(tmp_path)
    assert {"checkpoint", "graph.pbtxt", "model.ckpt-130.index", "model.ckpt-130.meta"} <= set(names)
    assert sorted(n for n in names if n.endswith(".index")) == [
        "model.ckpt-120.index", "model.ckpt-130.index"]  # keep_checkpoint_max=2
    assert event_tags(tmp_path) >= {"loss", "global_step/sec"}


def test_warm_start_from_another_model_dir(tmp_path):
    x, y = toy_data()
    eval_fn = est.inputs.numpy_input_fn(x, y, shuffle=False)
    source = est.Estimator(linear_model_fn, model_dir=tmp_path / "source", params={"lr": 0.5},
                           config=run_config())
    source.train(dataset_input_fn(), steps=20)
    warm = est.Estimator(linear_model_fn, model_dir=tmp_path / "warm", params={"lr": 0.5},
                         config=run_config(), warm_start_from=str(tmp_path / "source"))
    cold = est.Estimator(linear_model_fn, model_dir=tmp_path / "cold", params={"lr": 0.5},
                         config=run_config())
    source_loss = source.evaluate(eval_fn)["loss"]
    assert warm.evaluate(eval_fn)["loss"] == pytest.approx(source_loss, rel=1e-6)
    assert cold.evaluate(eval_fn)["loss"] != pytest.approx(source_loss, rel=1e-3)
    warm.train(dataset_input_fn(), steps=1)
    assert warm.get_variable_value("global_step") == 1  # trainable variables only, as TF1


def test_modekeys_and_estimator_spec_validation(graph):
    assert (est.ModeKeys.TRAIN, est.ModeKeys.EVAL, est.ModeKeys.PREDICT) == (
        "train", "eval", "infer")
    loss = tf.reduce_sum(tf.Variable([1.0, 2.0]))
    train_op = tf.no_op()
    with pytest.raises(ValueError, match="Missing train_op"):
        est.EstimatorSpec(est.ModeKeys.TRAIN, loss=loss)
    with pytest.raises(ValueError, match="Missing loss"):
        est.EstimatorSpec(est.ModeKeys.TRAIN, train_op=train_op)
    with pytest.raises(ValueError, match="Missing loss"):
        est.EstimatorSpec(est.ModeKeys.EVAL)
    with pytest.raises(ValueError, match="Missing predictions"):
        est.EstimatorSpec(est.ModeKeys.PREDICT)
    with pytest.raises(ValueError, match="Loss must be scalar"):
        est.EstimatorSpec(est.ModeKeys.EVAL, loss=tf.ones([3]))
    with pytest.raises(TypeError, match="loss must be Tensor"):
        est.EstimatorSpec(est.ModeKeys.EVAL, loss=1.0)
    with pytest.raises(TypeError, match=r"\(metric_value, update_op\) tuples"):
        est.EstimatorSpec(est.ModeKeys.EVAL, loss=loss, eval_metric_ops={"m": loss})
    with pytest.raises(TypeError, match="SessionRunHook"):
        est.EstimatorSpec(est.ModeKeys.TRAIN, loss=loss, train_op=train_op, training_hooks=[1])
    with tf.Graph().as_default():
        other = tf.constant(1.0)
    with pytest.raises(ValueError, match="must be from the default graph"):
        est.EstimatorSpec(est.ModeKeys.EVAL, loss=other)
    spec = est.EstimatorSpec(est.ModeKeys.EVAL, loss=tf.reshape(loss, [1]))
    assert spec.loss.shape.rank == 0 and spec.predictions == {} and spec.eval_metric_ops == {}
    assert isinstance(spec.scaffold, tf.train.Scaffold) and spec.training_hooks == ()
    with pytest.raises(ValueError, match="mode of EstimatorSpec cannot be changed"):
        spec._replace(mode=est.ModeKeys.TRAIN)
    with pytest.raises(ValueError, match="Missing train_op"):
        est.EstimatorSpec(est.ModeKeys.TRAIN, loss=loss)._replace(loss=loss)


def test_configuration_and_argument_errors(tmp_path):
    assert est.RunConfig().save_checkpoints_secs == 600
    assert est.RunConfig().save_checkpoints_steps is None
    config = est.RunConfig(save_checkpoints_steps=10)
    assert config.save_checkpoints_secs is None and config.keep_checkpoint_max == 5
    assert config.replace(save_checkpoints_secs=5).save_checkpoints_steps is None
    with pytest.raises(ValueError, match="cannot be both set"):
        est.RunConfig(save_checkpoints_steps=10, save_checkpoints_secs=10)
    with pytest.raises(NotImplementedError, match="train_distribute"):
        est.RunConfig(train_distribute=object())
    with pytest.raises(ValueError, match="must include features argument"):
        est.Estimator(lambda inputs, labels: None)
    with pytest.raises(ValueError, match="does not include params argument"):
        est.Estimator(lambda features, labels: None, model_dir=tmp_path, params={"a": 1})
    with pytest.raises(ValueError, match="not expected args"):
        est.Estimator(lambda features, labels, extra: None, model_dir=tmp_path)
    with pytest.raises(ValueError, match="are set both in constructor and `RunConfig`"):
        est.Estimator(linear_model_fn, model_dir=tmp_path / "a",
                      config=est.RunConfig(model_dir=str(tmp_path / "b")))
    estimator = est.Estimator(linear_model_fn, model_dir=tmp_path, params={"lr": 0.5})
    with pytest.raises(ValueError, match="Can not provide both steps and max_steps"):
        estimator.train(dataset_input_fn(), steps=1, max_steps=1)
    with pytest.raises(ValueError, match="Must specify steps > 0, given: 0"):
        estimator.train(dataset_input_fn(), steps=0)
    with pytest.raises(ValueError, match="Could not find trained model"):
        estimator.get_variable_names()
    with pytest.raises(ValueError, match="An input_receiver_fn must be defined"):
        estimator.export_saved_model(str(tmp_path), None)

    x, y = toy_data()
    with pytest.raises(ValueError, match="shuffle must be provided and explicitly set as "
                                         "boolean"):
        est.inputs.numpy_input_fn(x={"x": x}, y=y)
    with pytest.raises(TypeError, match="x must be a dict or array; got list"):
        est.inputs.numpy_input_fn(x=[1, 2], shuffle=False)()
    with pytest.raises(ValueError, match="Length of tensors in x and y is mismatched"):
        est.inputs.numpy_input_fn(x={"x": x}, y=y[:5], shuffle=False)()
    with pytest.raises(ValueError, match="duplicate keys"):
        est.inputs.numpy_input_fn(x={"x": x}, y={"x": y}, shuffle=False)()


def test_temporary_model_dir_is_made_and_used():
    estimator = est.Estimator(linear_model_fn, params={"lr": 0.5}, config=run_config())
    try:
        assert Path(estimator.model_dir).parent == Path(tempfile.gettempdir())
        estimator.train(dataset_input_fn(), steps=3)
        assert estimator.latest_checkpoint() == os.path.join(estimator.model_dir, "model.ckpt-3")
    finally:
        import shutil
        shutil.rmtree(estimator.model_dir)


def batches_of(input_fn):
    with tf.Graph().as_default():
        features, labels = input_fn()
        out = []
        with tf.Session(config=tf.ConfigProto(**SESSION)) as session:
            try:
                while True:
                    out.append(session.run([features, labels]))
            except tf.errors.OutOfRangeError:
                return out


def test_numpy_input_fn_epochs_batches_and_shuffling():
    x, y = toy_data()
    ordered = batches_of(est.inputs.numpy_input_fn(x, y, batch_size=32, num_epochs=2,
                                                   shuffle=False))
    assert [len(b[0]) for b in ordered] == [32] * 6 + [8]  # epochs run on into each other
    np.testing.assert_array_equal(np.concatenate([b[0][:, 0] for b in ordered]),
                                  np.tile(np.arange(100), 2))
    np.testing.assert_array_equal(np.concatenate([b[1] for b in ordered]), np.tile(y, 2))
    shuffled = batches_of(est.inputs.numpy_input_fn(x, y, batch_size=32, num_epochs=1,
                                                    shuffle=True))
    rows = np.concatenate([b[0][:, 0] for b in shuffled]).astype(int)
    assert sorted(rows) == list(range(100)) and list(rows) != list(range(100))
    np.testing.assert_array_equal(np.concatenate([b[1] for b in shuffled]), y[rows])
    with tf.Graph().as_default():
        features, labels = est.inputs.numpy_input_fn({"x": x}, {"y": y}, batch_size=16,
                                                     num_epochs=None, shuffle=True)()
        assert features["x"].shape.as_list() == [16, 3] and labels["y"].dtype == tf.int64


def test_num_epochs_ends_training_and_evaluation(tmp_path):
    x, y = toy_data()
    estimator = est.Estimator(linear_model_fn, model_dir=tmp_path, config=run_config(),
                              params={"lr": 0.5})
    estimator.train(est.inputs.numpy_input_fn(x, y, batch_size=32, num_epochs=2, shuffle=True))
    assert estimator.get_variable_value("global_step") == 7  # ceil(200 / 32), then OutOfRange
    results = estimator.evaluate(est.inputs.numpy_input_fn(x, y, batch_size=32, shuffle=False))
    assert results["examples"] == 100 and results["mean_x"] == pytest.approx(49.5)
    assert results["global_step"] == 7
    partial = estimator.evaluate(est.inputs.numpy_input_fn(x, y, batch_size=32, shuffle=False),
                                 steps=2, name="two")
    assert partial["examples"] == 64
    assert event_tags(tmp_path / "eval_two") >= {"examples", "mean_x", "loss"}
    classes = list(estimator.predict(est.inputs.numpy_input_fn(x, batch_size=32, shuffle=False)))
    assert len(classes) == 100 and all(c in (0, 1) for c in classes)


def mnist_columns():
    return [tf.feature_column.numeric_column("x", shape=[784])]


def mnist_inputs(mnist, train_rows=None):
    train, test = mnist.train, mnist.test
    rows = slice(None, train_rows)
    train_fn = est.inputs.numpy_input_fn(
        {"x": train.images[rows]}, train.labels[rows].astype(np.int32), batch_size=100,
        num_epochs=None, shuffle=True)
    test_fn = est.inputs.numpy_input_fn({"x": test.images}, test.labels.astype(np.int32),
                                        num_epochs=1, shuffle=False)
    return train_fn, test_fn


def test_dnn_classifier_on_mnist(mnist, tmp_path):
    train_fn, test_fn = mnist_inputs(mnist)
    classifier = est.DNNClassifier(hidden_units=[256, 32], feature_columns=mnist_columns(),
                                   n_classes=10, model_dir=tmp_path, config=run_config(
                                       tf_random_seed=1))
    classifier.train(train_fn, steps=300)
    results = classifier.evaluate(test_fn)
    print("DNNClassifier 300 steps:", results)
    assert set(results) == {"accuracy", "average_loss", "loss", "global_step"}
    assert results["accuracy"] > 0.9
    # the v1 canned loss is summed over each batch of 128, the average per example
    assert 100 < results["loss"] / results["average_loss"] < 130
    names = set(classifier.get_variable_names())
    assert {"dnn/hiddenlayer_0/kernel", "dnn/hiddenlayer_1/bias", "dnn/logits/kernel",
            "dnn/hiddenlayer_0/kernel/t_0/Adagrad"} <= names  # TF1's checkpoint names
    assert classifier.get_variable_value("dnn/hiddenlayer_0/kernel").shape == (784, 256)
    assert event_tags(tmp_path) >= {"loss", "average_loss", "global_step/sec",
                                    "dnn/dnn/hiddenlayer_0/fraction_of_zero_values"}
    first = next(classifier.predict(est.inputs.numpy_input_fn(
        {"x": mnist.test.images[:5]}, shuffle=False)))
    assert set(first) == {"logits", "probabilities", "class_ids", "classes", "all_class_ids",
                          "all_classes"}
    assert first["classes"] == [str(first["class_ids"][0]).encode()]
    assert first["probabilities"].shape == (10,)


def test_linear_classifier_on_mnist(mnist, tmp_path):
    train_fn, test_fn = mnist_inputs(mnist)
    classifier = est.LinearClassifier(feature_columns=mnist_columns(), n_classes=10,
                                      model_dir=tmp_path, config=run_config(tf_random_seed=1))
    classifier.train(train_fn, steps=300)
    results = classifier.evaluate(test_fn)
    print("LinearClassifier 300 steps:", results)
    assert set(results) == {"accuracy", "average_loss", "loss", "global_step"}
    assert results["accuracy"] > 0.85
    assert {"linear/linear_model/x/weights", "linear/linear_model/bias_weights",
            "linear/linear_model/x/weights/part_0/Ftrl",
            "linear/linear_model/bias_weights/part_0/Ftrl_1"} <= set(classifier.get_variable_names())
    assert classifier.get_variable_value("linear/linear_model/x/weights").shape == (784, 10)


def test_binary_linear_classifier_reports_tf1_metrics(mnist, tmp_path):
    train, test = mnist.train, mnist.test
    pick, pick_test = train.labels < 2, test.labels < 2
    classifier = est.LinearClassifier(mnist_columns(), model_dir=tmp_path, config=run_config())
    classifier.train(est.inputs.numpy_input_fn(
        {"x": train.images[pick]}, train.labels[pick].astype(np.int64), batch_size=50,
        num_epochs=None, shuffle=True), steps=50)
    results = classifier.evaluate(est.inputs.numpy_input_fn(
        {"x": test.images[pick_test]}, test.labels[pick_test].astype(np.int64), shuffle=False))
    assert set(results) == {"accuracy", "accuracy_baseline", "auc", "auc_precision_recall",
                            "average_loss", "label/mean", "loss", "precision",
                            "prediction/mean", "recall", "global_step"}
    assert results["accuracy"] > 0.97 and results["auc"] > 0.97
    assert results["label/mean"] == pytest.approx(test.labels[pick_test].mean(), abs=1e-6)
    first = next(classifier.predict(est.inputs.numpy_input_fn(
        {"x": test.images[pick_test][:3]}, shuffle=False)))
    assert first["logits"].shape == (1,) and first["probabilities"].shape == (2,)
    assert first["logistic"][0] == pytest.approx(first["probabilities"][1], rel=1e-5)
    with pytest.raises(NotImplementedError, match="weight_column"):
        est.LinearClassifier(mnist_columns(), weight_column="w")
    with pytest.raises(ValueError, match="n_classes must be > 1"):
        est.DNNClassifier([10], mnist_columns(), n_classes=1)


def test_train_and_evaluate_locally(tmp_path):
    x, y = toy_data()
    estimator = est.Estimator(linear_model_fn, model_dir=tmp_path, params={"lr": 0.5},
                              config=run_config(save_checkpoints_steps=20))
    metrics, exports = est.train_and_evaluate(
        estimator, est.TrainSpec(dataset_input_fn(), max_steps=60),
        est.EvalSpec(est.inputs.numpy_input_fn(x, y, batch_size=25, shuffle=False),
                     steps=None, throttle_secs=1))
    assert exports == [] and metrics["global_step"] == 60 and metrics["examples"] == 100
    assert event_tags(tmp_path / "eval") >= {"examples", "loss"}
    with pytest.raises(ValueError, match="Must specify max_steps > 0"):
        est.TrainSpec(dataset_input_fn(), max_steps=0)
    with pytest.raises(TypeError, match="`exporters` must be an Exporter"):
        est.EvalSpec(dataset_input_fn(), exporters=[object()])


def test_queue_input_and_monitored_training_session(tmp_path):
    x, y = toy_data()
    with tf.Graph().as_default():
        row, label = tf.train.slice_input_producer([x, y], num_epochs=2, shuffle=True, seed=3)
        rows, labels = tf.train.shuffle_batch([row, label], batch_size=16, capacity=64,
                                              min_after_dequeue=16, seed=4,
                                              allow_smaller_final_batch=True)
        seen = []
        with tf.Session(config=tf.ConfigProto(**SESSION)) as session:
            session.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(session, coord)
            try:
                while not coord.should_stop():
                    batch_rows, batch_labels = session.run([rows, labels])
                    np.testing.assert_array_equal(batch_labels, y[batch_rows[:, 0].astype(int)])
                    seen.extend(batch_rows[:, 0].astype(int))
            except tf.errors.OutOfRangeError:
                pass
            finally:
                coord.request_stop()
            coord.join(threads)
    assert sorted(seen) == sorted(list(range(100)) * 2)

    logged = []
    with tf.Graph().as_default():
        step = tf.train.get_or_create_global_step()
        row, label = tf.train.slice_input_producer([x, y], shuffle=False)
        rows, labels = tf.train.batch([row, label], batch_size=10)
        logits = tf.layers.dense(rows, 2)
        loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
        train_op = tf.train.GradientDescentOptimizer(0.01).minimize(loss, global_step=step)
        hooks = [tf.train.StopAtStepHook(last_step=30),
                 tf.train.LoggingTensorHook({"loss": loss}, every_n_iter=10,
                                            formatter=lambda values: logged.append(values["loss"]))]
        runs = 0
        with tf.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path), hooks=hooks,
                                               config=tf.ConfigProto(**SESSION)) as session:
            while not session.should_stop():
                session.run(train_op)
                runs += 1
    assert runs == 30 and len(logged) == 3  # iterations 0, 10 and 20
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-30")


def test_queue_input_fn_trains_an_estimator(tmp_path):
    def input_fn():
        x, y = toy_data()
        row, label = tf.train.slice_input_producer([x, y], num_epochs=1, shuffle=False)
        return tf.train.batch([row, label], batch_size=10, allow_smaller_final_batch=True)

    estimator = est.Estimator(linear_model_fn, model_dir=tmp_path, params={"lr": 0.5},
                              config=run_config())
    estimator.train(input_fn)
    assert estimator.get_variable_value("global_step") == 10
    assert estimator.evaluate(input_fn)["examples"] == 100


def test_import_leaves_tf2_behaviour_and_estimator_still_trains(tmp_path):
    code = (
        "import numpy as np, tensorflow as tf\n"
        "from graph_cnn.legacy import estimator as est\n"
        "assert tf.executing_eagerly()\n"
        "def model_fn(features, labels, mode):\n"
        "    w = tf.compat.v1.get_variable('w', [3, 1])\n"
        "    loss = tf.reduce_mean(tf.square(tf.matmul(features, w)[:, 0] - labels))\n"
        "    opt = tf.compat.v1.train.GradientDescentOptimizer(0.001)\n"
        "    step = tf.compat.v1.train.get_global_step()\n"
        "    return est.EstimatorSpec(mode, loss=loss, train_op=opt.minimize(loss, step))\n"
        "x = np.ones((40, 3), np.float32)\n"
        f"e = est.Estimator(model_fn, model_dir={str(tmp_path)!r})\n"
        "e.train(est.inputs.numpy_input_fn(x, x[:, 0], batch_size=8, shuffle=False))\n"
        "print(e.evaluate(est.inputs.numpy_input_fn(x, x[:, 0], shuffle=False))['global_step'])\n"
        "assert tf.executing_eagerly()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False, cwd=ROOT, timeout=300, env=dict(
                                os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "5"
