"""``tf.contrib.cluster_resolver``: TensorFlow's cluster resolvers (``ClusterResolver``,
``SimpleClusterResolver``, ``TFConfigClusterResolver``, ``UnionClusterResolver``), and
``TPUClusterResolver``, whose construction fails in one line: there is no TPU here, and a TF1
program that finds one through it runs on the CPU with ``use_tpu=False`` (and no TPU name).
TF 1.15 failed too without a Cloud TPU (no TPU name: ``ValueError``; a name: the Cloud API's
error). Not emulated: the GCE, Kubernetes and Slurm resolvers."""

import tensorflow as tf

_resolver = tf.distribute.cluster_resolver
ClusterResolver = _resolver.ClusterResolver
SimpleClusterResolver = _resolver.SimpleClusterResolver
TFConfigClusterResolver = _resolver.TFConfigClusterResolver
UnionClusterResolver = _resolver.UnionResolver


class TPUClusterResolver:
    """Finds a Cloud TPU; refused here (this machine has none)."""

    def __init__(self, tpu=None, zone=None, project=None, job_name="worker",
                 coordinator_name=None, coordinator_address=None, credentials="default",
                 service=None, discovery_url=None):
        raise ValueError(f"TPUClusterResolver(tpu={tpu!r}): this machine has no TPU and "
                         f"graph_cnn reaches no Cloud TPU; run the program with use_tpu=False "
                         f"and no TPU name")
