"""``tensorflow.contrib.factorization.python.ops.clustering_ops``: TensorFlow's own k-means
(``tensorflow.python.ops.clustering_ops``, moved there from contrib) with TF 1.15's
``training_graph()``: TF 2 dropped ``cluster_centers_var`` from the tuple, TF 1.4-1.15 returned
it fifth, and scripts unpack seven."""

from tensorflow.python.ops import clustering_ops as _core
from tensorflow.python.ops.clustering_ops import (  # noqa: F401
    CLUSTERS_VAR_NAME,
    COSINE_DISTANCE,
    KMC2_INIT,
    KMEANS_PLUS_PLUS_INIT,
    RANDOM_INIT,
    SQUARED_EUCLIDEAN_DISTANCE,
    kmc2_chain_initialization,
    kmeans_plus_plus_initialization,
    nearest_neighbors,
)


class KMeans(_core.KMeans):
    """TensorFlow's ``KMeans`` (same signature, variables, initialisations and updates) whose
    ``training_graph()`` returns TF 1.15's ``(all_scores, cluster_idx, scores,
    cluster_centers_initialized, cluster_centers_var, init_op, training_op)``."""

    def _create_variables(self, num_clusters):
        created = super()._create_variables(num_clusters)
        self._cluster_centers_var = created[0]
        return created

    def training_graph(self):
        *inference, initialized, init_op, training_op = super().training_graph()
        return (*inference, initialized, self._cluster_centers_var, init_op, training_op)
