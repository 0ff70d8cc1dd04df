"""``tf.contrib.tpu`` as TF1 programs used it on a machine without a TPU (``use_tpu=False``):
``TPUEstimator``, ``TPUEstimatorSpec``, ``RunConfig``, ``TPUConfig`` and ``InputPipelineConfig``
are ``tf.estimator.tpu``'s (:mod:`graph_cnn.legacy.estimator.tpu`), ``CrossShardOptimizer`` is
the optimizer it wraps (one shard), ``bfloat16_scope`` is TensorFlow's own (variables asked for
in bfloat16 are kept in float32 and cast; nothing else changes dtype), ``AsyncCheckpointSaverHook``
saves synchronously, and ``get_tpu_context`` is TensorFlow's (no shards outside a TPU).

``initialize_system`` and ``shutdown_system`` need a TPU and refuse in one line. Not emulated:
``rewrite``, ``shard``, ``outside_compilation``, ``cross_replica_sum``, ``keras_to_tpu_model`` and
the other TPU-only ops. TF1's module paths (``tf.contrib.tpu.python.tpu.tpu_config``,
``...tpu_estimator``, ``...tpu_optimizer``, ``...bfloat16``, ``...async_checkpoint``,
``...tpu_function``) all lead to this module, whose names are theirs.
"""

import sys

import tensorflow as tf
from tensorflow.python.tpu.tpu_function import get_tpu_context  # noqa: F401

from graph_cnn.legacy.estimator.tpu import (  # noqa: F401
    ExportSavedModelApiVersion,
    InputPipelineConfig,
    RunConfig,
    TPUConfig,
    TPUEstimator,
    TPUEstimatorSpec,
)

v1 = tf.compat.v1
bfloat16_scope = v1.tpu.bfloat16_scope


class CrossShardOptimizer(v1.train.Optimizer):
    """An optimizer whose gradients TF1 averaged (or summed) over the TPU shards; here there is
    one shard, so its updates are those of ``opt`` itself (``compute_gradients``,
    ``apply_gradients``, slots and variables are ``opt``'s). TF 1.15 ran the cross-shard sum even
    outside a TPU, where its op had no CPU kernel and the first step failed; programs wrapped
    their optimizer only when ``use_tpu``. ``group_assignment`` is kept but means nothing with
    one shard."""

    def __init__(self, opt, reduction=v1.losses.Reduction.MEAN, name="CrossShardOptimizer",
                 group_assignment=None):
        if reduction not in (v1.losses.Reduction.SUM, v1.losses.Reduction.MEAN):
            raise ValueError(f"Unsupported reduction: {reduction}.")
        super().__init__(False, name)
        self._opt = opt
        self._reduction = reduction
        self._group_assignment = group_assignment

    def compute_gradients(self, loss, var_list=None, **kwargs):
        """``opt``'s gradients of ``loss`` (its mean over one shard is itself)."""
        return self._opt.compute_gradients(loss, var_list=var_list, **kwargs)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """``opt``'s update with the gradients summed over one shard, i.e. as given."""
        return self._opt.apply_gradients(grads_and_vars, global_step, name)

    def get_slot(self, *args, **kwargs):
        return self._opt.get_slot(*args, **kwargs)

    def get_slot_names(self, *args, **kwargs):
        return self._opt.get_slot_names(*args, **kwargs)

    def variables(self):
        return self._opt.variables()


class AsyncCheckpointSaverHook(v1.train.CheckpointSaverHook):
    """TF1's checkpoint hook that saved in a background thread; here it saves in the step, as
    ``CheckpointSaverHook`` (the same files, the same listeners)."""


def _needs_tpu(name):
    raise RuntimeError(f"tf.contrib.tpu.{name} needs a TPU and this machine has none; run the "
                       f"program with use_tpu=False")


def initialize_system(embedding_config=None, job=None):
    """Refused: there is no TPU system to initialise."""
    _needs_tpu("initialize_system")


def shutdown_system(job=None):
    """Refused: there is no TPU system to shut down."""
    _needs_tpu("shutdown_system")


# TF1's deeper module paths, each answered by this module
python = tpu = tpu_config = tpu_estimator = tpu_optimizer = bfloat16 = async_checkpoint = \
    tpu_function = sys.modules[__name__]
