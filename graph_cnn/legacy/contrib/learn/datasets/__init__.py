"""``tf.contrib.learn.datasets``: ``load_dataset('mnist')`` and the ``mnist`` module."""

from graph_cnn.legacy.contrib.learn.datasets import mnist  # noqa: F401


def load_dataset(name, size="small", test_with_fake_data=False):
    """TF1's ``load_dataset``: only ``'mnist'`` (its train/validation/test splits)."""
    if name != "mnist":
        raise ValueError(f"tf.contrib.learn.datasets.load_dataset({name!r}): only 'mnist' is "
                         f"provided by graph_cnn's TF1 layer")
    return mnist.load_mnist()
