"""``tf.contrib.learn.io`` (``learn_io``): ``numpy_input_fn``, which TF 1.1's getting-started
guide fed its ``LinearRegressor`` with; contrib's version shuffles by default."""

from graph_cnn.legacy.estimator import inputs as _inputs


def numpy_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=True, queue_capacity=1000,
                   num_threads=1):
    """``tf.estimator.inputs.numpy_input_fn`` with contrib's default ``shuffle=True``."""
    return _inputs.numpy_input_fn(x, y, batch_size=batch_size, num_epochs=num_epochs,
                                  shuffle=shuffle, queue_capacity=queue_capacity,
                                  num_threads=num_threads)
