"""tf.estimator's canned regressors and wide-and-deep models as TF 1.15 built them: heads,
variable names, default optimizers, metric keys, and that they learn small synthetic problems."""

import numpy as np
import pytest

from graph_cnn.legacy import estimator as est
from graph_cnn.legacy import tf


def run_config():
    return est.RunConfig(tf_random_seed=1, session_config=tf.ConfigProto(intra_op_parallelism_threads=1,
                                                       inter_op_parallelism_threads=1))


def linear_data(n=512, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.uniform(-1, 1, (n, 2)).astype(np.float32)
    return {"a": x[:, :1], "b": x[:, 1:]}, (2 * x[:, 0] - 3 * x[:, 1] + 1).astype(np.float32)


COLUMNS = [tf.feature_column.numeric_column("a"), tf.feature_column.numeric_column("b")]


def input_fn(features, labels, epochs=None, shuffle=True, batch=32):
    return est.inputs.numpy_input_fn(x=features, y=labels, batch_size=batch, num_epochs=epochs,
                                     shuffle=shuffle)


def names(estimator):
    return set(estimator.get_variable_names())


@pytest.mark.parametrize("make", [
    # the loss is summed over the batch, as in TF1: SGD needs a rate well under 0.2
    lambda d: est.LinearRegressor(COLUMNS, model_dir=d, config=run_config(),
                                  optimizer=tf.train.GradientDescentOptimizer(0.01)),
    lambda d: est.DNNRegressor([16], COLUMNS, model_dir=d, optimizer="Adam",
                               config=run_config()),
    lambda d: est.DNNLinearCombinedRegressor(
        model_dir=d, linear_feature_columns=COLUMNS, dnn_feature_columns=COLUMNS,
        dnn_hidden_units=[8], linear_optimizer="SGD", dnn_optimizer="Adam",
        config=run_config()),
], ids=["linear", "dnn", "combined"])
def test_regressors_learn_a_plane_with_tf1_metrics_and_predictions(tmp_path, make):
    features, labels = linear_data()
    regressor = make(tmp_path)
    regressor.train(input_fn(features, labels), steps=300)
    results = regressor.evaluate(input_fn(features, labels, epochs=1, shuffle=False))
    assert set(results) == {"average_loss", "label/mean", "prediction/mean", "loss",
                            "global_step"}
    assert results["global_step"] == 300
    assert results["average_loss"] < 0.15 * np.var(labels)
    assert results["label/mean"] == pytest.approx(labels.mean(), abs=1e-4)
    # the head's loss is the squared error summed over each evaluated batch, averaged over them
    assert results["loss"] == pytest.approx(results["average_loss"] * 32, rel=0.05)
    predicted = list(regressor.predict(input_fn({k: v[:5] for k, v in features.items()}, None,
                                                epochs=1, shuffle=False)))
    assert [set(p) for p in predicted] == [{"predictions"}] * 5
    got = np.array([p["predictions"][0] for p in predicted])
    assert np.abs(got - labels[:5]).max() < 1.0


def test_wide_and_deep_classifier_keeps_each_part_under_its_optimizer(tmp_path):
    features, values = linear_data(seed=1)
    labels = (values > 1).astype(np.int32)
    model = est.DNNLinearCombinedClassifier(
        model_dir=tmp_path / "defaults", linear_feature_columns=COLUMNS[:1],
        dnn_feature_columns=COLUMNS, dnn_hidden_units=[8, 4], config=run_config())
    model.train(input_fn(features, labels), steps=20)
    found = names(model)
    assert {"dnn/hiddenlayer_0/kernel", "dnn/hiddenlayer_1/bias", "dnn/logits/kernel",
            "linear/linear_model/a/weights", "linear/linear_model/bias_weights",
            "global_step"} <= found
    # TF1's defaults: Adagrad on the DNN, FTRL on the linear part, each on its own variables
    assert "dnn/hiddenlayer_0/kernel/Adagrad" in found
    assert "linear/linear_model/a/weights/Ftrl" in found
    assert not any(n.startswith("dnn/") and n.endswith("Ftrl") for n in found)
    assert not any(n.startswith("linear/") and n.endswith("Adagrad") for n in found)
    assert "linear/linear_model/b/weights" not in found
    assert model.get_variable_value("global_step") == 20  # one step per batch, not per part
    # TF1's default rates (0.001, 0.005) learn slowly; the same model with faster optimizers
    model = est.DNNLinearCombinedClassifier(
        model_dir=tmp_path / "faster", linear_feature_columns=COLUMNS[:1],
        dnn_feature_columns=COLUMNS, dnn_hidden_units=[8, 4], config=run_config(),
        linear_optimizer=tf.train.GradientDescentOptimizer(0.05),
        dnn_optimizer=tf.train.AdamOptimizer(0.01))
    model.train(input_fn(features, labels), steps=200)
    results = model.evaluate(input_fn(features, labels, epochs=1, shuffle=False))
    assert results["global_step"] == 200
    assert results["accuracy"] > 0.95 and "auc" in results


def test_wide_and_deep_needs_columns_and_hidden_units():
    with pytest.raises(ValueError, match="Either linear_feature_columns or dnn_feature_columns"):
        est.DNNLinearCombinedClassifier()
    with pytest.raises(ValueError, match="dnn_hidden_units must be defined"):
        est.DNNLinearCombinedRegressor(dnn_feature_columns=COLUMNS)
    with pytest.raises(ValueError, match="Invalid label_dimension"):
        est.DNNRegressor([4], COLUMNS, label_dimension=0)
