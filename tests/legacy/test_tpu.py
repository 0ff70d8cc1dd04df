"""TF1's TPU family run as TF1 ran it without a TPU (``use_tpu=False``): TPUEstimator trains,
evaluates and predicts on the CPU with TPU ``model_fn``s; the names that need a TPU refuse in one
line; a BERT-style script runs unchanged through ``graph-cnn legacy``."""

import re
import textwrap
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli

from graph_cnn.legacy import contrib, tf

SESSION = {"intra_op_parallelism_threads": 1, "inter_op_parallelism_threads": 1}
WEIGHTS = np.array([[1.0], [-2.0], [0.5]], "float32")


def tpu_config(model_dir, **kwargs):
    return tf.contrib.tpu.RunConfig(
        model_dir=str(model_dir), session_config=tf.ConfigProto(**SESSION),
        tpu_config=tf.contrib.tpu.TPUConfig(iterations_per_loop=10), **kwargs)


def regression_input_fn(seen):
    def input_fn(params):
        seen.append(params["batch_size"])
        x = np.random.RandomState(0).randn(256, 3).astype("float32")
        dataset = tf.data.Dataset.from_tensor_slices((x, x @ WEIGHTS))
        return dataset.repeat().batch(params["batch_size"])
    return input_fn


def dense_model_fn(calls):
    """A dense layer fitting y = xW, returning TPUEstimatorSpecs as TPU model_fns did."""
    def model_fn(features, labels, mode, params):
        calls.append((mode, params["use_tpu"], params.get("batch_size")))
        pred = tf.layers.dense(features, 1)
        if mode == tf.estimator.ModeKeys.PREDICT:
            return tf.contrib.tpu.TPUEstimatorSpec(mode, predictions={"y": pred})
        loss = tf.losses.mean_squared_error(labels, pred)
        optimizer = tf.contrib.tpu.CrossShardOptimizer(tf.train.GradientDescentOptimizer(0.05))
        train_op = optimizer.minimize(loss, tf.train.get_global_step())

        def metric_fn(labels, pred):
            return {"mae": tf.metrics.mean_absolute_error(labels, pred)}

        def scaffold_fn():
            calls.append("scaffold_fn")
            return tf.train.Scaffold()

        return tf.contrib.tpu.TPUEstimatorSpec(mode, loss=loss, train_op=train_op,
                                               eval_metrics=(metric_fn, [labels, pred]),
                                               scaffold_fn=scaffold_fn)
    return model_fn


def test_tpu_estimator_trains_evaluates_and_predicts_on_the_cpu(tmp_path):
    calls, batches = [], []
    estimator = tf.contrib.tpu.TPUEstimator(
        dense_model_fn(calls), config=tpu_config(tmp_path), use_tpu=False, train_batch_size=16,
        eval_batch_size=8, predict_batch_size=4)
    input_fn = regression_input_fn(batches)
    estimator.train(input_fn, max_steps=1)
    before = estimator.evaluate(input_fn, steps=4)
    estimator.train(input_fn, max_steps=80)
    after = estimator.evaluate(input_fn, steps=4)
    assert batches == [16, 8, 16, 8]  # params['batch_size'] is the mode's batch size
    assert ("train", False, 16) in calls and ("eval", False, 8) in calls
    assert calls.count("scaffold_fn") == 4
    assert after["global_step"] == 80
    assert after["loss"] < before["loss"] / 20
    assert after["mae"] < before["mae"] / 4  # eval_metrics=(metric_fn, tensors) became metrics

    def predict_input_fn(params):
        batches.append(params["batch_size"])
        return tf.data.Dataset.from_tensor_slices(np.eye(3, dtype="float32")).batch(
            params["batch_size"])

    predictions = list(estimator.predict(predict_input_fn))
    assert batches[-1] == 4 and ("infer", False, 4) in calls
    np.testing.assert_allclose([p["y"][0] for p in predictions], WEIGHTS[:, 0], atol=0.1)


def test_host_call_runs_its_summaries_with_the_steps(tmp_path):
    def model_fn(features, labels, mode, params):
        pred = tf.layers.dense(features, 1)
        loss = tf.losses.mean_squared_error(labels, pred)
        step = tf.train.get_global_step()
        train_op = tf.train.GradientDescentOptimizer(0.05).minimize(loss, step)

        def host_call_fn(gs, loss):
            with tf.contrib.summary.create_file_writer(str(tmp_path / "host")).as_default(), \
                    tf.contrib.summary.always_record_summaries():
                tf.contrib.summary.scalar("host_loss", loss[0], step=gs[0])
                return tf.contrib.summary.all_summary_ops()

        host_call = (host_call_fn, [tf.reshape(step, [1]), tf.reshape(loss, [1])])
        return tf.contrib.tpu.TPUEstimatorSpec(mode, loss=loss, train_op=train_op,
                                               host_call=host_call)

    estimator = tf.contrib.tpu.TPUEstimator(model_fn, config=tpu_config(tmp_path),
                                            use_tpu=False, train_batch_size=8)
    estimator.train(regression_input_fn([]), max_steps=5)
    steps = [event.step for path in (tmp_path / "host").glob("events.*")
             for event in tf.train.summary_iterator(str(path)) if event.summary.value]
    # one summary per step (the step read alongside the train op: before or after it)
    assert len(steps) == 5 and set(steps) <= set(range(6))


def test_host_call_and_eval_metrics_are_checked_as_tf1_did():
    with pytest.raises(RuntimeError, match="length of tensors 1 does not match"):
        tf.contrib.tpu.TPUEstimatorSpec("eval", eval_metrics=(lambda a, b: {}, [1]))
    with pytest.raises(ValueError, match="eval_metrics should have two elements"):
        tf.contrib.tpu.TPUEstimatorSpec("eval", eval_metrics=(len,))


def test_cross_shard_optimizer_makes_the_wrapped_optimizers_update():
    def updated(wrap):
        with tf.Graph().as_default():
            var = tf.Variable([1.0, -2.0])
            loss = tf.reduce_sum(tf.square(var - [3.0, 1.0]))
            adam = tf.train.AdamOptimizer(0.1)
            optimizer = tf.contrib.tpu.CrossShardOptimizer(adam) if wrap else adam
            train = optimizer.minimize(loss)
            assert optimizer.get_slot(var, "m") is adam.get_slot(var, "m")
            with tf.Session(config=tf.ConfigProto(**SESSION)) as session:
                session.run(tf.global_variables_initializer())
                for _ in range(3):
                    session.run(train)
                return session.run(var)

    np.testing.assert_array_equal(updated(True), updated(False))
    assert not np.allclose(updated(False), [1.0, -2.0])
    with pytest.raises(ValueError, match="Unsupported reduction"):
        tf.contrib.tpu.CrossShardOptimizer(tf.train.AdamOptimizer(), reduction="none")


def one_line(excinfo):
    message = str(excinfo.value)
    assert "\n" not in message
    return message


def test_what_needs_a_tpu_refuses_in_one_line(tmp_path):
    with pytest.raises(ValueError) as excinfo:
        tf.contrib.cluster_resolver.TPUClusterResolver(tpu="my-tpu", zone="us-central1-b")
    assert "no TPU" in one_line(excinfo) and "use_tpu=False" in one_line(excinfo)
    with pytest.raises(RuntimeError) as excinfo:
        tf.contrib.distribute.TPUStrategy()
    assert "use_tpu=False" in one_line(excinfo)
    with pytest.raises(RuntimeError, match="needs a TPU"):
        tf.contrib.distribute.initialize_tpu_system()
    with pytest.raises(RuntimeError, match="needs a TPU"):
        tf.contrib.tpu.initialize_system()
    # TF 1.15 built a use_tpu=True estimator and failed when it looked for TPU cores
    estimator = tf.contrib.tpu.TPUEstimator(dense_model_fn([]), config=tpu_config(tmp_path),
                                            train_batch_size=8)
    with pytest.raises(RuntimeError) as excinfo:
        estimator.train(regression_input_fn([]), max_steps=1)
    assert one_line(excinfo).startswith("Cannot find any TPU cores in the system")
    assert "use_tpu=False" in one_line(excinfo)
    with pytest.raises(ValueError, match="`train_batch_size` cannot be `None`"):
        tf.contrib.tpu.TPUEstimator(dense_model_fn([]), config=tpu_config(tmp_path))


def test_configs_keep_tf1_fields_defaults_and_checks(tmp_path):
    config = tf.contrib.tpu.TPUConfig()
    assert (config.iterations_per_loop, config.num_shards, config.per_host_input_for_training
            ) == (2, None, tf.contrib.tpu.InputPipelineConfig.PER_HOST_V1)
    assert tf.contrib.tpu.TPUConfig(per_host_input_for_training=False).per_host_input_for_training \
        == tf.contrib.tpu.InputPipelineConfig.PER_SHARD_V1 == 1
    with pytest.raises(ValueError, match="iterations_per_loop must be positive integer"):
        tf.contrib.tpu.TPUConfig(iterations_per_loop=0)
    run = tf.contrib.tpu.RunConfig(model_dir=str(tmp_path), master=None, cluster=None)
    assert run.tpu_config == config and run.master == "" and run.cluster is None
    replaced = run.replace(tpu_config=tf.contrib.tpu.TPUConfig(5), save_summary_steps=7)
    assert replaced.tpu_config.iterations_per_loop == 5 and replaced.save_summary_steps == 7
    assert isinstance(replaced, tf.estimator.tpu.RunConfig)
    with pytest.raises(ValueError, match="must be provided with type `tpu_config.RunConfig`"):
        tf.contrib.tpu.TPUEstimator(dense_model_fn([]), use_tpu=False,
                                    config=tf.estimator.RunConfig())
    with pytest.raises(NotImplementedError, match="remote TensorFlow server"):
        tf.contrib.tpu.RunConfig(master="grpc://10.0.0.2:8470")
    # TF1's module paths lead to the same names
    assert contrib.tpu.python.tpu.tpu_config.RunConfig is tf.estimator.tpu.RunConfig
    assert contrib.tpu.python.tpu.tpu_estimator.TPUEstimator is tf.estimator.tpu.TPUEstimator


BERT_STYLE = '''
    import numpy as np
    import tensorflow as tf
    from tensorflow.contrib.tpu.python.tpu import tpu_config

    flags = tf.flags
    FLAGS = flags.FLAGS
    flags.DEFINE_string("output_dir", None, "Where checkpoints go.")
    flags.DEFINE_bool("use_tpu", False, "Whether to use TPU or GPU/CPU.")
    flags.DEFINE_string("tpu_name", None, "The Cloud TPU to use for training.")
    flags.DEFINE_integer("train_batch_size", 16, "Total batch size for training.")
    flags.DEFINE_integer("num_train_steps", 60, "Number of training steps.")
    flags.DEFINE_integer("iterations_per_loop", 10, "How many steps per estimator call.")


    def input_fn_builder(is_training):
        def input_fn(params):
            batch_size = params["batch_size"]
            x = np.random.RandomState(1).randn(128, 4).astype(np.float32)
            y = (x.sum(axis=1) > 0).astype(np.int32)
            d = tf.data.Dataset.from_tensor_slices(({"x": x}, y))
            if is_training:
                d = d.repeat().shuffle(buffer_size=100)
            return d.batch(batch_size, drop_remainder=True)
        return input_fn


    def model_fn_builder(learning_rate, use_tpu):
        def model_fn(features, labels, mode, params):
            tf.logging.info("*** Features ***")
            logits = tf.layers.dense(features["x"], 2)
            loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
            if mode == tf.estimator.ModeKeys.TRAIN:
                optimizer = tf.train.AdamOptimizer(learning_rate)
                if use_tpu:
                    optimizer = tf.contrib.tpu.CrossShardOptimizer(optimizer)
                train_op = optimizer.minimize(loss, tf.train.get_global_step())
                return tf.contrib.tpu.TPUEstimatorSpec(mode=mode, loss=loss, train_op=train_op)

            def metric_fn(labels, logits):
                predictions = tf.argmax(logits, axis=-1, output_type=tf.int32)
                return {"eval_accuracy": tf.metrics.accuracy(labels, predictions)}

            return tf.contrib.tpu.TPUEstimatorSpec(
                mode=mode, loss=loss, eval_metrics=(metric_fn, [labels, logits]))
        return model_fn


    def main(_):
        tf.logging.set_verbosity(tf.logging.INFO)
        tpu_cluster_resolver = None
        if FLAGS.use_tpu and FLAGS.tpu_name:
            tpu_cluster_resolver = tf.contrib.cluster_resolver.TPUClusterResolver(FLAGS.tpu_name)
        is_per_host = tf.contrib.tpu.InputPipelineConfig.PER_HOST_V2
        run_config = tf.contrib.tpu.RunConfig(
            cluster=tpu_cluster_resolver, master=None, model_dir=FLAGS.output_dir,
            save_checkpoints_steps=30,
            tpu_config=tpu_config.TPUConfig(iterations_per_loop=FLAGS.iterations_per_loop,
                                            num_shards=8,
                                            per_host_input_for_training=is_per_host))
        estimator = tf.contrib.tpu.TPUEstimator(
            use_tpu=FLAGS.use_tpu, model_fn=model_fn_builder(0.05, FLAGS.use_tpu),
            config=run_config, train_batch_size=FLAGS.train_batch_size, eval_batch_size=32)
        estimator.train(input_fn=input_fn_builder(True), max_steps=FLAGS.num_train_steps)
        result = estimator.evaluate(input_fn=input_fn_builder(False), steps=None)
        for key in sorted(result.keys()):
            print("%s = %s" % (key, str(result[key])))


    if __name__ == "__main__":
        flags.mark_flag_as_required("output_dir")
        tf.app.run()
'''


def test_a_bert_style_script_runs_through_the_runner(tmp_path):
    script = tmp_path / "run_classifier.py"
    script.write_text(textwrap.dedent(BERT_STYLE))
    result = run_cli("legacy", script, "--output_dir", tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    values = dict(re.findall(r"^(\w+) = (\S+)$", result.stdout, re.MULTILINE))
    assert values["global_step"] == "60"
    assert float(values["eval_accuracy"]) >= 0.9 and float(values["loss"]) < 0.4
    assert (tmp_path / "out" / "model.ckpt-60.index").exists()
    assert "Running train on CPU" in result.stderr and "Running eval on CPU" in result.stderr
    # asked for a TPU, the same script stops in one line saying what to do
    refused = run_cli("legacy", script, "--output_dir", tmp_path / "tpu", "--use_tpu=true",
                      "--tpu_name", "my-tpu")
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[-1].startswith("ValueError: TPUClusterResolver(")
    assert "use_tpu=False" in refused.stderr.strip().splitlines()[-1]


def test_check_says_before_running_that_the_program_may_need_a_tpu(tmp_path):
    script = tmp_path / "run_classifier.py"
    script.write_text(textwrap.dedent(BERT_STYLE))
    result = run_cli("legacy", "--check", script)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert any(Path(line.split(":")[0]).name == "run_classifier.py" and
               "tf.contrib.cluster_resolver.TPUClusterResolver needs a TPU" in line
               for line in lines), lines
    assert lines[-1].endswith("it needs a TPU unless run with use_tpu=False (no TPU name)")


def linear_model_fn(features, labels, mode):
    """y = xW by a dense layer, with a regression export output."""
    x = features["x"] if isinstance(features, dict) else features
    pred = tf.layers.dense(x, 1, name="dense")
    outputs = {"regression": tf.estimator.export.RegressionOutput(tf.reshape(pred, [-1])),
               "serving_default": tf.estimator.export.PredictOutput({"y": pred})}
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions={"y": pred}, export_outputs=outputs)
    loss = tf.losses.mean_squared_error(labels, pred)
    train_op = tf.train.GradientDescentOptimizer(0.05).minimize(loss, tf.train.get_global_step())
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op, export_outputs=outputs)


def linear_input_fn():
    x = np.random.RandomState(0).randn(256, 3).astype("float32")
    return tf.data.Dataset.from_tensor_slices(({"x": x}, x @ WEIGHTS)).repeat().batch(16)


def test_serving_receivers_and_export_outputs_check_as_tf1_did():
    with tf.Graph().as_default():
        t = tf.placeholder(tf.float32, [None, 3])
        receiver = tf.estimator.export.ServingInputReceiver(t, t)
        assert receiver.features == {"feature": t} and receiver.receiver_tensors == {"input": t}
        assert tf.estimator.export.TensorServingInputReceiver(t, {"x": t}).features is t
        with pytest.raises(ValueError, match="feature x must be a Tensor"):
            tf.estimator.export.ServingInputReceiver({"x": [1.0]}, t)
        fn = tf.estimator.export.build_raw_serving_input_receiver_fn({"x": t[:, :2]}, 4)
        assert fn().receiver_tensors["x"].shape.as_list() == [4, 2]
        output = tf.estimator.export.ClassificationOutput(scores=tf.ones([2, 3]))
        assert isinstance(output, tf.estimator.export.ExportOutput)
        with pytest.raises(ValueError, match="Classification classes must be a string Tensor"):
            tf.estimator.export.ClassificationOutput(classes=tf.ones([2]))


def test_exported_saved_model_serves_the_trained_model(tmp_path):
    estimator = tf.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path))
    estimator.train(linear_input_fn, max_steps=150)
    spec = {"x": tf.FixedLenFeature([3], tf.float32)}
    fn = tf.estimator.export.build_parsing_serving_input_receiver_fn(spec)
    export_dir = estimator.export_saved_model(str(tmp_path / "export"), fn)
    assert isinstance(export_dir, bytes) and Path(export_dir.decode()).parent.name == "export"
    assert [p.name for p in (tmp_path / "export").iterdir()] == [Path(export_dir.decode()).name]
    example = tf.train.Example(features=tf.train.Features(feature={
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=[1.0, 0.0, 2.0]))}))
    with tf.Graph().as_default(), tf.Session() as session:
        meta = tf.saved_model.loader.load(session, ["serve"], export_dir.decode())
        signature = meta.signature_def["serving_default"]
        y = session.run(signature.outputs["y"].name,
                        {signature.inputs["examples"].name: [example.SerializeToString()]})
        assert set(meta.signature_def) == {"serving_default", "regression"}
    np.testing.assert_allclose(y, [[2.0]], atol=0.05)  # 1*1 + 0*-2 + 2*0.5


def test_exporters_run_after_the_evaluations_of_train_and_evaluate(tmp_path):
    estimator = tf.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path), config=(
        tf.estimator.RunConfig(save_checkpoints_steps=20,
                               session_config=tf.ConfigProto(**SESSION))))
    serving = tf.estimator.export.build_raw_serving_input_receiver_fn(
        {"x": tf.zeros([1, 3])})
    exporters = [tf.estimator.LatestExporter("latest", serving, exports_to_keep=2),
                 tf.estimator.FinalExporter("final", serving),
                 tf.estimator.BestExporter("best", serving)]
    metrics, exports = tf.estimator.train_and_evaluate(
        estimator, tf.estimator.TrainSpec(linear_input_fn, max_steps=60),
        tf.estimator.EvalSpec(linear_input_fn, steps=2, exporters=exporters,
                              throttle_secs=1e-6))
    assert metrics["global_step"] == 60 and len(exports) == 3
    latest = sorted((tmp_path / "export" / "latest").iterdir())
    assert len(latest) == 2 and all(p.name.isdigit() for p in latest)  # the newest two kept
    assert len(list((tmp_path / "export" / "final").iterdir())) == 1
    # TF1's BestExporter read the first evaluation back from its events and so skipped it;
    # the later ones, each with a lower loss, were exported
    assert len(list((tmp_path / "export" / "best").iterdir())) == 2
    with pytest.raises(ValueError, match="must have unique names"):
        tf.estimator.EvalSpec(linear_input_fn, exporters=[exporters[0], exporters[0]])


def early_stopped_at(tmp_path, learning_rate, make_hook):
    """The global step train_and_evaluate (max 400 steps, an evaluation every 10) stops at."""
    def model_fn(features, labels, mode):
        pred = tf.layers.dense(features["x"], 1)
        loss = tf.losses.mean_squared_error(labels, pred)
        optimizer = tf.train.GradientDescentOptimizer(learning_rate)
        return tf.estimator.EstimatorSpec(
            mode, loss=loss, train_op=optimizer.minimize(loss, tf.train.get_global_step()))

    estimator = tf.estimator.Estimator(model_fn, model_dir=str(tmp_path), config=(
        tf.estimator.RunConfig(save_checkpoints_steps=10,
                               session_config=tf.ConfigProto(**SESSION))))
    hook = make_hook(estimator)
    metrics, _ = tf.estimator.train_and_evaluate(
        estimator, tf.estimator.TrainSpec(linear_input_fn, max_steps=400, hooks=[hook]),
        tf.estimator.EvalSpec(linear_input_fn, steps=2, throttle_secs=1e-6))
    assert "signal_early_stopping/STOP" in estimator.get_variable_names()
    return metrics["global_step"]


def test_early_stopping_hooks_stop_training_as_the_evaluations_say(tmp_path):
    experimental = tf.estimator.experimental
    # a model that cannot learn: no decrease in the evaluated loss for 20 steps stops it
    stalled = early_stopped_at(tmp_path / "stalled", 0.0, lambda e: experimental.
                               stop_if_no_decrease_hook(e, "loss", 20, run_every_secs=None,
                                                        run_every_steps=1))
    assert 30 <= stalled <= 32
    # a model that learns stops once its evaluated loss is below the threshold
    learned = early_stopped_at(tmp_path / "learned", 0.05, lambda e: experimental.
                               stop_if_lower_hook(e, "loss", 0.01, run_every_secs=None,
                                                  run_every_steps=1))
    evaluations = experimental.read_eval_metrics(str(tmp_path / "learned" / "eval"))
    first_below = min(step for step, m in evaluations.items() if m["loss"] < 0.01)
    assert learned < 400 and first_below <= learned <= first_below + 2
    with pytest.raises(ValueError, match="Only one of `run_every_secs` and `run_every_steps`"):
        experimental.make_early_stopping_hook(tf.estimator.Estimator(linear_model_fn),
                                              lambda: True, 60, 10)


def test_in_memory_evaluator_hook_evaluates_the_training_variables(tmp_path):
    estimator = tf.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path), config=(
        tf.estimator.RunConfig(session_config=tf.ConfigProto(**SESSION))))
    hook = tf.estimator.experimental.InMemoryEvaluatorHook(estimator, linear_input_fn, steps=2,
                                                           name="memory", every_n_iter=20)
    estimator.train(linear_input_fn, max_steps=60, hooks=[hook])
    evaluations = tf.estimator.experimental.read_eval_metrics(estimator.eval_dir("memory"))
    assert list(evaluations) == [0, 20, 40, 60]
    losses = [metrics["loss"] for metrics in evaluations.values()]
    assert losses == sorted(losses, reverse=True) and losses[-1] < losses[0] / 10
    # the last in-memory evaluation is the model's: evaluate() from the checkpoint agrees
    assert estimator.evaluate(linear_input_fn, steps=2)["loss"] == pytest.approx(losses[-1])


def test_bfloat16_scope_keeps_variables_in_float32():
    with tf.Graph().as_default():
        with tf.contrib.tpu.bfloat16_scope():
            w = tf.get_variable("w", [2], dtype=tf.bfloat16)
            dense = tf.layers.dense(tf.ones([1, 2]), 3)
        assert w.dtype == tf.bfloat16 and dense.dtype == tf.float32
        assert {v.dtype.base_dtype for v in tf.global_variables()} == {tf.float32}
