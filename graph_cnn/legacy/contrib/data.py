"""``tf.contrib.data``: where ``tf.data`` lived before TF 1.4 (``Dataset``, ``Iterator``)."""

import tensorflow as tf

Dataset = tf.compat.v1.data.Dataset
Iterator = tf.compat.v1.data.Iterator
TFRecordDataset = tf.compat.v1.data.TFRecordDataset
TextLineDataset = tf.compat.v1.data.TextLineDataset
