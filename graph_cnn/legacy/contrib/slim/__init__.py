"""``tf.contrib.slim`` rebuilt on ``tf.compat.v1``: contrib's layers (variable names
``Conv/weights``, ``fully_connected/biases`` ...) under ``arg_scope``, slim's variable helpers,
the ``losses``, ``learning``, ``metrics``, ``evaluation``, ``model_analyzer`` and ``utils``
modules TF1-era slim scripts used, the model zoo ``nets`` (``slim.nets.resnet_v1`` ...), and
slim's data pipeline (``dataset``, ``tfexample_decoder``, ``dataset_data_provider``,
``parallel_reader``, ``prefetch_queue``, ``queues``; in ``data/``)::

    from graph_cnn.legacy.contrib import slim

Like slim, ``arg_scope`` sets defaults only for functions decorated with ``add_arg_scope`` (all
layers here are) and raises for any other; nested scopes add to and override the outer ones.
"""

from graph_cnn.legacy.contrib import layers as contrib_layers
from graph_cnn.legacy.contrib.slim import (  # noqa: F401 (slim.losses ...)
    evaluation,
    learning,
    losses,
    metrics,
    model_analyzer,
    nets,
    queues,
    utils,
    variables,
)
from graph_cnn.legacy.contrib.slim.data import (  # noqa: F401 (slim.dataset ..., as TF 1.15's slim)
    data_decoder,
    data_provider,
    dataset,
    dataset_data_provider,
    parallel_reader,
    prefetch_queue,
    tfexample_decoder,
)

add_arg_scope = contrib_layers.add_arg_scope
arg_scope = contrib_layers.arg_scope
arg_scoped_arguments = contrib_layers.arg_scoped_arguments
current_arg_scope = contrib_layers.current_arg_scope
has_arg_scope = contrib_layers.has_arg_scope

avg_pool2d = contrib_layers.avg_pool2d
batch_norm = contrib_layers.batch_norm
conv2d = convolution2d = contrib_layers.conv2d
conv2d_transpose = convolution2d_transpose = contrib_layers.conv2d_transpose
dropout = contrib_layers.dropout
flatten = contrib_layers.flatten
fully_connected = contrib_layers.fully_connected
max_pool2d = contrib_layers.max_pool2d
one_hot_encoding = contrib_layers.one_hot_encoding
instance_norm = contrib_layers.instance_norm
layer_norm = contrib_layers.layer_norm
repeat = contrib_layers.repeat
separable_conv2d = separable_convolution2d = contrib_layers.separable_conv2d
softmax = contrib_layers.softmax
stack = contrib_layers.stack

apply_regularization = contrib_layers.apply_regularization
l1_regularizer = contrib_layers.l1_regularizer
l1_l2_regularizer = contrib_layers.l1_l2_regularizer
l2_regularizer = contrib_layers.l2_regularizer
sum_regularizer = contrib_layers.sum_regularizer
variance_scaling_initializer = contrib_layers.variance_scaling_initializer
xavier_initializer = contrib_layers.xavier_initializer
# TF1's slim.initializers / slim.layers: contrib.layers.python.layers' files
initializers = contrib_layers.python.layers.initializers
layers = contrib_layers.python.layers.layers
xavier_initializer_conv2d = contrib_layers.xavier_initializer_conv2d

optimize_loss = contrib_layers.optimize_loss
summarize_activation = contrib_layers.summarize_activation
summarize_activations = contrib_layers.summarize_activations
summarize_collection = contrib_layers.summarize_collection
summarize_tensor = contrib_layers.summarize_tensor
summarize_tensors = contrib_layers.summarize_tensors

add_model_variable = variables.add_model_variable
create_global_step = variables.v1.train.create_global_step  # slim's, from contrib.framework
assign_from_checkpoint_fn = variables.assign_from_checkpoint_fn
get_global_step = variables.get_global_step
get_local_variables = variables.get_local_variables
get_model_variables = variables.get_model_variables
get_or_create_global_step = variables.get_or_create_global_step
get_trainable_variables = variables.get_trainable_variables
get_variables = variables.get_variables
get_variables_by_name = variables.get_variables_by_name
get_variables_to_restore = variables.get_variables_to_restore
model_variable = variables.model_variable
variable = variables.variable
