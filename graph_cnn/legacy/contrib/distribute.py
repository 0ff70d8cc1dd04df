"""``tf.contrib.distribute``'s TPU names, which resolve and refuse in one line when called:
``TPUStrategy`` and ``initialize_tpu_system`` need a TPU, which this machine lacks (a TF1 program
runs its model on the CPU with ``use_tpu=False``). Not emulated: the other strategies
(``MirroredStrategy`` ...); graph_cnn's Estimator trains in one process."""


def _needs_tpu(name):
    raise RuntimeError(f"tf.contrib.distribute.{name} needs a TPU and this machine has none; "
                       f"run the program with use_tpu=False")


class TPUStrategy:
    """Refused: TF1's strategy for a TPU."""

    def __init__(self, tpu_cluster_resolver=None, steps_per_run=None, device_assignment=None):
        _needs_tpu("TPUStrategy")


def initialize_tpu_system(cluster_resolver=None):
    """Refused: there is no TPU system to initialise."""
    _needs_tpu("initialize_tpu_system")
