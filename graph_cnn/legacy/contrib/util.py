"""``tf.contrib.util``: TF 1.15's tensor and graph helpers (``make_tensor_proto``,
``make_ndarray``, ``constant_value``, ``ops_used_by_graph_def``, ``stripped_op_list_for_graph``),
which were core TensorFlow's and still are."""

from tensorflow.python.framework import meta_graph, tensor_util

from graph_cnn.legacy.contrib import _paths

constant_value = tensor_util.constant_value
make_ndarray = tensor_util.MakeNdarray
make_tensor_proto = tensor_util.make_tensor_proto
ops_used_by_graph_def = meta_graph.ops_used_by_graph_def
stripped_op_list_for_graph = meta_graph.stripped_op_list_for_graph

__getattr__ = _paths.forward("util", lambda: None)  # nothing else: one line naming it
