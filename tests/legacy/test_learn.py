"""``tf.contrib.learn`` past MNIST, ``contrib.metrics``, ``contrib.framework``, the projector
config, ``slim.model_analyzer`` and ``tf.__version__``, against TF 1.x's documented behaviour;
and three TF1-era scripts (the iris quickstart, a VocabularyProcessor text classifier, a
projector config) run unchanged through ``graph-cnn legacy`` on stand-in data in the real
formats."""

import csv
import re

import numpy as np
import pytest
from conftest import run_cli
from google.protobuf import text_format
from test_runner import SCRIPTS, _stderr_lines

from graph_cnn.legacy import tf
from graph_cnn.legacy.contrib import framework, learn, metrics, slim
from graph_cnn.legacy.contrib.tensorboard.plugins import projector

ONE_THREAD = {"intra_op_parallelism_threads": 1, "inter_op_parallelism_threads": 1}


def run_config(**kwargs):
    return learn.RunConfig(num_cores=1, **kwargs)


def write_iris_csvs(folder):
    """TF1's iris_training.csv / iris_test.csv layout: ``n,4,setosa,versicolor,virginica``,
    then ``f1,f2,f3,f4,class`` rows (scikit-learn's iris, split 120/30)."""
    from sklearn.datasets import load_iris

    iris = load_iris()
    order = np.random.RandomState(0).permutation(150)
    paths = []
    for name, rows in (("iris_training.csv", order[:120]), ("iris_test.csv", order[120:])):
        path = folder / name
        lines = [f"{len(rows)},4,setosa,versicolor,virginica"]
        lines += [",".join(f"{v:.1f}" for v in iris.data[i]) + f",{iris.target[i]}" for i in rows]
        path.write_text("\n".join(lines) + "\n")
        paths.append(path)
    return paths


# --- datasets ---------------------------------------------------------------------------------

def test_csv_loaders_read_tf1s_formats(tmp_path):
    train, _ = write_iris_csvs(tmp_path)
    data = learn.datasets.base.load_csv_with_header(str(train), target_dtype=np.int32,
                                                    features_dtype=np.float32)
    assert data.data.shape == (120, 4) and data.data.dtype == np.float32
    assert data.target.shape == (120,) and data.target.dtype == np.int32
    first = train.read_text().splitlines()[1].split(",")
    assert data.data[0].tolist() == pytest.approx([float(v) for v in first[:4]])
    assert data.target[0] == int(first[4])
    plain = tmp_path / "plain.csv"
    plain.write_text('3,"a title","some text"\n1,"other","more"\n')
    rows = learn.datasets.base.load_csv_without_header(str(plain), target_dtype=np.int32,
                                                       features_dtype=np.str_, target_column=0)
    assert rows.target.tolist() == [3, 1] and rows.data.tolist() == [["a title", "some text"],
                                                                      ["other", "more"]]


def test_load_dataset_iris_boston_and_unknown(monkeypatch):
    iris = learn.datasets.load_dataset("iris")
    assert iris.data.shape == (150, 4) and iris.data.dtype == np.float64
    assert iris.data[0].tolist() == [5.1, 3.5, 1.4, 0.2] and iris.target[0] == 0
    assert sorted(set(iris.target.tolist())) == [0, 1, 2]
    # Boston comes from Keras's copy, which Keras shuffles with RandomState(seed): the loader
    # must give the file's order back (a stand-in keeps this test offline)
    rows = np.arange(506 * 13, dtype=float).reshape(506, 13)
    prices = np.arange(506, dtype=float)

    def keras_load_data(test_split, seed):
        order = np.arange(506)
        np.random.RandomState(seed).shuffle(order)
        return (rows[order], prices[order]), (rows[:0], prices[:0])

    from keras.datasets import boston_housing
    monkeypatch.setattr(boston_housing, "load_data", keras_load_data)
    boston = learn.datasets.load_dataset("boston")
    assert np.array_equal(boston.data, rows) and np.array_equal(boston.target, prices)
    with pytest.raises(ValueError, match="Name of dataset is not found: cifar"):
        learn.datasets.load_dataset("cifar")
    fake = learn.datasets.load_dataset("dbpedia", test_with_fake_data=True)
    assert fake.train.data.shape[1] == 2 and fake.train.target.dtype == np.int32


# --- preprocessing ----------------------------------------------------------------------------

def test_tokenizer_and_vocabulary_processor(tmp_path):
    tokens = next(learn.preprocessing.tokenizer(["Hello WORLD, it's a well-known fooBar."]))
    assert tokens == ["Hello", "WORLD", "it's", "a", "well-known", "fooBar"]
    docs = ["a b c a", "a b", "d"]
    processor = learn.preprocessing.VocabularyProcessor(3)
    ids = np.array(list(processor.fit_transform(docs)))
    assert ids.tolist() == [[1, 2, 3], [1, 2, 0], [4, 0, 0]] and ids.dtype == np.int64
    assert len(processor.vocabulary_) == 5  # four words and <UNK>
    assert next(iter(processor.transform(["c z"]))).tolist() == [3, 0, 0]  # frozen: z is 0
    assert list(processor.reverse([[1, 4, 0]])) == ["a d <UNK>"]
    path = tmp_path / "vocab"
    processor.save(str(path))
    restored = learn.preprocessing.VocabularyProcessor.restore(str(path))
    assert next(iter(restored.transform(["d a"]))).tolist() == [4, 1, 0]
    # min_frequency keeps words seen MORE than that often, renumbered by count then name
    frequent = learn.preprocessing.VocabularyProcessor(4, min_frequency=1)
    frequent.fit(["b a c", "a b", "a"])
    assert next(iter(frequent.transform(["a b c"]))).tolist() == [1, 2, 0, 0]


# --- contrib.metrics, MetricSpec ---------------------------------------------------------------

def test_streaming_metrics_take_predictions_first(graph):
    predictions = tf.constant([1, 0, 1, 1])
    labels = tf.constant([1, 1, 1, 0])
    accuracy = metrics.streaming_accuracy(predictions, labels)
    precision = metrics.streaming_precision(predictions, labels)
    recall = metrics.streaming_recall(predictions, labels)
    mean = metrics.streaming_mean(tf.constant([1.0, 3.0]))
    auc = metrics.streaming_auc(tf.constant([0.9, 0.1, 0.8, 0.3]), tf.constant([1, 0, 1, 0]))
    concat = metrics.streaming_concat(tf.constant([[1, 2]]))
    values, updates = metrics.aggregate_metric_map(
        {"accuracy": accuracy, "precision": precision, "recall": recall, "mean": mean,
         "auc": auc, "concat": concat})
    assert {v.op.name for v in tf.local_variables()} >= {"accuracy/total", "accuracy/count"}
    with tf.Session(config=tf.ConfigProto(**ONE_THREAD)) as session:
        session.run(tf.local_variables_initializer())
        session.run(list(updates.values()))
        session.run(list(updates.values()))
        got = session.run(values)
    assert got["accuracy"] == pytest.approx(0.5)
    assert got["precision"] == pytest.approx(2 / 3) and got["recall"] == pytest.approx(2 / 3)
    assert got["mean"] == pytest.approx(2.0) and got["auc"] == pytest.approx(1.0, abs=1e-3)
    assert got["concat"].tolist() == [[1, 2], [1, 2]]
    with tf.Session() as session:
        assert session.run(metrics.accuracy(predictions, labels)) == pytest.approx(0.5)
        assert session.run(metrics.confusion_matrix([0, 1, 1], [0, 1, 0])).tolist() == \
            [[1, 0], [1, 1]]


def test_metric_spec_passes_tensors_by_argument_name(graph):
    predictions = {"class": tf.constant([1, 0, 2]), "other": tf.constant([0, 0, 0])}
    labels = tf.constant([1, 1, 2])

    def labels_first_unnamed(labels, guesses):
        return labels, guesses

    def no_names(p, q=None):
        return p, q

    for fn, expected in ((metrics.streaming_accuracy, 2 / 3), (tf.metrics.accuracy, 2 / 3)):
        value, update = learn.MetricSpec(fn, prediction_key="class").create_metric_ops(
            {}, labels, predictions)
        with tf.Session() as session:
            session.run(tf.local_variables_initializer())
            session.run(update)
            assert session.run(value) == pytest.approx(expected)
    got = learn.MetricSpec(labels_first_unnamed, prediction_key="class").create_metric_ops(
        {}, labels, predictions)
    assert got == (labels, predictions["class"])
    assert learn.MetricSpec(no_names, "other").create_metric_ops(
        {}, labels, predictions) == (predictions["other"], None)
    with pytest.raises(ValueError, match="requires predictions tensor or single element dict"):
        learn.MetricSpec(metrics.streaming_accuracy).create_metric_ops({}, labels, predictions)


# --- contrib.framework, slim.model_analyzer, projector, tf.__version__ ---------------------

def test_framework_global_step_and_checkpoint_readers(graph, tmp_path):
    assert framework.get_global_step() is None
    step = framework.get_or_create_global_step()
    assert step.op.name == "global_step" and framework.get_or_create_global_step() is step
    with pytest.raises(ValueError, match="already exists"):
        framework.create_global_step()
    with tf.variable_scope("net"):
        weights = slim.model_variable("weights", [2, 3], initializer=tf.ones_initializer())
    with tf.variable_scope("head"):
        tf.get_variable("bias", [3], initializer=tf.zeros_initializer())
    assert framework.get_model_variables() == [weights]
    restore = framework.get_variables_to_restore(exclude=["head"])
    assert [v.op.name for v in restore] == ["global_step", "net/weights"]
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        path = tf.train.Saver().save(session, str(tmp_path / "model.ckpt"))
    assert dict(framework.list_variables(str(tmp_path))) == {
        "global_step": [], "net/weights": [2, 3], "head/bias": [3]}
    assert framework.load_variable(str(tmp_path), "net/weights").tolist() == [[1.0] * 3] * 2
    with tf.Graph().as_default():
        with tf.variable_scope("net"):
            fresh = tf.get_variable("weights", [2, 3], initializer=tf.zeros_initializer())
        init = framework.assign_from_checkpoint_fn(path, [fresh])
        with tf.Session() as session:
            init(session)
            assert session.run(fresh).sum() == 6.0


def test_model_analyzer_prints_tf1s_table(graph, capsys):
    with tf.variable_scope("conv1"):
        tf.get_variable("weights", [5, 5, 3, 64])
    tf.get_variable("bias", [10], dtype=tf.float64)
    size, nbytes = slim.model_analyzer.analyze_vars(tf.global_variables(), print_info=True)
    assert (size, nbytes) == (4810, 4800 * 4 + 80)
    assert capsys.readouterr().out.splitlines() == [
        "---------", "Variables: name (type shape) [size]", "---------",
        "conv1/weights:0 (float32_ref 5x5x3x64) [4800, bytes: 19200]",
        "bias:0 (float64_ref 10) [10, bytes: 80]",
        "Total size of variables: 4810", "Total bytes of variables: 19280"]
    assert slim.model_analyzer.analyze_ops(tf.get_default_graph()) > 0


def test_projector_config_is_tensorboards_own(tmp_path, graph):
    from tensorboard.plugins.projector import projector_config_pb2

    config = projector.ProjectorConfig()
    embedding = config.embeddings.add()
    embedding.tensor_name = "embedding:0"
    embedding.metadata_path = "metadata.tsv"
    writer = tf.summary.FileWriter(str(tmp_path))
    projector.visualize_embeddings(writer, config)
    writer.close()
    parsed = text_format.Parse((tmp_path / "projector_config.pbtxt").read_text(),
                               projector_config_pb2.ProjectorConfig())
    assert parsed == config


def test_version_is_tf1_and_real_version_kept():
    import tensorflow

    assert tf.__version__ == tf.VERSION == tf.version.VERSION == "1.15.5"
    assert tf.TENSORFLOW_VERSION == tensorflow.__version__ != "1.15.5"
    assert tf.compat.as_str(b"x") == "x" and tf.compat.as_bytes("x") == b"x"


# --- estimators ---------------------------------------------------------------------------

def test_linear_regressor_getting_started_names_and_monitors(tmp_path):
    # TF 1.1's "Getting Started": LinearRegressor on x = 1..4, y = -(x - 1) with
    # learn.io.numpy_input_fn; the loss falls near zero and TF1's variable names are kept.
    x = np.array([1.0, 2.0, 3.0, 4.0])
    y = np.array([0.0, -1.0, -2.0, -3.0])
    features = [tf.contrib.layers.real_valued_column("x", dimension=1)]
    estimator = learn.LinearRegressor(feature_columns=features, model_dir=str(tmp_path),
                                      config=run_config())
    with pytest.raises(learn.NotFittedError, match="Couldn't find trained model"):
        estimator.evaluate(x={"x": x}, y=y)
    capture = learn.monitors.CaptureVariable("linear/x/weight:0", every_n=50)
    input_fn = learn.io.numpy_input_fn({"x": x}, y, batch_size=4, num_epochs=1000)
    estimator.fit(input_fn=input_fn, steps=300, monitors=[capture])
    assert sorted(capture.values)[:3] == [1, 51, 101]
    results = estimator.evaluate(input_fn=learn.io.numpy_input_fn({"x": x}, y, batch_size=4,
                                                                  shuffle=False))
    assert set(results) == {"loss", "global_step"} and results["global_step"] == 300
    assert results["loss"] < 0.05
    assert {"linear/x/weight", "linear/bias_weight"} <= set(estimator.get_variable_names())
    scores = list(estimator.predict(x={"x": np.array([5.0])}))
    assert scores[0] == pytest.approx(-4.0, abs=0.5)


def test_custom_model_fn_tuple_constant_input_predicts_once(tmp_path):
    def model(features, target, mode):
        weight = tf.get_variable("w", [], initializer=tf.zeros_initializer())
        prediction = features * weight
        loss = tf.reduce_mean(tf.square(prediction - tf.cast(target, tf.float32)))
        train = tf.train.GradientDescentOptimizer(0.05).minimize(
            loss, global_step=tf.train.get_global_step())
        return prediction, loss, train

    estimator = learn.Estimator(model_fn=model, model_dir=str(tmp_path), config=run_config())
    x = np.arange(1.0, 5.0)
    estimator.fit(x=x, y=2 * x, steps=100)
    assert estimator.get_variable_value("w") == pytest.approx(2.0, abs=1e-3)
    # an input_fn of constants runs once, as TF1's _is_input_constant made it
    got = list(estimator.predict(input_fn=lambda: tf.constant([3.0, 4.0])))
    assert got == pytest.approx([6.0, 8.0], abs=1e-2)
    assert learn.SKCompat(estimator).predict(x, batch_size=3) == pytest.approx(2 * x, abs=1e-2)
    columns = learn.infer_real_valued_columns_from_input(np.zeros((5, 3), np.float64))
    assert [(c.key, c.shape, c.dtype) for c in columns] == [("", (3,), tf.float32)]


def test_dnn_classifier_binary_metrics_and_validation_monitor(tmp_path):
    rng = np.random.RandomState(1)
    x = rng.randn(200, 2).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    classifier = learn.DNNClassifier(
        hidden_units=[8], feature_columns=learn.infer_real_valued_columns_from_input(x),
        model_dir=str(tmp_path), config=run_config(save_checkpoints_steps=50))
    validation = learn.monitors.ValidationMonitor(x[:50], y[:50], every_n_steps=50,
                                                  early_stopping_rounds=1000)
    classifier.fit(x, y, steps=200, batch_size=50, monitors=[validation])
    assert validation.best_step is not None and validation.best_value < 0.69
    results = classifier.evaluate(x=x, y=y)
    assert {"accuracy", "auc", "auc_precision_recall", "loss", "global_step",
            "accuracy/baseline_label_mean", "accuracy/threshold_0.500000_mean",
            "labels/actual_label_mean", "labels/prediction_mean",
            "precision/positive_threshold_0.500000_mean",
            "recall/positive_threshold_0.500000_mean"} == set(results)
    assert results["accuracy"] > 0.9 and results["auc"] > 0.95
    assert results["accuracy/baseline_label_mean"] == pytest.approx(max(y.mean(), 1 - y.mean()))
    classes = classifier.predict(x[:5], as_iterable=False)
    assert classes.dtype == np.int64 and np.mean(classes == y[:5]) >= 0.8
    assert classifier.predict_proba(x[:5], as_iterable=False).shape == (5, 2)
    assert {"dnn/hiddenlayer_0/weights", "dnn/hiddenlayer_0/biases", "dnn/logits/weights",
            "dnn/logits/biases"} <= set(classifier.get_variable_names())


# --- TF1 scripts through graph-cnn legacy -------------------------------------------------------

def test_iris_quickstart_script(tmp_path):
    # TF 1.0's quickstart printed "Test Accuracy: 0.966667" and classes [1, 2] (or [1, 1]).
    train, test = write_iris_csvs(tmp_path)
    result = run_cli("legacy", SCRIPTS / "iris_learn_2017.py", "--train", train, "--test", test,
                     "--model_dir", tmp_path / "model")
    assert result.returncode == 0, result.stderr[-2000:]
    accuracy = float(re.search(r"Test Accuracy: ([0-9.]+)", result.stdout).group(1))
    assert accuracy >= 0.9  # chance is 1/3
    assert re.search(r"Predictions: \[1, [12]\]", result.stdout)
    assert (tmp_path / "model" / "model.ckpt-2000.index").exists()


def test_text_classifier_script_with_vocabulary_processor(tmp_path):
    # DBpedia's layout (class id, title, abstract; no header), three topics of made-up words
    rng = np.random.RandomState(0)
    topics = {1: "company shares market profit firm", 2: "school pupils teachers campus",
              3: "artist painting gallery sculpture"}
    filler = ["the", "a", "of", "in", "was", "is", "by", "and"]
    folder = tmp_path / "dbpedia_data" / "dbpedia_csv"
    folder.mkdir(parents=True)
    for name, count in (("train", 90), ("test", 30)):
        with open(folder / f"{name}.csv", "w", newline="") as f:
            writer = csv.writer(f, quoting=csv.QUOTE_ALL)
            for i in range(count):
                label = i % 3 + 1
                words = [rng.choice(topics[label].split() if rng.rand() < 0.5 else filler)
                         for _ in range(8)]
                writer.writerow([label, f"Title {i}", " " + " ".join(words)])
    result = run_cli("legacy", SCRIPTS / "text_learn_2017.py", "--size", "full",
                     "--model_dir", tmp_path / "model", env={"TF_EXP_BASE_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-2000:]
    words = int(re.search(r"Total words: (\d+)", result.stdout).group(1))
    assert words == 1 + len({w for t in topics.values() for w in t.split()} | set(filler))
    assert re.search(r"First document: (\w+ ){7}\w+ <UNK> <UNK>", result.stdout)
    accuracy = float(re.search(r"^Accuracy: ([0-9.]+)", result.stdout, re.MULTILINE).group(1))
    streaming = float(re.search(r"Streaming accuracy: ([0-9.]+)", result.stdout).group(1))
    assert accuracy >= 0.8 and streaming == pytest.approx(accuracy, abs=1e-6)


def test_projector_script_writes_what_tensorboard_reads(tmp_path):
    from tensorboard.plugins.projector import projector_config_pb2

    result = run_cli("legacy", SCRIPTS / "projector_learn_2017.py", "--log_dir", tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "TensorFlow version 1.15.5" in result.stdout
    assert "embeddings:0 (float32_ref 8x16) [128, bytes: 512]" in result.stdout
    announced = [line for line in _stderr_lines(result) if "tf.__version__ reads" in line]
    assert len(announced) == 1 and "1.15.5" in announced[0]
    config = text_format.Parse((tmp_path / "projector_config.pbtxt").read_text(),
                               projector_config_pb2.ProjectorConfig())
    (embedding,) = config.embeddings
    assert embedding.tensor_name == "embeddings:0"
    assert embedding.metadata_path == "metadata.tsv"
    assert list(embedding.sprite.single_image_dim) == [28, 28]
    saved = dict(tf.train.list_variables(str(tmp_path)))
    assert saved["embeddings"] == [8, 16]
    assert (tmp_path / "metadata.tsv").read_text().split() == [
        "the", "of", "and", "one", "in", "a", "to", "zero"]
