"""``tf.estimator.tpu`` (also ``tf.contrib.tpu``'s estimator names) as TF 1.15 ran it on a
machine without a TPU, that is with ``use_tpu=False``: ``TPUEstimator`` is an ``Estimator`` whose
``input_fn`` gets ``params['batch_size']`` (the train, eval or predict batch size of the mode) and
whose ``model_fn`` also gets ``params['use_tpu']`` (False) and may return a ``TPUEstimatorSpec``,
turned into an ``EstimatorSpec`` as TF1's CPU path did (``eval_metrics``' function called on its
tensors, ``scaffold_fn`` called, ``host_call``'s ops run with every step). Steps, losses and
summaries are then the plain Estimator's; TPUEstimator logs ``global_step/sec`` and
``examples/sec`` itself instead of the loss, as TF1 did.

``use_tpu=True`` behaves as TF 1.15 did on a machine without a TPU: the estimator is built, and
``train``/``evaluate``/``predict`` raise ``RuntimeError`` (one line: there is no TPU, pass
``use_tpu=False``). Not emulated: anything that runs on a TPU (infeed, ``iterations_per_loop``
loops, sharding, ``eval_on_tpu``, ``export_to_tpu``, embedding columns), and a ``RunConfig`` with a
``cluster`` or a remote ``master``: the estimator runs in this process.
"""

import collections
import enum
import inspect
import re

import tensorflow as tf

from graph_cnn.legacy.estimator import run_config as _run_config
from graph_cnn.legacy.estimator.estimator import Estimator, _fn_args
from graph_cnn.legacy.estimator.model_fn import EstimatorSpec, ModeKeys, _check_hooks

v1 = tf.compat.v1
_log = v1.logging
_BATCH_SIZE_KEY, _USE_TPU_KEY, _CTX_KEY = "batch_size", "use_tpu", "context"
_RESERVED_PARAMS_KEYS = [_BATCH_SIZE_KEY, _CTX_KEY]
_NO_TPU = ("Cannot find any TPU cores in the system: this machine has no TPU "
           "(TPUEstimator(use_tpu=True)); pass use_tpu=False to run the model on the CPU")

__all__ = ["ExportSavedModelApiVersion", "InputPipelineConfig", "RunConfig", "TPUConfig",
           "TPUEstimator", "TPUEstimatorSpec"]


def _check_positive_integer(value, name):
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be positive integer. Got {value}")


class InputPipelineConfig:
    """How a TPU host fed its cores (``TPUConfig.per_host_input_for_training``); one feed here."""

    PER_SHARD_V1 = 1
    PER_HOST_V1 = 2
    PER_HOST_V2 = 3
    BROADCAST = 4
    SLICED = 5


class TPUConfig(collections.namedtuple("TPUConfig", [
        "iterations_per_loop", "num_shards", "num_cores_per_replica",
        "per_host_input_for_training", "tpu_job_name", "initial_infeed_sleep_secs",
        "input_partition_dims", "eval_training_input_configuration",
        "experimental_host_call_every_n_steps"])):
    """TF 1.15's TPU settings, validated as TF did; on the CPU they change nothing."""

    def __new__(cls, iterations_per_loop=2, num_shards=None, num_cores_per_replica=None,
                per_host_input_for_training=True, tpu_job_name=None,
                initial_infeed_sleep_secs=None, input_partition_dims=None,
                eval_training_input_configuration=InputPipelineConfig.PER_HOST_V1,
                experimental_host_call_every_n_steps=1):
        if not (isinstance(iterations_per_loop, str)
                and re.fullmatch(r"[1-9]\d*[smh]", iterations_per_loop)):
            _check_positive_integer(iterations_per_loop, "TPUConfig iterations_per_loop")
        if num_shards is not None:
            _check_positive_integer(num_shards, "TPUConfig num_shards")
        if input_partition_dims is not None:
            if len(input_partition_dims) not in (1, 2):
                raise ValueError("input_partition_dims must be a list/tuple with one or two "
                                 "elements.")
            if per_host_input_for_training is not InputPipelineConfig.PER_HOST_V2:
                raise ValueError("input_partition_dims is only supported in PER_HOST_V2 mode.")
            if num_cores_per_replica is None:
                raise ValueError("input_partition_dims requires setting num_cores_per_replica.")
        if num_cores_per_replica is not None and num_cores_per_replica not in (1, 2, 4, 8, 16):
            raise ValueError(f"num_cores_per_replica must be 1, 2, 4, 8, or 16; got "
                             f"{num_cores_per_replica}")
        if eval_training_input_configuration not in (InputPipelineConfig.PER_HOST_V1,
                                                     InputPipelineConfig.SLICED):
            raise ValueError(f"eval_training_input_configuration must be PER_HOST_V1 or SLICED; "
                             f"got {eval_training_input_configuration}")
        if per_host_input_for_training is False:
            per_host_input_for_training = InputPipelineConfig.PER_SHARD_V1
        elif per_host_input_for_training is True:
            per_host_input_for_training = InputPipelineConfig.PER_HOST_V1
        if initial_infeed_sleep_secs:
            _check_positive_integer(initial_infeed_sleep_secs,
                                    "TPUConfig initial_infeed_sleep_secs")
        return super().__new__(cls, iterations_per_loop, num_shards, num_cores_per_replica,
                               per_host_input_for_training, tpu_job_name,
                               initial_infeed_sleep_secs, input_partition_dims,
                               eval_training_input_configuration,
                               experimental_host_call_every_n_steps)


class RunConfig(_run_config.RunConfig):
    """``tf.estimator.RunConfig`` with a ``tpu_config``; ``master``/``cluster`` name a remote
    TPU, which is refused (the estimator runs in this process)."""

    def __init__(self, tpu_config=None, evaluation_master=None, master=None, cluster=None,
                 **kwargs):
        super().__init__(**kwargs)
        if master is not None and cluster is not None:
            raise ValueError("Both master and cluster are set.")
        for name, value in (("master", master), ("evaluation_master", evaluation_master),
                            ("cluster", cluster)):
            if value:
                raise NotImplementedError(
                    f"RunConfig({name}={value!r}) names a remote TensorFlow server: graph_cnn's "
                    f"Estimator runs in this process; leave {name} unset and pass use_tpu=False")
        self._tpu_config = tpu_config or TPUConfig()
        self._cluster = cluster
        self._master = master or ""
        self._evaluation_master = evaluation_master or self._master

    tpu_config = property(lambda self: self._tpu_config)
    cluster = property(lambda self: self._cluster)
    master = property(lambda self: self._master)
    evaluation_master = property(lambda self: self._evaluation_master)

    def replace(self, **kwargs):
        """A copy with the named properties (``tpu_config`` too) changed."""
        if "tpu_config" not in kwargs:
            return super().replace(**kwargs)
        tpu_config = kwargs.pop("tpu_config")
        new = super().replace(**kwargs)
        new._tpu_config = tpu_config
        return new

    def __repr__(self):
        return f"{super().__repr__()[:-1]}, tpu_config={self._tpu_config!r})"


def _check_host_call(name, host_call):
    """TF1's checks of ``eval_metrics`` and ``host_call``: ``(fn, tensors)``, the tensors a
    list matching ``fn``'s arguments or a dict of them."""
    if not isinstance(host_call, (tuple, list)):
        raise ValueError(f"{name} should be tuple or list")  # noqa: TRY004  (TF1's type)
    if len(host_call) != 2:
        raise ValueError(f"{name} should have two elements.")
    fn, tensors = host_call
    if not callable(fn):
        raise TypeError(f"{name}[0] should be callable.")
    if not isinstance(tensors, (tuple, list, dict)):
        raise ValueError(f"{name}[1] should be tuple or list, or dict.")  # noqa: TRY004
    if isinstance(tensors, (tuple, list)):
        parameters = inspect.signature(fn).parameters.values()
        varargs = any(p.kind is p.VAR_POSITIONAL for p in parameters)
        if not varargs and len(tensors) != len(_fn_args(fn)):
            raise RuntimeError(f"In TPUEstimatorSpec.{name}, length of tensors {len(tensors)} "
                               f"does not match method args of the function, which takes "
                               f"{len(_fn_args(fn))}.")


def _call_host_fn(host_call):
    fn, tensors = host_call
    return fn(**tensors) if isinstance(tensors, dict) else fn(*tensors)


class _HostCallHook(v1.train.SessionRunHook):
    """Runs ``host_call``'s ops with every step (with the summary writers they use opened first
    and flushed at the end), as TF1 ran a host call on the CPU."""

    def __init__(self, fetches):
        self._fetches = fetches

    def begin(self):
        from tensorflow.python.ops import gen_summary_ops, summary_ops_v2
        self._init_ops = summary_ops_v2.summary_writer_initializer_op()
        with tf.device("cpu:0"):  # each writer is its initializer's first input
            self._flush_ops = [gen_summary_ops.flush_summary_writer(op.inputs[0])
                               for op in self._init_ops]

    def after_create_session(self, session, coord):
        session.run(self._init_ops)

    def before_run(self, run_context):
        return v1.train.SessionRunArgs(self._fetches)

    def end(self, session):
        session.run(self._flush_ops)


class TPUEstimatorSpec(collections.namedtuple("TPUEstimatorSpec", [
        "mode", "predictions", "loss", "train_op", "eval_metrics", "export_outputs",
        "scaffold_fn", "host_call", "training_hooks", "evaluation_hooks", "prediction_hooks"])):
    """What a TPUEstimator's ``model_fn`` returns: an ``EstimatorSpec`` whose metrics come as
    ``eval_metrics=(metric_fn, tensors)`` and whose ``Scaffold`` comes from ``scaffold_fn``."""

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metrics=None,
                export_outputs=None, scaffold_fn=None, host_call=None, training_hooks=None,
                evaluation_hooks=None, prediction_hooks=None):
        for name, value in (("eval_metrics", eval_metrics), ("host_call", host_call)):
            if value is not None:
                _check_host_call(name, value)
        hooks = [tuple(_check_hooks(h, "All hooks"))
                 for h in (training_hooks, evaluation_hooks, prediction_hooks)]
        return super().__new__(cls, mode, predictions, loss, train_op, eval_metrics,
                               export_outputs, scaffold_fn, host_call, *hooks)

    def as_estimator_spec(self):
        """The ``EstimatorSpec`` TF1 made of this spec to run it on the CPU."""
        eval_metric_ops = None if self.eval_metrics is None else _call_host_fn(self.eval_metrics)
        hooks = () if self.host_call is None else (_HostCallHook(_call_host_fn(self.host_call)),)
        return EstimatorSpec(
            mode=self.mode, predictions=self.predictions, loss=self.loss, train_op=self.train_op,
            eval_metric_ops=eval_metric_ops, export_outputs=self.export_outputs,
            scaffold=self.scaffold_fn() if self.scaffold_fn else None,
            training_hooks=self.training_hooks + hooks,
            evaluation_hooks=self.evaluation_hooks + hooks,
            prediction_hooks=self.prediction_hooks + hooks)


class ExportSavedModelApiVersion(enum.Enum):
    """Which ``model_fn`` TPUEstimator's SavedModel export called (no export here)."""

    V1 = 1
    V2 = 2


class _ExamplesPerSecondHook(v1.train.StepCounterHook):
    """``global_step/sec`` and ``examples/sec`` logged and summarised, as TPUEstimator did."""

    def __init__(self, batch_size, every_n_steps, output_dir):
        super().__init__(every_n_steps=every_n_steps, output_dir=output_dir)
        self._batch_size = batch_size

    def _log_and_record(self, elapsed_steps, elapsed_time, global_step):
        rates = {"global_step/sec": elapsed_steps / elapsed_time}
        if self._batch_size is not None:
            rates["examples/sec"] = self._batch_size * rates["global_step/sec"]
        if self._summary_writer is not None:
            self._summary_writer.add_summary(v1.Summary(value=[
                v1.Summary.Value(tag=tag, simple_value=rate) for tag, rate in rates.items()]),
                global_step)
        for tag, rate in rates.items():
            _log.info("%s: %g", tag, rate)


class TPUEstimator(Estimator):
    """An ``Estimator`` for TPU ``model_fn``s, run on the CPU (``use_tpu=False``) as TF 1.15
    did; see the module's docstring."""

    def __init__(self, model_fn=None, model_dir=None, config=None, params=None, use_tpu=True,
                 train_batch_size=None, eval_batch_size=None, predict_batch_size=None,
                 batch_axis=None, eval_on_tpu=True, export_to_tpu=True, export_to_cpu=True,
                 warm_start_from=None, embedding_config_spec=None,
                 export_saved_model_api_version=ExportSavedModelApiVersion.V1):
        if config is None or not isinstance(config, RunConfig):
            raise ValueError("`config` must be provided with type `tpu_config.RunConfig`")
        if params is not None and any(k in params for k in _RESERVED_PARAMS_KEYS):
            raise ValueError(f"{_RESERVED_PARAMS_KEYS} are reserved keys but existed in params "
                             f"{params}.")
        if use_tpu:
            if train_batch_size is None:
                raise ValueError("`train_batch_size` cannot be `None`")
            _check_positive_integer(train_batch_size, "train_batch_size")
            for name, size in (("eval_batch_size", eval_batch_size),
                               ("predict_batch_size", predict_batch_size)):
                if size is not None:
                    _check_positive_integer(size, name)
        if embedding_config_spec is not None:
            raise NotImplementedError("TPUEstimator(embedding_config_spec=...) needs a TPU: "
                                      "graph_cnn runs TPUEstimator on the CPU only")
        if model_fn is None:
            raise ValueError("model_fn must be provided to Estimator.")
        if "params" not in _fn_args(model_fn):
            raise ValueError(f"model_fn ({model_fn}) does not include params argument, required "
                             f"by TPUEstimator to pass batch size as params['batch_size']")
        self._log_every_n_steps = config.log_step_count_steps
        self._batch_sizes = {ModeKeys.TRAIN: train_batch_size, ModeKeys.EVAL: eval_batch_size,
                             ModeKeys.PREDICT: predict_batch_size}
        self._use_tpu = use_tpu
        super().__init__(self._augment_model_fn(model_fn), model_dir,
                         config.replace(log_step_count_steps=None), dict(params or {}),
                         warm_start_from)

    def _input_fn_params(self, mode):
        params = self.params
        if self._batch_sizes[mode] is not None:
            params[_BATCH_SIZE_KEY] = self._batch_sizes[mode]
        return params

    def _augment_model_fn(self, model_fn):
        """The user's ``model_fn`` as TF1's CPU path called it: batch size and ``use_tpu`` in
        ``params``, a ``TPUEstimatorSpec`` made an ``EstimatorSpec``, the rates hook added."""
        args = _fn_args(model_fn)

        def _model_fn(features, labels, mode, config, params):
            kwargs = {name: value for name, value in (
                ("mode", mode), ("config", config)) if name in args}
            if "labels" in args:
                kwargs["labels"] = labels
            elif labels is not None:
                raise ValueError("model_fn does not take labels, but input_fn returns labels.")
            if self._batch_sizes[mode] is not None:
                params[_BATCH_SIZE_KEY] = self._batch_sizes[mode]
            params[_USE_TPU_KEY] = False
            _log.info("Running %s on CPU", mode)
            spec = model_fn(features=features, params=params, **kwargs)
            if isinstance(spec, TPUEstimatorSpec):
                spec = spec.as_estimator_spec()
            if mode == ModeKeys.TRAIN and self._log_every_n_steps is not None:
                spec = spec._replace(training_hooks=spec.training_hooks + (_ExamplesPerSecondHook(
                    self._batch_sizes[mode], self._log_every_n_steps, self.model_dir),))
            return spec

        return _model_fn

    def _require_cpu_run(self):
        if self._use_tpu:
            raise RuntimeError(_NO_TPU)

    def train(self, input_fn, hooks=None, steps=None, max_steps=None, saving_listeners=None):
        """``Estimator.train`` on the CPU (with ``use_tpu=True``: RuntimeError, no TPU)."""
        self._require_cpu_run()
        return super().train(input_fn, hooks, steps, max_steps, saving_listeners)

    def evaluate(self, input_fn, steps=None, hooks=None, checkpoint_path=None, name=None):
        """``Estimator.evaluate`` on the CPU (with ``use_tpu=True``: RuntimeError, no TPU)."""
        self._require_cpu_run()
        return super().evaluate(input_fn, steps, hooks, checkpoint_path, name)

    def predict(self, input_fn, predict_keys=None, hooks=None, checkpoint_path=None,
                yield_single_examples=True):
        """``Estimator.predict`` on the CPU (with ``use_tpu=True``: RuntimeError, no TPU)."""
        self._require_cpu_run()
        yield from super().predict(input_fn, predict_keys, hooks, checkpoint_path,
                                   yield_single_examples)
