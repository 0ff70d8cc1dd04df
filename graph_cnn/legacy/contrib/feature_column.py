"""``tf.contrib.layers``' feature columns (``real_valued_column``, ``sparse_column_with_keys``
...) and ``input_from_feature_columns``, as the contrib.learn estimators took them.

Each builds the ``tf.feature_column`` column that does the same job (``real_valued_column(name,
dimension)`` is ``numeric_column(name, shape=(dimension,))``, ``sparse_column_with_keys`` a
vocabulary list, ``one_hot_column`` an indicator ...), so the canned estimators and
``tf.feature_column.input_layer`` read them directly. Not emulated: variable-length
``real_valued_column(dimension=None)``, a sparse column's own ``combiner`` (the linear models
sum, as contrib's default did; embeddings take their own combiner), and
``shared_embedding_columns``.
"""

import numpy as np
import tensorflow as tf

fc = tf.compat.v1.feature_column
v1 = tf.compat.v1


def real_valued_column(column_name, dimension=1, default_value=None, dtype=tf.float32,
                       normalizer=None):
    """A dense feature of ``dimension`` floats (cast to float32)."""
    if dimension is None:
        raise NotImplementedError("real_valued_column(dimension=None) (variable-length "
                                  "sparse values) is not supported by graph_cnn's TF1 layer")
    if isinstance(default_value, (int, float)):
        default_value = (float(default_value),) * dimension
    return fc.numeric_column(column_name, shape=(dimension,), default_value=default_value,
                             dtype=dtype, normalizer_fn=normalizer)


def sparse_column_with_keys(column_name, keys, default_value=-1, combiner="sum",
                            dtype=tf.string):
    """Ids of ``keys`` (-1, or ``default_value``, for others)."""
    del combiner
    return fc.categorical_column_with_vocabulary_list(column_name, tuple(keys), dtype=dtype,
                                                      default_value=default_value)


def sparse_column_with_hash_bucket(column_name, hash_bucket_size, combiner="sum",
                                   dtype=tf.string, hash_keys=None):
    """Ids hashed into ``hash_bucket_size`` buckets."""
    del combiner
    if hash_keys is not None:
        raise NotImplementedError("sparse_column_with_hash_bucket(hash_keys=...) is not "
                                  "supported by graph_cnn's TF1 layer")
    return fc.categorical_column_with_hash_bucket(column_name, hash_bucket_size, dtype=dtype)


def sparse_column_with_integerized_feature(column_name, bucket_size, combiner="sum",
                                           dtype=tf.int64):
    """Integer ids in [0, ``bucket_size``)."""
    del combiner, dtype
    return fc.categorical_column_with_identity(column_name, bucket_size)


def sparse_column_with_vocabulary_file(column_name, vocabulary_file, num_oov_buckets=0,
                                       vocab_size=None, default_value=-1, combiner="sum",
                                       dtype=tf.string):
    """Ids of the words of ``vocabulary_file``, one a line."""
    del combiner
    return fc.categorical_column_with_vocabulary_file(
        column_name, vocabulary_file, vocabulary_size=vocab_size,
        num_oov_buckets=num_oov_buckets, default_value=None if num_oov_buckets else
        default_value, dtype=dtype)


def weighted_sparse_column(sparse_id_column, weight_column_name, dtype=tf.float32):
    """``sparse_id_column`` weighted by the feature ``weight_column_name``."""
    return fc.weighted_categorical_column(sparse_id_column, weight_column_name, dtype=dtype)


def embedding_column(sparse_id_column, dimension, combiner="mean", initializer=None,
                     ckpt_to_load_from=None, tensor_name_in_ckpt=None, max_norm=None,
                     trainable=True):
    """A dense ``dimension``-vector learnt for each id (combined by ``combiner``)."""
    return fc.embedding_column(sparse_id_column, dimension, combiner=combiner,
                               initializer=initializer, ckpt_to_load_from=ckpt_to_load_from,
                               tensor_name_in_ckpt=tensor_name_in_ckpt, max_norm=max_norm,
                               trainable=trainable)


def one_hot_column(sparse_id_column):
    """The ids as a multi-hot dense vector."""
    return fc.indicator_column(sparse_id_column)


def bucketized_column(source_column, boundaries):
    """A real-valued column cut at ``boundaries`` into bucket ids."""
    return fc.bucketized_column(source_column, boundaries)


def crossed_column(columns, hash_bucket_size, combiner="sum", ckpt_to_load_from=None,
                   tensor_name_in_ckpt=None, hash_key=None):
    """The cross of ``columns``, hashed into ``hash_bucket_size`` buckets."""
    del combiner, ckpt_to_load_from, tensor_name_in_ckpt
    return fc.crossed_column(list(columns), hash_bucket_size, hash_key=hash_key)


def infer_real_valued_columns(features):
    """One ``real_valued_column`` per float or integer feature (``''`` for a lone tensor),
    its dimension the product of the feature's non-batch dimensions."""
    if not isinstance(features, dict):
        features = {"": features}
    columns = []
    for key, value in sorted(features.items()):
        dtype = tf.as_dtype(value.dtype)
        if not (dtype.is_integer or dtype.is_floating):
            raise ValueError(f"Feature {key!r} has dtype {dtype.name}: only real-valued "
                             f"features can be inferred")
        shape = value.get_shape().as_list()[1:]
        if any(d is None for d in shape):
            raise ValueError(f"Feature {key!r} has an unknown non-batch dimension: {shape}")
        dimension = int(np.prod(shape)) if shape else 1
        columns.append(real_valued_column(key, dimension=dimension,
                                          dtype=tf.float32 if dtype.is_floating else dtype))
    return columns


def input_from_feature_columns(columns_to_tensors, feature_columns, weight_collections=None,
                               trainable=True, scope=None, cols_to_outs=None):
    """The dense columns' values concatenated into one [batch, n] tensor, in a variable scope
    ``input_from_feature_columns``."""
    with v1.variable_scope(scope, default_name="input_from_feature_columns",
                           values=tuple(columns_to_tensors.values())):
        return fc.input_layer(columns_to_tensors, feature_columns,
                              weight_collections=weight_collections, trainable=trainable,
                              cols_to_vars=None, cols_to_output_tensors=cols_to_outs)


__all__ = ["bucketized_column", "crossed_column", "embedding_column", "infer_real_valued_columns",
           "input_from_feature_columns", "one_hot_column", "real_valued_column",
           "sparse_column_with_hash_bucket", "sparse_column_with_integerized_feature",
           "sparse_column_with_keys", "sparse_column_with_vocabulary_file",
           "weighted_sparse_column"]
