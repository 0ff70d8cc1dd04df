"""``Estimator``, which trains, evaluates and predicts with a ``model_fn`` in a graph of its own
per call, and ``WarmStartSettings``, as TF1's ``estimator.py``."""

import collections
import copy
import inspect
import os
import tempfile
import time

import numpy as np
import tensorflow as tf

from graph_cnn.legacy.estimator.model_fn import EstimatorSpec, ModeKeys, _check_hooks
from graph_cnn.legacy.estimator.run_config import RunConfig

v1 = tf.compat.v1
_log = v1.logging
_VALID_MODEL_FN_ARGS = {"features", "labels", "mode", "params", "self", "config"}


def _fn_args(fn):
    return tuple(name for name, p in inspect.signature(fn).parameters.items()
                 if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))


class WarmStartSettings(collections.namedtuple("WarmStartSettings", [
        "ckpt_to_initialize_from", "vars_to_warm_start", "var_name_to_vocab_info",
        "var_name_to_prev_var_name"])):
    """Which checkpoint, and which of its variables, a fresh model starts from."""

    def __new__(cls, ckpt_to_initialize_from, vars_to_warm_start=".*",
                var_name_to_vocab_info=None, var_name_to_prev_var_name=None):
        if not ckpt_to_initialize_from:
            raise ValueError("Need to specify `ckpt_to_initialize_from`.")
        return super().__new__(cls, os.fspath(ckpt_to_initialize_from), vars_to_warm_start,
                               var_name_to_vocab_info or {}, var_name_to_prev_var_name or {})


def _warm_start_settings(warm_start_from):
    if warm_start_from is None or isinstance(warm_start_from, WarmStartSettings):
        return warm_start_from
    if isinstance(warm_start_from, (str, os.PathLike)):
        return WarmStartSettings(warm_start_from)
    raise ValueError(f"warm_start_from must be a string or a WarmStartSettings, instead got "
                     f"{type(warm_start_from)}")


class _DatasetInitializerHook(v1.train.SessionRunHook):
    """Starts a ``tf.data`` iterator once its session exists."""

    def __init__(self, iterator):
        self._iterator = iterator

    def begin(self):
        self._initializer = self._iterator.initializer

    def after_create_session(self, session, coord):
        session.run(self._initializer)


class _StopAfterNEvalsHook(v1.train.SessionRunHook):
    """Stops evaluation after ``num_evals`` batches, logging progress as TF1 did."""

    def __init__(self, num_evals):
        self._num_evals, self._done = num_evals, 0
        self._log_every = max(1, num_evals // 10)

    def begin(self):
        self._done = 0

    def after_run(self, run_context, run_values):
        self._done += 1
        if self._done % self._log_every == 0 or self._done == self._num_evals:
            _log.info("Evaluation [%d/%d]", self._done, self._num_evals)
        if self._done >= self._num_evals:
            run_context.request_stop()


def _parse_input(result):
    """``input_fn``'s result as (features, labels, hooks); a Dataset gets an iterator."""
    hooks = []
    if isinstance(result, tf.data.Dataset):
        iterator = v1.data.make_initializable_iterator(result)
        hooks.append(_DatasetInitializerHook(iterator))
        result = iterator.get_next()
    if isinstance(result, (list, tuple)):
        if len(result) != 2:
            raise ValueError("input_fn should return (features, labels) as a len 2 tuple.")
        return result[0], result[1], hooks
    return result, None, hooks


def _has_dataset_or_queue_runner(features):
    if any(getattr(t, "op", None) is not None and t.op.type == "IteratorGetNext"
           for t in tf.nest.flatten(features)):
        return True
    return bool(v1.get_collection(v1.GraphKeys.QUEUE_RUNNERS))


def _checkpoint_step(model_dir):
    try:
        return int(v1.train.load_variable(model_dir, v1.GraphKeys.GLOBAL_STEP))
    except (ValueError, tf.errors.NotFoundError):  # no checkpoint, or no global step in it
        return 0


def _write_eval_summary(output_dir, results, checkpoint_path):
    step = int(results[v1.GraphKeys.GLOBAL_STEP])
    _log.info("Saving dict for global step %d: %s", step, ", ".join(
        f"{k} = {v}" for k, v in sorted(results.items()) if not isinstance(v, bytes)))
    summary = v1.Summary()
    for key, value in results.items():
        if key == v1.GraphKeys.GLOBAL_STEP or value is None:
            continue
        if isinstance(value, (float, int, np.floating, np.integer)):
            summary.value.add(tag=key, simple_value=float(value))
        elif isinstance(value, np.ndarray):
            summary.value.add(tag=key, node_name=key, tensor=tf.make_tensor_proto(value))
        else:
            _log.warning("Skipping summary for %s, must be a float, np.float32, np.int64, "
                         "np.int32 or int or np.ndarray.", key)
    if checkpoint_path:
        summary.value.add(tag="checkpoint_path",
                          tensor=tf.make_tensor_proto(checkpoint_path, dtype=tf.string))
    with tf.Graph().as_default():  # TF1's writers refuse eager mode
        writer = v1.summary.FileWriterCache.get(output_dir)
    writer.add_summary(summary, step)
    writer.flush()


class Estimator:
    """Trains, evaluates and predicts with a ``model_fn``; checkpoints live in ``model_dir``."""

    def __init__(self, model_fn, model_dir=None, config=None, params=None,
                 warm_start_from=None):
        if model_fn is None:
            raise ValueError("model_fn must be provided to Estimator.")
        args = set(_fn_args(model_fn))
        if "features" not in args:
            raise ValueError(f"model_fn ({model_fn}) must include features argument.")
        if params is not None and "params" not in args:
            raise ValueError(f"model_fn ({model_fn}) does not include params argument, but "
                             f"params ({params}) is passed to Estimator.")
        if params is None and "params" in args:
            _log.warning("Estimator's model_fn (%s) includes params argument, but params are "
                         "not passed to Estimator.", model_fn)
        if args - _VALID_MODEL_FN_ARGS:
            raise ValueError(f"model_fn ({model_fn}) has following not expected args: "
                             f"{sorted(args - _VALID_MODEL_FN_ARGS)}")
        if config is None:
            config = RunConfig()
            _log.info("Using default config.")
        if not isinstance(config, RunConfig):
            raise ValueError(f"config must be an instance of `RunConfig`, but provided {config}.")
        if config.session_config is None:
            config = config.replace(session_config=v1.ConfigProto(allow_soft_placement=True))
        model_dir = None if model_dir is None else os.fspath(model_dir)
        if model_dir is not None and config.model_dir is not None and config.model_dir != model_dir:
            raise ValueError(f"`model_dir` are set both in constructor and `RunConfig`, but with "
                             f"different values. In constructor: '{model_dir}', in `RunConfig`: "
                             f"'{config.model_dir}' ")
        if model_dir:
            config = config.replace(model_dir=model_dir)
        elif config.model_dir is None:
            model_dir = tempfile.mkdtemp()
            _log.warning("Using temporary folder as model directory: %s", model_dir)
            config = config.replace(model_dir=model_dir)
        self._config = config
        self._model_dir = config.model_dir
        _log.info("Using config: %s", config)
        self._model_fn = model_fn
        self._params = copy.deepcopy(params or {})
        self._warm_start_settings = _warm_start_settings(warm_start_from)

    model_dir = property(lambda self: self._model_dir)
    config = property(lambda self: copy.deepcopy(self._config))
    params = property(lambda self: copy.deepcopy(self._params))

    @property
    def model_fn(self):
        """The ``model_fn`` bound to ``params``: ``(features, labels, mode, config)``."""
        def public_model_fn(features, labels, mode, config):
            return self._call_model_fn(features, labels, mode, config)
        return public_model_fn

    def latest_checkpoint(self):
        """Path of the newest checkpoint in ``model_dir``, or None."""
        return v1.train.latest_checkpoint(self._model_dir)

    def _require_checkpoint(self):
        if not self.latest_checkpoint():
            raise ValueError(f"Could not find trained model in model_dir: {self._model_dir}.")

    def get_variable_value(self, name):
        """The value of variable ``name`` in the latest checkpoint."""
        self._require_checkpoint()
        return v1.train.load_variable(self._model_dir, name)

    def get_variable_names(self):
        """Names of the variables in the latest checkpoint."""
        self._require_checkpoint()
        return [name for name, _ in v1.train.list_variables(self._model_dir)]

    def eval_dir(self, name=None):
        """Where ``evaluate(name=...)`` writes its events."""
        return os.path.join(self._model_dir, "eval_" + name if name else "eval")

    def export_saved_model(self, export_dir_base, serving_input_receiver_fn, assets_extra=None,
                           as_text=False, checkpoint_path=None,
                           experimental_mode=ModeKeys.PREDICT):
        """Writes the PREDICT graph fed by ``serving_input_receiver_fn`` and the latest (or
        ``checkpoint_path``'s) variables as a SavedModel in ``export_dir_base/<timestamp>``
        (built under ``temp-<timestamp>`` and renamed when whole); returns that path as bytes,
        as TF1 did. Only the PREDICT mode, and no ``assets_extra``, are emulated."""
        from tensorflow.python.saved_model.model_utils import export_utils

        if experimental_mode != ModeKeys.PREDICT or assets_extra:
            raise NotImplementedError("export_saved_model exports the PREDICT graph only, without "
                                      "assets_extra, in graph_cnn")
        if serving_input_receiver_fn is None:
            raise ValueError("An input_receiver_fn must be defined.")
        checkpoint_path = checkpoint_path or self.latest_checkpoint()
        if not checkpoint_path:
            raise ValueError(f"Couldn't find trained model at {self._model_dir}.")
        with tf.Graph().as_default() as graph:
            self._start_graph(graph)
            receiver = serving_input_receiver_fn()
            spec = self._call_model_fn(receiver.features, None, ModeKeys.PREDICT, self.config)
            outputs = export_utils.export_outputs_for_mode(
                ModeKeys.PREDICT, spec.export_outputs, spec.predictions)
            signatures = export_utils.build_all_signature_defs(
                receiver.receiver_tensors, outputs, receiver.receiver_tensors_alternatives)
            export_dir = export_utils.get_timestamped_export_dir(export_dir_base)
            temp_dir = export_utils.get_temp_export_dir(export_dir)
            with v1.Session(config=self._config.session_config) as session:
                saver = spec.scaffold.saver or v1.train.Saver(sharded=True)
                saver.restore(session, checkpoint_path)
                builder = v1.saved_model.Builder(temp_dir)
                builder.add_meta_graph_and_variables(
                    session, [v1.saved_model.tag_constants.SERVING],
                    signature_def_map=signatures, strip_default_attrs=True,
                    saver=saver, main_op=(spec.scaffold.local_init_op
                                          or v1.train.Scaffold.default_local_init_op()),
                    assets_collection=v1.get_collection(v1.GraphKeys.ASSET_FILEPATHS))
                builder.save(as_text)
        tf.io.gfile.rename(temp_dir, export_dir)
        return export_dir

    export_savedmodel = export_saved_model

    def _input_fn_params(self, mode):
        """The ``params`` an ``input_fn`` gets in ``mode`` (TPUEstimator adds its batch size)."""
        del mode
        return self.params

    def _call_input_fn(self, input_fn, mode):
        args = _fn_args(input_fn)
        kwargs = {name: value for name, value in (
            ("mode", mode), ("params", self._input_fn_params(mode)), ("config", self.config))
            if name in args}
        with tf.device("/cpu:0"):
            return _parse_input(input_fn(**kwargs))

    def _call_model_fn(self, features, labels, mode, config):
        args = _fn_args(self._model_fn)
        kwargs = {}
        if "labels" in args:
            kwargs["labels"] = labels
        elif labels is not None:
            raise ValueError("model_fn does not take labels, but input_fn returns labels.")
        for name, value in (("mode", mode), ("params", self.params), ("config", config)):
            if name in args:
                kwargs[name] = value
        _log.info("Calling model_fn.")
        spec = self._model_fn(features=features, **kwargs)
        _log.info("Done calling model_fn.")
        if not isinstance(spec, EstimatorSpec):
            raise ValueError("model_fn should return an EstimatorSpec.")
        return spec

    def _start_graph(self, graph):
        v1.set_random_seed(self._config.tf_random_seed)
        return v1.train.create_global_step(graph)

    def _maybe_warm_start(self, checkpoint_path=None):
        if self._warm_start_settings and not checkpoint_path:
            _log.info("Warm-starting with WarmStartSettings: %s", self._warm_start_settings)
            v1.train.warm_start(*self._warm_start_settings)

    def train(self, input_fn, hooks=None, steps=None, max_steps=None, saving_listeners=None):
        """Trains until ``input_fn`` ends, ``steps`` more steps, or global step ``max_steps``."""
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        if max_steps is not None and max_steps <= _checkpoint_step(self._model_dir):
            _log.info("Skipping training since max_steps has already saved.")
            return self
        hooks = _check_hooks(hooks)
        if steps is not None or max_steps is not None:
            hooks.append(v1.train.StopAtStepHook(steps, max_steps))
        listeners = list(saving_listeners or [])
        for listener in listeners:
            if not isinstance(listener, v1.train.CheckpointSaverListener):
                raise TypeError(f"saving_listeners must be a list of CheckpointSaverListener, "
                                f"given: {listener}")
        loss = self._train_model(input_fn, hooks, listeners)
        _log.info("Loss for final step: %s.", loss)
        return self

    def _train_model(self, input_fn, hooks, listeners):
        config = self._config
        with tf.Graph().as_default() as graph:
            global_step = self._start_graph(graph)
            features, labels, input_hooks = self._call_input_fn(input_fn, ModeKeys.TRAIN)
            spec = self._call_model_fn(features, labels, ModeKeys.TRAIN, self.config)
            self._maybe_warm_start()
            if not any(s.op.name == "loss" for s in v1.get_collection(v1.GraphKeys.SUMMARIES)):
                v1.summary.scalar("loss", spec.loss)
            v1.add_to_collection(v1.GraphKeys.LOSSES, spec.loss)
            worker_hooks = input_hooks + hooks + [v1.train.NanTensorHook(spec.loss)]
            if config.log_step_count_steps is not None:
                worker_hooks.append(v1.train.LoggingTensorHook(
                    {"loss": spec.loss, "step": global_step},
                    every_n_iter=config.log_step_count_steps))
            worker_hooks.extend(spec.training_hooks)
            if not (spec.scaffold.saver or v1.get_collection(v1.GraphKeys.SAVERS)):
                v1.add_to_collection(v1.GraphKeys.SAVERS, v1.train.Saver(
                    sharded=True, max_to_keep=config.keep_checkpoint_max,
                    keep_checkpoint_every_n_hours=config.keep_checkpoint_every_n_hours,
                    defer_build=True, save_relative_paths=True))
            chief_hooks = []
            saver_hooks = [h for h in worker_hooks + list(spec.training_chief_hooks)
                           if isinstance(h, v1.train.CheckpointSaverHook)]
            if (config.save_checkpoints_secs or config.save_checkpoints_steps) and not saver_hooks:
                chief_hooks = [v1.train.CheckpointSaverHook(
                    self._model_dir, save_secs=config.save_checkpoints_secs,
                    save_steps=config.save_checkpoints_steps, scaffold=spec.scaffold,
                    save_graph_def=config.checkpoint_save_graph_def)]
                saver_hooks = chief_hooks
            if listeners:
                if not saver_hooks:
                    raise ValueError("There should be a CheckpointSaverHook to use "
                                     "saving_listeners. Please set one of the "
                                     "RunConfig.save_checkpoints_steps or "
                                     "RunConfig.save_checkpoints_secs.")
                # the hook has no public way to take listeners after it is built; TF1 did the same
                saver_hooks[0]._listeners.extend(
                    l for l in listeners if l not in saver_hooks[0]._listeners)
            loss, any_step = None, False
            with v1.train.MonitoredTrainingSession(
                    checkpoint_dir=self._model_dir, scaffold=spec.scaffold, hooks=worker_hooks,
                    chief_only_hooks=tuple(chief_hooks) + tuple(spec.training_chief_hooks),
                    save_checkpoint_secs=0, save_summaries_steps=config.save_summary_steps,
                    config=config.session_config,
                    max_wait_secs=config.session_creation_timeout_secs,
                    log_step_count_steps=config.log_step_count_steps,
                    save_graph_def=config.checkpoint_save_graph_def) as session:
                while not session.should_stop():
                    _, loss = session.run([spec.train_op, spec.loss])
                    any_step = True
        if not any_step:
            _log.warning("Training with estimator made no steps. Perhaps input is empty or "
                         "misspecified.")
        return loss

    def _checkpoint_to_restore(self, checkpoint_path, purpose):
        """``checkpoint_path``, else the latest checkpoint; None (the variables initialised for
        ``purpose``) when there is none."""
        checkpoint_path = checkpoint_path or self.latest_checkpoint()
        if not checkpoint_path:
            _log.info("Could not find trained model in model_dir: %s, running initialization to "
                      "%s.", self._model_dir, purpose)
        return checkpoint_path

    def _restoring_session(self, spec, checkpoint_path, hooks):
        """A ``MonitoredSession`` restoring ``checkpoint_path`` (or initialising) with
        ``hooks``."""
        return v1.train.MonitoredSession(
            session_creator=v1.train.ChiefSessionCreator(
                scaffold=spec.scaffold, checkpoint_filename_with_path=checkpoint_path,
                config=self._config.session_config),
            hooks=hooks)

    def evaluate(self, input_fn, steps=None, hooks=None, checkpoint_path=None, name=None):
        """Metric values over ``steps`` batches or until ``input_fn`` ends, plus ``loss`` (the
        mean of the per-batch loss) and ``global_step``; written under ``eval_dir(name)``."""
        hooks = _check_hooks(hooks)
        if steps is not None:
            if steps <= 0:
                raise ValueError(f"Must specify steps > 0, given: {steps}")
            hooks.append(_StopAfterNEvalsHook(steps))
        checkpoint_path = self._checkpoint_to_restore(checkpoint_path, "evaluate")
        with tf.Graph().as_default():
            spec, update_op, values, hooks = self._evaluate_build_graph(input_fn, hooks,
                                                                        checkpoint_path)
            return self._evaluate_run(spec, checkpoint_path, update_op, values, hooks,
                                      self.eval_dir(name))

    def _evaluate_build_graph(self, input_fn, hooks, checkpoint_path):
        """The evaluation in the default graph: (spec, the metrics' update op, the values to
        report, all the hooks to run)."""
        global_step = self._start_graph(v1.get_default_graph())
        features, labels, input_hooks = self._call_input_fn(input_fn, ModeKeys.EVAL)
        spec = self._call_model_fn(features, labels, ModeKeys.EVAL, self.config)
        if "loss" in spec.eval_metric_ops:
            raise ValueError('Metric with name "loss" is not allowed, because Estimator '
                             'already defines a default metric with the same name.')
        metrics = dict(spec.eval_metric_ops, loss=v1.metrics.mean(spec.loss))
        self._maybe_warm_start(checkpoint_path)
        if v1.GraphKeys.GLOBAL_STEP in metrics:
            raise ValueError("Metric with name `global_step` is not allowed, because "
                             "Estimator already defines a default metric with the same name.")
        update_op = tf.group(*(metrics[key][1] for key in sorted(metrics)))
        values = {key: value for key, (value, _) in metrics.items()}
        values[v1.GraphKeys.GLOBAL_STEP] = global_step
        return spec, update_op, values, input_hooks + hooks + list(spec.evaluation_hooks)

    def _evaluate_run(self, spec, checkpoint_path, update_op, values, hooks, output_dir):
        """Runs ``update_op`` until the hooks or the input stop it; the values, also written
        under ``output_dir``."""
        final = v1.train.FinalOpsHook(values)
        _log.info("Starting evaluation at %s", time.strftime("%Y-%m-%dT%H:%M:%S"))
        with self._restoring_session(spec, checkpoint_path, hooks + [final]) as session:
            while not session.should_stop():
                session.run(update_op)
        _log.info("Finished evaluation at %s", time.strftime("%Y-%m-%d-%H:%M:%S"))
        results = final.final_ops_values
        _write_eval_summary(output_dir, results, checkpoint_path)
        return results

    def predict(self, input_fn, predict_keys=None, hooks=None, checkpoint_path=None,
                yield_single_examples=True):
        """Yields predictions (dicts of numpy values, or arrays) until ``input_fn`` ends."""
        hooks = _check_hooks(hooks)
        checkpoint_path = self._checkpoint_to_restore(checkpoint_path, "predict")
        with tf.Graph().as_default() as graph:
            self._start_graph(graph)
            features, _, input_hooks = self._call_input_fn(input_fn, ModeKeys.PREDICT)
            if not _has_dataset_or_queue_runner(features):
                _log.warning("Input graph does not use tf.data.Dataset or contain a QueueRunner. "
                             "That means predict yields forever. This is probably a mistake.")
            spec = self._call_model_fn(features, None, ModeKeys.PREDICT, self.config)
            self._maybe_warm_start(checkpoint_path)
            predictions = _extract_keys(spec.predictions, predict_keys)
            session = self._restoring_session(spec, checkpoint_path,
                                              input_hooks + hooks + list(spec.prediction_hooks))
        # the session runs outside `as_default` so that the caller's loop body keeps its own graph
        with session:
            while not session.should_stop():
                values = session.run(predictions)
                if not yield_single_examples:
                    yield values
                elif not isinstance(predictions, dict):
                    yield from values
                else:
                    for i in range(_batch_length(values)):
                        yield {key: value[i] for key, value in values.items()}


def _extract_keys(predictions, predict_keys):
    if not predict_keys:
        return predictions
    if not isinstance(predictions, dict):
        raise ValueError("predict_keys argument is not valid in case of non-dict predictions.")
    chosen = {key: value for key, value in predictions.items() if key in predict_keys}
    if not chosen:
        raise ValueError(f"Expected to run at least one output from {list(predictions)}, "
                         f"provided {predict_keys}.")
    return chosen


def _batch_length(values):
    lengths = {key: value.shape[0] for key, value in values.items()}
    length = next(iter(lengths.values()))
    for key, value in lengths.items():
        if value != length:
            raise ValueError(f"Batch length of predictions should be same. {key} has different "
                             f"batch length than others.")
    return length
