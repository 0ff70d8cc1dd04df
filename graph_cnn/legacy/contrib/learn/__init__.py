"""``tf.contrib.learn`` as TF1 tutorials used it: ``datasets`` (``load_dataset('iris' | 'boston'
| 'mnist' | 'dbpedia')``, ``base.load_csv_with_header`` ...), the ``Estimator`` with
``fit``/``evaluate``/``predict`` and its canned ``DNNClassifier``, ``DNNRegressor``,
``LinearClassifier`` and ``LinearRegressor``, ``SKCompat``,
``infer_real_valued_columns_from_input``, ``MetricSpec``, ``monitors``, ``preprocessing.VocabularyProcessor``, ``io.numpy_input_fn`` and
``RunConfig`` (the contrib signature, local runs only).

The layout follows TF1's (``tensorflow.contrib.learn.python.learn.estimators.estimator`` ...),
so deep imports resolve under ``graph-cnn legacy``. Not emulated: ``Experiment`` and
``learn_runner``, ``export`` and ``dataframe``.
"""

import tensorflow as _tf

from graph_cnn.legacy.contrib.learn import (  # noqa: F401
    datasets,
    estimators,
    learn_io,
    metric_spec,
    monitored_session,
    monitors,
    preprocessing,
)
from graph_cnn.legacy.contrib.learn.estimators import (  # noqa: F401
    DNNClassifier,
    DNNRegressor,
    Estimator,
    LinearClassifier,
    LinearRegressor,
    ModeKeys,
    ModelFnOps,
    NotFittedError,
    PredictionKey,
    SKCompat,
    infer_real_valued_columns_from_input,
    infer_real_valued_columns_from_input_fn,
)
from graph_cnn.legacy.contrib.learn.metric_spec import MetricSpec  # noqa: F401
from graph_cnn.legacy.estimator import run_config as _core

io = learn_io


class RunConfig(_core.RunConfig):
    """``tf.contrib.learn.RunConfig``: ``tf.estimator.RunConfig`` plus the contrib arguments
    ``master`` (local only), ``num_cores``, ``log_device_placement`` and
    ``gpu_memory_fraction``, which become the ``session_config`` when none is given."""

    def __init__(self, master=None, num_cores=0, log_device_placement=False,
                 gpu_memory_fraction=1, tf_random_seed=None, save_summary_steps=100,
                 save_checkpoints_secs=_core._USE_DEFAULT,
                 save_checkpoints_steps=_core._USE_DEFAULT, keep_checkpoint_max=5,
                 keep_checkpoint_every_n_hours=10000, log_step_count_steps=100,
                 evaluation_master="", model_dir=None, session_config=None):
        if master or evaluation_master:
            raise NotImplementedError("RunConfig(master=...) names a remote TensorFlow server: "
                                      "graph_cnn's contrib.learn runs locally only")
        if session_config is None and (num_cores or log_device_placement
                                       or gpu_memory_fraction != 1):
            session_config = _tf.compat.v1.ConfigProto(
                inter_op_parallelism_threads=num_cores, intra_op_parallelism_threads=num_cores,
                log_device_placement=log_device_placement,
                gpu_options=_tf.compat.v1.GPUOptions(
                    per_process_gpu_memory_fraction=gpu_memory_fraction))
        super().__init__(model_dir=model_dir, tf_random_seed=tf_random_seed,
                         save_summary_steps=save_summary_steps,
                         save_checkpoints_steps=save_checkpoints_steps,
                         save_checkpoints_secs=save_checkpoints_secs,
                         session_config=session_config, keep_checkpoint_max=keep_checkpoint_max,
                         keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours,
                         log_step_count_steps=log_step_count_steps)
        self._contrib = {"num_cores": num_cores, "log_device_placement": log_device_placement,
                         "gpu_memory_fraction": gpu_memory_fraction}

    master = property(lambda self: "")
    evaluation_master = property(lambda self: "")
    num_cores = property(lambda self: self._contrib["num_cores"])
    log_device_placement = property(lambda self: self._contrib["log_device_placement"])
    gpu_memory_fraction = property(lambda self: self._contrib["gpu_memory_fraction"])
