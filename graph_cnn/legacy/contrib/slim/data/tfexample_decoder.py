"""``slim.tfexample_decoder``: ``TFExampleDecoder`` parses one serialized ``tf.train.Example``
with ``parse_single_example`` and turns the parsed features into items through item handlers:
``Tensor`` (a feature, densified and reshaped), ``Image`` (an encoded image decoded as its
``image/format`` feature says: ``raw`` bytes, else JPEG, PNG, GIF or BMP by the header),
``SparseTensor``, ``BoundingBox``, ``LookupTensor``, ``BackupHandler``, ``ItemHandlerCallback``, and
for ``tf.train.SequenceExample`` records ``TFSequenceExampleDecoder`` with ``BoundingBoxSequence``,
``NumBoxesSequence`` and ``KeypointsSequence``, with TF 1.15's arguments and defaults.
"""

import abc

import tensorflow as tf

from graph_cnn.legacy.contrib.slim.data import data_decoder

v1 = tf.compat.v1


def _dense(tensor, default_value=0):
    """``tensor`` as a dense tensor (a ``VarLenFeature`` parses as a sparse one)."""
    if isinstance(tensor, tf.SparseTensor):
        return v1.sparse_tensor_to_dense(tensor, default_value)
    return tensor


def _as_list(keys):
    return list(keys) if isinstance(keys, (list, tuple)) else [keys]


class ItemHandler(abc.ABC):
    """Names the parsed features (``keys``) an item is made of and makes the item from them."""

    def __init__(self, keys):
        self._keys = _as_list(keys)

    @property
    def keys(self):
        return self._keys

    @abc.abstractmethod
    def tensors_to_item(self, keys_to_tensors):
        """The item's tensor, from the parsed tensors of ``keys`` (a dict by key)."""


class ItemHandlerCallback(ItemHandler):
    """An item made by ``func`` from the dict of the parsed tensors of ``keys``."""

    def __init__(self, keys, func):
        super().__init__(keys)
        self._func = func

    def tensors_to_item(self, keys_to_tensors):
        return self._func(keys_to_tensors)


class Tensor(ItemHandler):
    """The parsed feature ``tensor_key``, made dense (missing entries ``default_value``) and
    reshaped to ``shape``, or to the values of the features ``shape_keys`` (one per
    dimension), or left as parsed when neither is given."""

    def __init__(self, tensor_key, shape_keys=None, shape=None, default_value=0):
        if shape_keys and shape is not None:
            raise ValueError("Cannot specify both shape_keys and shape parameters.")
        self._tensor_key = tensor_key
        self._shape_keys = _as_list(shape_keys) if shape_keys else None
        self._shape = shape
        self._default_value = default_value
        super().__init__([tensor_key] + (self._shape_keys or []))

    def tensors_to_item(self, keys_to_tensors):
        tensor = keys_to_tensors[self._tensor_key]
        shape = self._shape
        if self._shape_keys:
            dims = [_dense(keys_to_tensors[k]) for k in self._shape_keys]
            shape = tf.reshape(tf.stack(dims), [-1])
        if isinstance(tensor, tf.SparseTensor):
            if shape is not None:
                tensor = v1.sparse.reshape(tensor, shape)
            return v1.sparse_tensor_to_dense(tensor, self._default_value)
        return tensor if shape is None else tf.reshape(tensor, shape)


class LookupTensor(Tensor):
    """A ``Tensor`` item mapped through ``table`` (a ``tf.lookup`` table, e.g. label names to
    ids)."""

    def __init__(self, tensor_key, table, shape_keys=None, shape=None, default_value=""):
        self._table = table
        super().__init__(tensor_key, shape_keys, shape, default_value)

    def tensors_to_item(self, keys_to_tensors):
        return self._table.lookup(super().tensors_to_item(keys_to_tensors))


class BackupHandler(ItemHandler):
    """``handler``'s item, or ``backup``'s where that item has no elements (decided per
    record, in the graph)."""

    def __init__(self, handler, backup):
        for role, value in (("Primary", handler), ("Backup", backup)):
            if not isinstance(value, ItemHandler):
                raise ValueError(  # noqa: TRY004  (TF1 raised ValueError)
                    f"{role} handler is of type {type(value)} instead of ItemHandler")
        self._handler = handler
        self._backup = backup
        super().__init__(handler.keys + backup.keys)

    def tensors_to_item(self, keys_to_tensors):
        item = self._handler.tensors_to_item(keys_to_tensors)
        return v1.cond(tf.equal(tf.reduce_prod(tf.shape(item)), 0),
                       lambda: self._backup.tensors_to_item(keys_to_tensors), lambda: item)


class SparseTensor(ItemHandler):
    """A ``tf.SparseTensor`` whose last index column is the values of the feature
    ``indices_key`` (default ``indices``) and whose values are those of ``values_key`` (default
    ``values``), with dense shape from ``shape_key``, else ``shape``, else the parsed indices';
    ``densify`` makes it dense (missing entries ``default_value``)."""

    def __init__(self, indices_key=None, values_key=None, shape_key=None, shape=None,
                 densify=False, default_value=0):
        self._indices_key = indices_key or "indices"
        self._values_key = values_key or "values"
        self._shape_key = shape_key
        self._shape = shape
        self._densify = densify
        self._default_value = default_value
        super().__init__([self._indices_key, self._values_key] + ([shape_key] if shape_key else []))

    def tensors_to_item(self, keys_to_tensors):
        indices = keys_to_tensors[self._indices_key]
        values = keys_to_tensors[self._values_key]
        if self._shape_key:
            shape = _dense(keys_to_tensors[self._shape_key])
        elif self._shape:
            shape = self._shape
        else:
            shape = indices.dense_shape
        rank = tf.shape(indices.indices)[1]
        kept = tf.slice(indices.indices, [0, 0], tf.stack([-1, rank - 1]))
        ids = tf.reshape(tf.cast(indices.values, tf.int64), [-1, 1])
        tensor = tf.SparseTensor(tf.concat([kept, ids], 1), values.values, shape)
        return v1.sparse_tensor_to_dense(tensor, self._default_value) if self._densify else tensor


class BoundingBox(ItemHandler):
    """Boxes ``[num_boxes, 4]`` (ymin, xmin, ymax, xmax) from four features named
    ``prefix + key`` for ``keys`` (default ``['ymin', 'xmin', 'ymax', 'xmax']``)."""

    def __init__(self, keys=None, prefix=""):
        if keys is None:
            keys = ["ymin", "xmin", "ymax", "xmax"]
        elif len(keys) != 4:
            raise ValueError(f"BoundingBox expects 4 keys but got {len(keys)}")
        self._prefix = prefix
        self._full_keys = [prefix + k for k in keys]
        super().__init__(self._full_keys)

    def tensors_to_item(self, keys_to_tensors):
        sides = []
        for key in self._full_keys:
            side = keys_to_tensors[key]
            sides.append(side.values if isinstance(side, tf.SparseTensor) else side)
        return tf.transpose(tf.stack(sides, 0))


class Image(ItemHandler):
    """The image in feature ``image_key`` decoded as feature ``format_key`` says: ``raw``/``RAW``
    bytes read as ``dtype`` (then reshaped to ``shape``, which raw images need), anything else
    decoded by its header (JPEG with ``dct_method``; PNG, GIF, BMP) to ``channels`` channels and
    cast to ``dtype`` (values are not rescaled). ``repeated`` decodes a list of images."""

    def __init__(self, image_key=None, format_key=None, shape=None, channels=3, dtype=tf.uint8,
                 repeated=False, dct_method=""):
        self._image_key = image_key or "image/encoded"
        self._format_key = format_key or "image/format"
        self._shape = shape
        self._channels = channels
        self._dtype = dtype
        self._repeated = repeated
        self._dct_method = dct_method
        super().__init__([self._image_key, self._format_key])

    def tensors_to_item(self, keys_to_tensors):
        image_buffer = keys_to_tensors[self._image_key]
        image_format = keys_to_tensors[self._format_key]
        if self._repeated:
            return v1.map_fn(lambda one: self._decode(one, image_format), image_buffer,
                             dtype=self._dtype)
        return self._decode(image_buffer, image_format)

    def _decode(self, image_buffer, image_format):
        def decode_raw():
            return v1.io.decode_raw(image_buffer, out_type=self._dtype)

        def decode_jpeg():
            return tf.cast(v1.image.decode_jpeg(image_buffer, channels=self._channels,
                                                dct_method=self._dct_method), self._dtype)

        def decode_other():
            return tf.cast(v1.image.decode_image(image_buffer, channels=self._channels),
                           self._dtype)

        def by_header():
            return v1.cond(v1.io.is_jpeg(image_buffer), decode_jpeg, decode_other,
                           name="cond_jpeg")

        is_raw = tf.logical_or(tf.equal(image_format, "raw"), tf.equal(image_format, "RAW"))
        image = v1.case([(is_raw, decode_raw)], default=by_header, exclusive=True)
        image.set_shape([None, None, self._channels])
        return image if self._shape is None else tf.reshape(image, self._shape)


class _SparseSequenceHandler(ItemHandler):
    """Per frame tuples ``[time, n, len(keys)]`` from the 2-D sparse sequence features
    ``prefix + key``, stacked along a new last axis (missing positions ``default_value`` when
    ``return_dense``)."""

    _DEFAULT_KEYS = ()

    def __init__(self, keys=None, prefix=None, return_dense=True, default_value=-1.0):
        if keys is None:
            keys = list(self._DEFAULT_KEYS)
        elif len(keys) != len(self._DEFAULT_KEYS):
            raise ValueError(f"{type(self).__name__} expects {len(self._DEFAULT_KEYS)} keys but "
                             f"got {len(keys)}")
        self._full_keys = [(prefix or "") + k for k in keys]
        self._return_dense = return_dense
        self._default_value = default_value
        super().__init__(self._full_keys)

    def tensors_to_item(self, keys_to_tensors):
        parts = []
        for key in self._full_keys:
            value = keys_to_tensors[key]
            shape = tf.concat([tf.cast(tf.shape(value), tf.int64), tf.constant([1], tf.int64)], 0)
            parts.append(v1.sparse.reshape(value, shape))
        stacked = v1.sparse_concat(2, parts)
        if self._return_dense:
            return v1.sparse_tensor_to_dense(stacked, self._default_value)
        return stacked


class BoundingBoxSequence(_SparseSequenceHandler):
    """Per frame boxes ``[time, num_boxes, 4]`` (ymin, xmin, ymax, xmax)."""

    _DEFAULT_KEYS = ("ymin", "xmin", "ymax", "xmax")


class KeypointsSequence(_SparseSequenceHandler):
    """Per frame keypoints ``[time, num_keypoints, 2]`` (y, x)."""

    _DEFAULT_KEYS = ("y", "x")


class NumBoxesSequence(ItemHandler):
    """The number of boxes per frame (int64 ``[time]``) of the 2-D sparse feature ``keys[0]``;
    ``check_consistency`` asserts at run time that the other keys agree."""

    def __init__(self, keys=None, check_consistency=True):
        if not keys:
            raise ValueError("keys must not be empty.")
        self._check_consistency = check_consistency
        super().__init__(keys)

    @staticmethod
    def _count(tensor):
        if not isinstance(tensor, tf.SparseTensor):
            raise ValueError("tensor must be of type tf.SparseTensor.")  # noqa: TRY004  (as TF1)
        box_ids = tf.SparseTensor(tensor.indices, tensor.indices[:, 1], tensor.dense_shape)
        box_ids = v1.sparse_tensor_to_dense(box_ids, default_value=-1)
        return tf.reduce_max(tf.pad(box_ids + 1, [[0, 0], [0, 1]]), axis=1)  # 0 for no boxes

    def tensors_to_item(self, keys_to_tensors):
        num_boxes = self._count(keys_to_tensors[self.keys[0]])
        checks = [v1.assert_equal(num_boxes, self._count(keys_to_tensors[k]))
                  for k in self.keys[1:]] if self._check_consistency else []
        with tf.control_dependencies(checks):
            return tf.identity(num_boxes)


def _items_of(example, handlers, items):
    return [handlers[item].tensors_to_item({key: example[key] for key in handlers[item].keys})
            for item in (items or handlers)]


class TFExampleDecoder(data_decoder.DataDecoder):
    """Decodes one serialized ``tf.train.Example``: ``keys_to_features`` (feature name to
    ``FixedLenFeature``/``VarLenFeature``) for ``parse_single_example``, then each item from its
    handler in ``items_to_handlers``."""

    def __init__(self, keys_to_features, items_to_handlers):
        self._keys_to_features = keys_to_features
        self._items_to_handlers = items_to_handlers

    def list_items(self):
        return list(self._items_to_handlers)

    def decode(self, serialized_example, items=None):
        """The tensors of ``items`` (default: every item), in that order."""
        example = v1.parse_single_example(serialized_example, self._keys_to_features)
        for key in sorted(self._keys_to_features):  # fixed-length features get their stated shape
            feature = self._keys_to_features[key]
            if isinstance(feature, v1.FixedLenFeature):
                example[key] = tf.reshape(example[key], feature.shape)
        return _items_of(example, self._items_to_handlers, items)


class TFSequenceExampleDecoder(data_decoder.DataDecoder):
    """Decodes one serialized ``tf.train.SequenceExample`` with
    ``parse_single_sequence_example``; a handler's keys are looked up among the context
    features first, then the sequence features (a key in both is a ``ValueError``)."""

    def __init__(self, keys_to_context_features, keys_to_sequence_features, items_to_handlers):
        both = set(keys_to_context_features) & set(keys_to_sequence_features)
        if both:
            raise ValueError(f"Context and sequence keys are not unique: {sorted(both)}")
        self._keys_to_context_features = keys_to_context_features
        self._keys_to_sequence_features = keys_to_sequence_features
        self._items_to_handlers = items_to_handlers

    def list_items(self):
        return list(self._items_to_handlers)

    def decode(self, serialized_example, items=None):
        """The tensors of ``items`` (default: every item), in that order."""
        context, sequence = v1.parse_single_sequence_example(
            serialized_example, self._keys_to_context_features, self._keys_to_sequence_features)
        for key, feature in self._keys_to_context_features.items():
            if isinstance(feature, v1.FixedLenFeature):
                context[key] = tf.reshape(context[key], feature.shape)
        return _items_of({**sequence, **context}, self._items_to_handlers, items)
