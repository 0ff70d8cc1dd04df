"""tf.contrib.factorization's KMeans as TF 1.4-1.15 scripts built it: the 7-tuple of
``training_graph()``, both distances, full-batch and mini-batch training, the import paths."""

import importlib

import numpy as np
import pytest

from graph_cnn.legacy import tf

CENTRES = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]], np.float32)


def blobs(n=300, seed=0):
    rng = np.random.RandomState(seed)
    which = rng.randint(0, 3, n)
    return (CENTRES[which] + rng.randn(n, 2).astype(np.float32) * 0.3), which


@pytest.mark.parametrize("mini_batch", [False, True])
def test_kmeans_finds_the_three_blobs(mini_batch):
    data, which = blobs()
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2])
        kmeans = tf.contrib.factorization.KMeans(inputs=x, num_clusters=3,
                                                 initial_clusters="kmeans_plus_plus",
                                                 use_mini_batch=mini_batch, random_seed=1)
        graph = kmeans.training_graph()
        assert len(graph) == 7
        (all_scores, cluster_idx, scores, initialized, centres, init_op, train_op) = graph
        assert isinstance(centres, tf.Variable)  # of unknown shape until init_op runs, as in TF1
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer(), {x: data})
            assert not sess.run(initialized)
            sess.run(init_op, {x: data})
            assert sess.run(initialized)
            for _ in range(10):
                sess.run(train_op, {x: data})
            idx, d = sess.run([cluster_idx[0], tf.reduce_mean(scores)], {x: data})
            found = sess.run(centres)
            distances = sess.run(all_scores[0], {x: data})
    assert distances.shape == (300, 3)
    np.testing.assert_array_equal(idx, distances.argmin(1))
    # Each true centre has one found centre near it, and every point's cluster is its blob's.
    nearest = np.linalg.norm(CENTRES[:, None] - found[None], axis=-1).argmin(1)
    assert sorted(nearest) == [0, 1, 2]
    np.testing.assert_allclose(found[nearest], CENTRES, atol=0.15)
    assert (nearest[which] == idx).all()
    assert d == pytest.approx(np.mean(distances.min(1)), rel=1e-4) and d < 0.3


def test_cosine_distance_scores_one_minus_cosine():
    data, _ = blobs(seed=2)
    data = data + np.float32(1.0)  # no zero vectors
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2])
        kmeans = tf.contrib.factorization.KMeans(x, 4, distance_metric="cosine",
                                                 use_mini_batch=True)
        _, _, scores, _, centres, init_op, train_op = kmeans.training_graph()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer(), {x: data})
            sess.run(init_op, {x: data})
            sess.run(train_op, {x: data})
            got, c = sess.run([scores[0], centres], {x: data})
    unit = data / np.linalg.norm(data, axis=1, keepdims=True)
    cosines = unit @ (c / np.linalg.norm(c, axis=1, keepdims=True)).T
    np.testing.assert_allclose(got, 1 - cosines.max(1), atol=1e-5)


def test_tf1_import_paths_reach_the_same_class():
    ops = importlib.import_module(
        "graph_cnn.legacy.contrib.factorization.python.ops.clustering_ops")
    assert tf.contrib.factorization.KMeans is ops.KMeans
    assert ops.SQUARED_EUCLIDEAN_DISTANCE == "squared_euclidean"
    assert ops.COSINE_DISTANCE == "cosine" and ops.RANDOM_INIT == "random"
