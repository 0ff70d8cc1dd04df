"""``tf.contrib.factorization``'s k-means: ``KMeans`` (the graph builder TF1 scripts used, with
``training_graph()`` returning TF 1.4-1.15's 7-tuple) and its constants, also reached as
``tensorflow.contrib.factorization.python.ops.clustering_ops``.

TensorFlow still ships this very class in ``tensorflow.python.ops.clustering_ops`` (moved there
from contrib for the estimators), with the ``NearestNeighbors``/``KmeansPlusPlusInitialization``
kernels it builds on, so the TF1 layer serves TensorFlow's own code rather than a rebuild.
``KMeansClustering`` (the estimator), ``GMM`` and ``WALSModel`` are not provided."""

from graph_cnn.legacy.contrib.factorization import python  # noqa: F401
from graph_cnn.legacy.contrib.factorization.python.ops.clustering_ops import (  # noqa: F401
    COSINE_DISTANCE,
    KMC2_INIT,
    KMEANS_PLUS_PLUS_INIT,
    RANDOM_INIT,
    SQUARED_EUCLIDEAN_DISTANCE,
    KMeans,
)
