"""``tf.estimator.inputs``: ``numpy_input_fn``, as TF1's ``inputs/numpy_io.py``."""

import collections

import numpy as np
import tensorflow as tf

v1 = tf.compat.v1

__all__ = ["numpy_input_fn"]


def _tf_dtype(array):
    return tf.string if array.dtype.kind in "OSU" else tf.as_dtype(array.dtype)


def numpy_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000,
                   num_threads=1):
    """An ``input_fn`` giving batches of ``x`` (an array or a dict of arrays) and ``y``.

    As TF1 read them: rows in order, from a random row when ``shuffle``, mixed in a shuffle
    buffer of ``queue_capacity``; ``num_epochs`` passes (None: forever, full batches only), epochs
    running on into each other, the last batch short; then OutOfRange. One reader whatever
    ``num_threads``.
    """
    if not isinstance(shuffle, bool):
        raise ValueError(f"shuffle must be provided and explicitly set as boolean (it is "
                         f"recommended to set it as True for training); got {shuffle}")

    def input_fn():
        if isinstance(x, dict):
            if not x:
                raise ValueError("x cannot be an empty dict")
            data = collections.OrderedDict((k, np.asarray(x[k])) for k in sorted(x))
        elif isinstance(x, np.ndarray):
            if x.size == 0:
                raise ValueError("x cannot be an empty array")
            data = collections.OrderedDict(__direct_np_input__=x)
        else:
            raise TypeError(f"x must be a dict or array; got {type(x).__name__}")
        feature_keys = list(data)
        if y is None:
            target_keys = None
        elif isinstance(y, dict):
            if not y:
                raise ValueError("y cannot be empty dict, use None instead.")
            target_keys = sorted(y)
            duplicates = set(feature_keys) & set(target_keys)
            if duplicates:
                raise ValueError(f"{len(duplicates)} duplicate keys are found in both x and y: "
                                 f"{duplicates}")
            data.update((k, np.asarray(y[k])) for k in target_keys)
        else:
            target_keys = "__target_key__"
            while target_keys in data:
                target_keys += "_n"
            data[target_keys] = np.asarray(y)
        arrays = list(data.values())
        rows = arrays[0].shape[0]
        if any(a.shape[0] != rows for a in arrays):
            shapes_x = {k: data[k].shape for k in feature_keys}
            shapes_y = (None if target_keys is None else data[target_keys].shape
                        if isinstance(target_keys, str)
                        else {k: data[k].shape for k in target_keys})
            raise ValueError(f"Length of tensors in x and y is mismatched. All elements in x "
                             f"and y must have the same length.\nShapes in x: {shapes_x}\n"
                             f"Shapes in y: {shapes_y}\n")
        _, op_seed = v1.get_seed(None)
        total = None if num_epochs is None else num_epochs * rows

        def chunks():
            start = np.random.RandomState(op_seed).randint(rows) if shuffle else 0
            done = 0
            while total is None or done < total:
                take = batch_size if total is None else min(batch_size, total - done)
                index = (start + done + np.arange(take)) % rows
                done += take
                yield tuple(a[index] for a in arrays)

        full = batch_size if num_epochs is None and not shuffle else None
        dataset = v1.data.Dataset.from_generator(chunks, output_signature=tuple(
            tf.TensorSpec((full,) + a.shape[1:], _tf_dtype(a)) for a in arrays))
        if shuffle:
            dataset = dataset.unbatch().shuffle(queue_capacity).batch(
                batch_size, drop_remainder=num_epochs is None)
        batch = list(v1.data.make_one_shot_iterator(dataset).get_next())
        features = (batch[0] if isinstance(x, np.ndarray)
                    else dict(zip(feature_keys, batch[:len(feature_keys)])))
        if target_keys is None:
            return features
        if isinstance(target_keys, str):
            return features, batch[-1]
        return features, dict(zip(target_keys, batch[-len(target_keys):]))

    return input_fn
