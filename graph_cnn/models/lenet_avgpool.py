"""Seed 004 (a PyTorch LeNet with average pooling), rebuilt in TF graph style with PyTorch's
defaults: every weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)), batch norm momentum 0.1
(TF decay 0.9) and epsilon 1e-5. NHWC instead of PyTorch's NCHW: the flattened 256 features come
in another order, which only permutes the first dense layer's rows."""

import collections

from graph_cnn import lazy
from graph_cnn.models import initializers

tf = lazy.module("tensorflow")  # imported when a graph is built
layers = lazy.module("graph_cnn.compat.layers")


def _torch_conv(net, filters, name):
    fan_in = int(net.shape[-1]) * 5 * 5
    init = initializers.torch_default(fan_in)
    return layers.conv2d(net, filters, 5, padding="valid", kernel_initializer=init,
                         bias_initializer=init, name=name)


def _torch_dense(net, units, name, activation=None):
    init = initializers.torch_default(int(net.shape[-1]))
    return layers.dense(net, units, activation=activation, kernel_initializer=init,
                        bias_initializer=init, name=name)


def _torch_batch_norm(net, training, name):
    """PyTorch's BatchNorm2d (momentum 0.1, epsilon 1e-5): exact batch statistics and an unbiased
    running variance, which TF1's non-fused layer did not keep."""

    class TorchBatchNorm(layers.BatchNormalization):
        _unbiased_moving_variance = True

    return TorchBatchNorm(momentum=0.9, epsilon=1e-5, fused=False, name=name)(
        net, training=training)


def lenet(X, training=None, batch_norm=False):
    """``lenet_avgpool``: conv 6 (24x24), avg-pool (12x12), conv 16 (8x8), avg-pool (4x4), no
    activation in this part; 256 -> 120 ReLU -> 84 ReLU -> 10. With ``batch_norm``
    (``lenet_avgpool_bn``) each conv is followed by batch norm and ReLU."""
    end_points = collections.OrderedDict()
    net = X
    for i, filters in enumerate((6, 16), start=1):
        net = end_points[f"conv{i}"] = _torch_conv(net, filters, f"conv{i}")
        if batch_norm:
            net = _torch_batch_norm(net, training, f"bn{i}")
            net = end_points[f"relu{i}"] = tf.nn.relu(net)
        net = end_points[f"pool{i}"] = layers.average_pooling2d(net, 2, 2, name=f"pool{i}")
    net = end_points["flatten"] = layers.flatten(net)
    net = end_points["fc1"] = _torch_dense(net, 120, "fc1", tf.nn.relu)
    net = end_points["fc2"] = _torch_dense(net, 84, "fc2", tf.nn.relu)
    logits = end_points["logits"] = _torch_dense(net, 10, "logits")
    return logits, end_points


def lenet_bn(X, training):
    return lenet(X, training, batch_norm=True)
