"""``tf.contrib.lookup`` as TF 1.15 had it: the vocabulary tables of ``tf.compat.v1``'s lookup ops
(``HashTable``, ``KeyValueTensorInitializer``, ``index_table_from_file``, ``MutableHashTable`` ...),
and contrib's own spellings: ``index_table_from_tensor(mapping, ...)``,
``index_to_string_table_from_tensor(mapping, ...)`` and the deprecated ``string_to_index`` /
``index_to_string``. Tables fill when ``tf.tables_initializer()`` runs, as in TF1."""

from tensorflow.python.ops import lookup_ops

from graph_cnn.legacy.contrib import _paths


def index_table_from_tensor(mapping, num_oov_buckets=0, default_value=-1,
                            hasher_spec=lookup_ops.FastHashSpec, dtype=None, name=None):
    """A table from each string (or integer, with ``dtype``) of the 1-D ``mapping`` to its index;
    other keys map to ``default_value``, or to one of ``num_oov_buckets`` buckets by hash."""
    extra = {} if dtype is None else {"dtype": dtype}
    return lookup_ops.index_table_from_tensor(
        vocabulary_list=mapping, num_oov_buckets=num_oov_buckets, default_value=default_value,
        hasher_spec=hasher_spec, name=name, **extra)


def index_to_string_table_from_tensor(mapping, default_value="UNK", name=None):
    """A table from each index of the 1-D ``mapping`` to its string; others give ``default_value``."""
    return lookup_ops.index_to_string_table_from_tensor(
        vocabulary_list=mapping, default_value=default_value, name=name)


def string_to_index(tensor, mapping, default_value=-1, name=None):
    """``tensor``'s strings as their indices in ``mapping`` (TF1's deprecated one-call form)."""
    return index_table_from_tensor(mapping, default_value=default_value, name=name).lookup(tensor)


def index_to_string(tensor, mapping, default_value="UNK", name=None):
    """``tensor``'s indices as ``mapping``'s strings (TF1's deprecated one-call form)."""
    return index_to_string_table_from_tensor(mapping, default_value, name).lookup(tensor)


__getattr__ = _paths.forward("lookup", lambda: lookup_ops)
