"""``tf.contrib.learn.datasets.mnist`` (also ``tensorflow.contrib.learn.python.learn.datasets.mnist``):
the same loader as ``tensorflow.examples.tutorials.mnist.input_data``."""

from graph_cnn.legacy.input_data import DataSet, dense_to_one_hot, read_data_sets  # noqa: F401


def load_mnist(train_dir="MNIST-data"):
    """TF1's ``load_mnist``: ``read_data_sets(train_dir)``."""
    return read_data_sets(train_dir)
