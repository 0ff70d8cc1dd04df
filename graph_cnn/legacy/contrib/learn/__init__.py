"""``tf.contrib.learn``: its MNIST datasets (``datasets.mnist.read_data_sets``,
``datasets.load_dataset('mnist')``), which TF1 tutorials loaded through it, and ``RunConfig``
(the contrib.learn signature, local runs only), which contrib estimators took as ``config``."""

import tensorflow as _tf

from graph_cnn.legacy.contrib.learn import datasets  # noqa: F401
from graph_cnn.legacy.estimator import run_config as _core


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
