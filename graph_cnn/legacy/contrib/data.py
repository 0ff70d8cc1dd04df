"""``tf.contrib.data``: where ``tf.data`` lived before TF 1.4 (``Dataset``, ``Iterator``), and the
transformations TF 1.x kept there until they moved to ``tf.data.experimental`` (which they are
here: ``parallel_interleave``, ``map_and_batch``, ``AUTOTUNE``, ``shuffle_and_repeat`` ...);
``batch_and_drop_remainder`` and ``sloppy_interleave``, which never moved, are ``batch(...,
drop_remainder=True)`` and a ``parallel_interleave`` with ``sloppy=True``."""

import tensorflow as tf

_experimental = tf.compat.v1.data.experimental

Dataset = tf.compat.v1.data.Dataset
Iterator = tf.compat.v1.data.Iterator
TFRecordDataset = tf.compat.v1.data.TFRecordDataset
TextLineDataset = tf.compat.v1.data.TextLineDataset

AUTOTUNE = _experimental.AUTOTUNE
Counter = _experimental.Counter
CsvDataset = _experimental.CsvDataset
Optional = _experimental.Optional
RandomDataset = _experimental.RandomDataset
Reducer = _experimental.Reducer
SqlDataset = _experimental.SqlDataset
TFRecordWriter = _experimental.TFRecordWriter
bucket_by_sequence_length = _experimental.bucket_by_sequence_length
choose_from_datasets = _experimental.choose_from_datasets
copy_to_device = _experimental.copy_to_device
dense_to_sparse_batch = _experimental.dense_to_sparse_batch
enumerate_dataset = _experimental.enumerate_dataset
get_next_as_optional = _experimental.get_next_as_optional
get_single_element = _experimental.get_single_element
group_by_window = _experimental.group_by_window
ignore_errors = _experimental.ignore_errors
make_batched_features_dataset = _experimental.make_batched_features_dataset
make_csv_dataset = _experimental.make_csv_dataset
map_and_batch = _experimental.map_and_batch
parallel_interleave = _experimental.parallel_interleave
prefetch_to_device = _experimental.prefetch_to_device
rejection_resample = _experimental.rejection_resample
sample_from_datasets = _experimental.sample_from_datasets
scan = _experimental.scan
shuffle_and_repeat = _experimental.shuffle_and_repeat
unbatch = _experimental.unbatch
unique = _experimental.unique


def batch_and_drop_remainder(batch_size):
    """A transformation for ``Dataset.apply``: batches of ``batch_size``, the last short one
    dropped."""
    return lambda dataset: dataset.batch(batch_size, drop_remainder=True)


def padded_batch_and_drop_remainder(batch_size, padded_shapes, padding_values=None):
    """``batch_and_drop_remainder`` with ``padded_batch``'s padding."""
    return lambda dataset: dataset.padded_batch(batch_size, padded_shapes, padding_values,
                                                drop_remainder=True)


def sloppy_interleave(map_func, cycle_length, block_length=1):
    """``parallel_interleave`` that may return elements out of order (``sloppy=True``)."""
    return parallel_interleave(map_func, cycle_length, block_length, sloppy=True)
