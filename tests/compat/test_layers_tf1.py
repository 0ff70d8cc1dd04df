"""The rest of TF1's ``tf.layers``: the other convolutions and pooling, ``channels_first``, dense
on inputs of rank 3 and more, the class forms, a DCGAN generator, and all of them against
TensorFlow's own legacy ``tf.compat.v1.layers`` (tf-keras, in a subprocess)."""

import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from graph_cnn.compat import tf1 as tf

ours = sys.modules[tf.layers.Layer.__module__]  # graph_cnn's layers module, wherever it lives
ROOT = Path(__file__).resolve().parents[2]


def session():
    return tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1,
                                            inter_op_parallelism_threads=1))


def variables(collection=None):
    found = tf.get_collection(collection or tf.GraphKeys.GLOBAL_VARIABLES)
    return [(v.op.name, v.shape.as_list()) for v in found]


def op_types(graph):
    return {op.type for op in graph.get_operations()}


# (function, input shape, arguments, variables as (name, shape), output shape, an op it runs)
NEW_LAYERS = [
    ("conv1d", (None, 10, 3), dict(filters=4, kernel_size=3),
     [("conv1d/kernel", [3, 3, 4]), ("conv1d/bias", [4])], [None, 8, 4], "Conv2D"),
    ("conv1d", (None, 10, 3), dict(filters=4, kernel_size=3, padding="causal", dilation_rate=2),
     [("conv1d/kernel", [3, 3, 4]), ("conv1d/bias", [4])], [None, 10, 4], "Pad"),
    ("conv3d", (None, 5, 6, 7, 2), dict(filters=4, kernel_size=3, strides=2, padding="same"),
     [("conv3d/kernel", [3, 3, 3, 2, 4]), ("conv3d/bias", [4])], [None, 3, 3, 4, 4], "Conv3D"),
    ("separable_conv1d", (None, 10, 3), dict(filters=5, kernel_size=3, depth_multiplier=2),
     [("separable_conv1d/depthwise_kernel", [3, 3, 2]),
      ("separable_conv1d/pointwise_kernel", [1, 6, 5]), ("separable_conv1d/bias", [5])],
     [None, 8, 5], "DepthwiseConv2dNative"),
    ("separable_conv2d", (None, 9, 9, 3),
     dict(filters=5, kernel_size=3, strides=2, padding="same", depth_multiplier=2),
     [("separable_conv2d/depthwise_kernel", [3, 3, 3, 2]),
      ("separable_conv2d/pointwise_kernel", [1, 1, 6, 5]), ("separable_conv2d/bias", [5])],
     [None, 5, 5, 5], "DepthwiseConv2dNative"),
    ("conv2d_transpose", (None, 7, 7, 8), dict(filters=4, kernel_size=3, strides=2,
                                               padding="same"),
     [("conv2d_transpose/kernel", [3, 3, 4, 8]), ("conv2d_transpose/bias", [4])],
     [None, 14, 14, 4], "Conv2DBackpropInput"),
    ("conv2d_transpose", (None, 7, 6, 8), dict(filters=2, kernel_size=(3, 1), strides=2),
     [("conv2d_transpose/kernel", [3, 1, 2, 8]), ("conv2d_transpose/bias", [2])],
     [None, 15, 12, 2], "Conv2DBackpropInput"),
    ("conv3d_transpose", (None, 2, 3, 4, 5), dict(filters=2, kernel_size=3, strides=2),
     [("conv3d_transpose/kernel", [3, 3, 3, 2, 5]), ("conv3d_transpose/bias", [2])],
     [None, 5, 7, 9, 2], "Conv3DBackpropInputV2"),
    ("max_pooling1d", (None, 10, 3), dict(pool_size=2, strides=2), [], [None, 5, 3], "MaxPool"),
    ("average_pooling1d", (None, 10, 3), dict(pool_size=3, strides=1, padding="same"), [],
     [None, 10, 3], "AvgPool"),
    ("max_pooling3d", (None, 4, 6, 8, 2), dict(pool_size=2, strides=2), [],
     [None, 2, 3, 4, 2], "MaxPool3D"),
    ("average_pooling3d", (None, 4, 6, 7, 2), dict(pool_size=3, strides=2, padding="same"), [],
     [None, 2, 3, 4, 2], "AvgPool3D"),
]


@pytest.mark.parametrize("function, shape, kwargs, expected, out_shape, op", NEW_LAYERS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(NEW_LAYERS)])
def test_new_layers_make_tf1_variables_and_shapes(graph, function, shape, kwargs, expected,
                                                  out_shape, op):
    x = tf.placeholder(tf.float32, shape)
    y = getattr(tf.layers, function)(x, **kwargs)
    assert variables() == expected
    assert variables(tf.GraphKeys.TRAINABLE_VARIABLES) == expected
    assert y.shape.as_list() == out_shape
    assert y.op.name.startswith(function + "/") and op in op_types(graph)
    batch = np.random.RandomState(0).randn(3, *shape[1:]).astype(np.float32)
    with session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(y, {x: batch}).shape == (3, *out_shape[1:])


def test_pooling_1d_and_3d_numbers(graph):
    x3 = np.random.RandomState(1).randn(2, 10, 3).astype(np.float32)
    x5 = np.random.RandomState(2).randn(2, 4, 6, 8, 3).astype(np.float32)
    outputs = [tf.layers.max_pooling1d(x3, 2, 2), tf.layers.average_pooling1d(x3, 2, 2),
               tf.layers.max_pooling3d(x5, 2, 2), tf.layers.average_pooling3d(x5, 2, 2)]
    with session() as sess:
        max1, avg1, max3, avg3 = sess.run(outputs)
    pairs = x3.reshape(2, 5, 2, 3)
    np.testing.assert_array_equal(max1, pairs.max(2))
    np.testing.assert_allclose(avg1, pairs.mean(2), rtol=1e-6)
    cubes = x5.reshape(2, 2, 2, 3, 2, 4, 2, 3)
    np.testing.assert_array_equal(max3, cubes.max((2, 4, 6)))
    np.testing.assert_allclose(avg3, cubes.mean((2, 4, 6)), rtol=1e-5, atol=1e-7)


# (function, channels-last input shape, arguments)
CHANNELS_FIRST = [
    ("conv1d", (2, 9, 3), dict(filters=4, kernel_size=3, padding="same", activation=tf.nn.relu)),
    ("conv1d", (2, 9, 3), dict(filters=2, kernel_size=2, padding="causal", dilation_rate=2)),
    ("conv2d", (2, 8, 7, 3), dict(filters=4, kernel_size=3, strides=2, padding="same")),
    ("conv2d", (2, 8, 7, 3), dict(filters=2, kernel_size=3, dilation_rate=2)),
    ("conv3d", (2, 4, 5, 6, 2), dict(filters=3, kernel_size=2)),
    ("separable_conv1d", (2, 9, 3), dict(filters=4, kernel_size=3, depth_multiplier=2)),
    ("separable_conv2d", (2, 8, 7, 3), dict(filters=4, kernel_size=3, padding="same")),
    ("conv2d_transpose", (2, 5, 4, 3), dict(filters=4, kernel_size=3, strides=2)),
    ("conv3d_transpose", (2, 3, 2, 4, 3), dict(filters=2, kernel_size=3, strides=2,
                                               padding="same")),
    ("max_pooling1d", (2, 9, 3), dict(pool_size=2, strides=2)),
    ("average_pooling1d", (2, 9, 3), dict(pool_size=3, strides=2, padding="same")),
    ("max_pooling2d", (2, 8, 7, 3), dict(pool_size=3, strides=2, padding="same")),
    ("average_pooling2d", (2, 8, 8, 3), dict(pool_size=2, strides=2)),
    ("max_pooling3d", (2, 4, 5, 6, 2), dict(pool_size=2, strides=2)),
    ("average_pooling3d", (2, 4, 5, 6, 2), dict(pool_size=2, strides=1, padding="same")),
    ("flatten", (2, 4, 5, 3), {}),
]


def _channels_first_pair(function, shape, kwargs):
    """The layer on ``shape`` channels-last and on its transpose channels-first, with the same
    weights; returns the Transpose ops of the forward pass and (last, first transposed back,
    the input's gradients both ways)."""
    rng = np.random.RandomState(3)
    x = tf.constant(rng.randn(*shape).astype(np.float32))
    layer = getattr(tf.layers, function)
    extra = {} if function == "flatten" else {"name": "last"}
    last = layer(x, **kwargs, **extra)
    x_first = tf.transpose(x, [0, len(shape) - 1, *range(1, len(shape) - 1)])
    extra = {} if function == "flatten" else {"name": "first"}
    first = layer(x_first, data_format="channels_first", **kwargs, **extra)
    if function != "flatten":
        first = tf.transpose(first, [0, *range(2, len(shape)), 1])
    transposes = sum(op.type == "Transpose" for op in tf.get_default_graph().get_operations())
    weights = tf.constant(rng.randn(*last.shape.as_list()).astype(np.float32))
    grads = [tf.gradients(tf.reduce_sum(out * weights), x)[0] for out in (last, first)]
    copies = [b.assign(a) for a, b in zip(tf.global_variables()[:len(tf.global_variables()) // 2],
                                           tf.global_variables()[len(tf.global_variables()) // 2:])]
    with session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(copies)
        return transposes, sess.run([last, first, *grads])


@pytest.mark.parametrize("native", [False, True], ids=["transposed", "nchw-kernels"])
@pytest.mark.parametrize("function, shape, kwargs", CHANNELS_FIRST,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CHANNELS_FIRST)])
def test_channels_first_gives_the_channels_last_numbers(graph, monkeypatch, function, shape,
                                                        kwargs, native):
    """Around TensorFlow's channels-last kernels the numbers are the same bit for bit; with
    NCHW kernels (oneDNN's here) they are float32 rounding apart."""
    if native and not ours._nchw_kernels():
        pytest.skip("this process has no NCHW kernels (oneDNN off, no GPU)")
    monkeypatch.setattr(ours, "_nchw_kernels", lambda: native)
    transposes, (last, first, grad_last, grad_first) = _channels_first_pair(function, shape,
                                                                            kwargs)
    if native or function == "flatten":
        assert transposes == 2  # the test's own, in and back (flatten's: in and its own)
        np.testing.assert_allclose(first, last, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(grad_first, grad_last, rtol=1e-5, atol=1e-6)
    else:
        assert transposes == 4
        np.testing.assert_array_equal(first, last)
        np.testing.assert_array_equal(grad_first, grad_last)


def test_channels_first_runs_where_tensorflow_has_channels_last_cpu_kernels_only():
    """With oneDNN off TensorFlow's CPU convolutions and pooling refuse NCHW: the layers
    transpose around them instead, and give the channels-last numbers."""
    script = """if True:
        import numpy as np
        import sys
        from graph_cnn.compat import tf1 as tf
        assert not sys.modules[tf.layers.Layer.__module__]._nchw_kernels()
        x = tf.constant(np.random.RandomState(0).randn(2, 3, 8, 8).astype(np.float32))
        y = tf.layers.max_pooling2d(tf.layers.conv2d(x, 4, 3, data_format="channels_first"),
                                    2, 2, data_format="channels_first")
        y_last = tf.layers.max_pooling2d(tf.layers.conv2d(tf.transpose(x, [0, 2, 3, 1]), 4, 3),
                                         2, 2)
        copy = [b.assign(a) for a, b in zip(tf.global_variables()[:2], tf.global_variables()[2:])]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(copy)
            first, last = sess.run([y, y_last])
        assert first.shape == (2, 4, 3, 3)
        assert (first.transpose(0, 2, 3, 1) == last).all()
        print("ran")
    """
    env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="0", CUDA_VISIBLE_DEVICES="",
               TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0 and "ran" in done.stdout, done.stderr[-2000:]


def test_dense_on_rank_3_and_4_is_a_tensordot_over_the_last_axis(graph):
    rng = np.random.RandomState(4)
    x3, x4 = rng.randn(2, 5, 4).astype(np.float32), rng.randn(2, 3, 5, 4).astype(np.float32)
    bias = tf.constant_initializer(rng.randn(3))
    p3 = tf.placeholder(tf.float32, (None, 5, 4))
    y3 = tf.layers.dense(p3, 3, bias_initializer=bias)
    y4 = tf.layers.dense(x4, 3, bias_initializer=bias, activation=tf.nn.relu)
    y2 = tf.layers.dense(tf.reshape(p3, [-1, 20]), 3)
    assert variables() == [("dense/kernel", [4, 3]), ("dense/bias", [3]),
                           ("dense_1/kernel", [4, 3]), ("dense_1/bias", [3]),
                           ("dense_2/kernel", [20, 3]), ("dense_2/bias", [3])]
    assert y3.shape.as_list() == [None, 5, 3] and y4.shape.as_list() == [2, 3, 5, 3]
    assert y2.op.inputs[0].op.type == "MatMul" and "Tensordot" not in y2.op.inputs[0].name
    assert "Tensordot" in y3.op.inputs[0].name
    with session() as sess:
        sess.run(tf.global_variables_initializer())
        out3, out4, (k3, b3, k4, b4) = sess.run([y3, y4, tf.global_variables()[:4]], {p3: x3})
    np.testing.assert_allclose(out3, np.einsum("bti,io->bto", x3, k3) + b3, rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(out4, np.maximum(np.einsum("bhwi,io->bhwo", x4, k4) + b4, 0),
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="rank 2 or more"):
        tf.layers.dense(tf.constant([1.0, 2.0]), 3)


@pytest.mark.smoke
def test_class_layers_name_scope_reuse_and_variables(graph):
    x = tf.placeholder(tf.float32, (None, 4))
    fc = tf.layers.Dense(3, activation=tf.nn.relu)
    assert fc.name == "dense" and not fc.built
    y1, y2 = fc(x), fc.apply(x * 2.0)
    assert fc.scope_name == "dense" and fc.built
    assert (y1.op.name, y2.op.name) == ("dense/Relu", "dense/Relu_1")
    assert variables() == [("dense/kernel", [4, 3]), ("dense/bias", [3])]
    assert fc.variables == fc.weights == fc.trainable_weights == fc.trainable_variables == [
        fc.kernel, fc.bias] == tf.global_variables()
    assert fc.non_trainable_weights == [] and fc.updates == []
    tf.layers.dense(x, 3)  # the functional form counts with the classes
    second = tf.layers.Dense(2)
    assert second.name == "dense_2"
    second(x)
    assert second.scope_name == "dense_2" and second.kernel.op.name == "dense_2/kernel"
    named = [tf.layers.Dense(2, name="fc") for _ in range(2)]
    for layer in named:
        layer(x)
    assert [layer.scope_name for layer in named] == ["fc", "fc_1"]  # TF1's, for named objects
    frozen = tf.layers.Conv2D(2, 3, trainable=False)
    frozen(tf.placeholder(tf.float32, (None, 5, 5, 1)))
    assert frozen.trainable_weights == [] and frozen.non_trainable_weights == [frozen.kernel,
                                                                               frozen.bias]
    assert frozen.kernel not in tf.trainable_variables()
    assert frozen.kernel.shape.as_list() == [3, 3, 1, 2]
    batch = np.random.RandomState(5).randn(6, 4).astype(np.float32)
    with session() as sess:
        sess.run(tf.global_variables_initializer())
        first, again = sess.run([y1, y2], {x: batch})
        kernel, bias = sess.run([fc.kernel, fc.bias])
    np.testing.assert_allclose(first, np.maximum(batch @ kernel + bias, 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(again, np.maximum(2 * batch @ kernel + bias, 0), rtol=1e-5,
                               atol=1e-6)


def test_class_forms_without_variables_and_their_scopes(graph):
    x = tf.placeholder(tf.float32, (None, 6, 6, 2))
    training = tf.placeholder_with_default(False, ())
    pool, flat, drop = tf.layers.MaxPooling2D(2, 2), tf.layers.Flatten(), tf.layers.Dropout(0.5)
    y = drop(flat(pool(x)), training=training)
    assert y.shape.as_list() == [None, 18] and pool.variables == []
    assert [layer.scope_name for layer in (pool, flat, drop)] == ["max_pooling2d", "flatten",
                                                                   "dropout"]
    ones = np.ones((2, 6, 6, 2), np.float32)
    with session() as sess:
        assert (sess.run(y, {x: ones}) == 1).all()
        assert set(np.unique(sess.run(y, {x: ones, training: True}))) <= {0.0, 2.0}
    conv = tf.layers.Conv2DTranspose(3, 2, strides=2, name="up")
    assert conv(x).shape.as_list() == [None, 12, 12, 3]
    assert conv.kernel.shape.as_list() == [2, 2, 3, 2] and conv.scope_name == "up"


def test_batch_normalization_class_updates_and_variables(graph):
    x = tf.placeholder(tf.float32, (None, 3, 3, 2))
    training = tf.placeholder_with_default(False, ())
    bn = tf.layers.BatchNormalization(momentum=0.5)
    y = bn(x, training=training)
    assert bn.name == "batch_normalization" and len(bn.updates) == 2
    assert bn.updates == tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert {u.op.type for u in bn.updates} == {"AssignSub"}
    assert bn.variables == [bn.gamma, bn.beta, bn.moving_mean, bn.moving_variance]
    assert bn.trainable_weights == [bn.gamma, bn.beta]
    assert bn.non_trainable_weights == [bn.moving_mean, bn.moving_variance]
    assert bn.moving_mean.op.name == "batch_normalization/moving_mean"
    y_again = bn(x + 1.0, training=training)
    assert len(bn.updates) == 4 and len(tf.global_variables()) == 4
    batch = np.random.RandomState(6).normal(2.0, 3.0, (5, 3, 3, 2)).astype(np.float32)
    with session() as sess:
        sess.run(tf.global_variables_initializer())
        out, out_again = sess.run([y, y_again], {x: batch})
        sess.run(bn.updates[:2], {x: batch, training: True})
        mean = sess.run(bn.moving_mean)
    np.testing.assert_allclose(out, batch / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_allclose(out_again, (batch + 1) / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_allclose(mean, 0.5 * batch.reshape(-1, 2).mean(0), rtol=1e-5)


def test_a_layer_subclass_builds_once_and_reuses(graph):
    class MyScale(tf.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight("scale", [int(input_shape[-1])],
                                         initializer=tf.ones_initializer(),
                                         regularizer=tf.nn.l2_loss)
            self.count = self.add_weight("count", [], initializer=tf.zeros_initializer(),
                                         trainable=False)
            super().build(input_shape)

        def call(self, inputs):
            self.add_update(tf.assign_add(self.count, 1.0))
            return inputs * self.scale

    layer = MyScale()
    x = tf.placeholder(tf.float32, (None, 3))
    layer(x), layer(x)
    assert layer.name == "my_scale"
    assert variables() == [("my_scale/scale", [3]), ("my_scale/count", [])]
    assert layer.trainable_weights == [layer.scale] and layer.weights == [layer.scale,
                                                                          layer.count]
    assert len(layer.losses) == 1 and layer.losses == tf.losses.get_regularization_losses()
    assert len(layer.updates) == 2 == len(tf.get_collection(tf.GraphKeys.UPDATE_OPS))


def test_unsupported_arguments_say_which(graph):
    with pytest.raises(NotImplementedError, match="renorm=True"):
        tf.layers.BatchNormalization(renorm=True)
    with pytest.raises(NotImplementedError, match="virtual_batch_size=2"):
        tf.layers.batch_normalization(tf.zeros([4, 3]), virtual_batch_size=2)
    with pytest.raises(TypeError, match="'input_shape'"):
        tf.layers.Dense(3, input_shape=(4,))
    with pytest.raises(ValueError, match="data_format"):
        tf.layers.conv2d(tf.zeros([1, 4, 4, 1]), 2, 3, data_format="NCHW")
    with pytest.raises(ValueError, match="padding"):
        tf.layers.conv2d(tf.zeros([1, 4, 4, 1]), 2, 3, padding="causal")


def test_tf1_layers_namespace_has_tf1s_names():
    tf1_names = {
        "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "BatchNormalization",
        "Conv1D", "Conv2D", "Conv2DTranspose", "Conv3D", "Conv3DTranspose", "Dense", "Dropout",
        "Flatten", "Layer", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "SeparableConv1D",
        "SeparableConv2D", "average_pooling1d", "average_pooling2d", "average_pooling3d",
        "batch_normalization", "conv1d", "conv2d", "conv2d_transpose", "conv3d",
        "conv3d_transpose", "dense", "dropout", "flatten", "max_pooling1d", "max_pooling2d",
        "max_pooling3d", "separable_conv1d", "separable_conv2d"}
    public = {name for name in vars(tf.layers) if not name.startswith("_")}  # not the module's
    assert tf1_names <= public
    assert public - tf1_names == {"max_pool2d", "average_pool2d"}


def test_dcgan_generator_builds_with_tf1s_shapes(graph):
    """dense -> reshape -> (batch norm, ReLU, stride-2 'same' transposed convolution) twice:
    7x7 -> 14x14 -> 28x28, and one training step runs for a batch of any size."""
    z = tf.placeholder(tf.float32, (None, 100))
    training = tf.placeholder_with_default(False, ())
    h = tf.reshape(tf.layers.dense(z, 7 * 7 * 64), [-1, 7, 7, 64])
    h = tf.nn.relu(tf.layers.batch_normalization(h, training=training))
    h = tf.layers.conv2d_transpose(h, 32, 5, strides=2, padding="same")
    assert h.shape.as_list() == [None, 14, 14, 32]
    h = tf.nn.relu(tf.layers.batch_normalization(h, training=training))
    image = tf.layers.conv2d_transpose(h, 1, 5, strides=2, padding="same", activation=tf.nn.tanh)
    assert image.shape.as_list() == [None, 28, 28, 1]
    assert [name for name, _ in variables(tf.GraphKeys.TRAINABLE_VARIABLES)] == [
        "dense/kernel", "dense/bias", "batch_normalization/gamma", "batch_normalization/beta",
        "conv2d_transpose/kernel", "conv2d_transpose/bias", "batch_normalization_1/gamma",
        "batch_normalization_1/beta", "conv2d_transpose_1/kernel", "conv2d_transpose_1/bias"]
    assert dict(variables())["conv2d_transpose_1/kernel"] == [5, 5, 1, 32]
    loss = tf.reduce_mean(tf.square(image - 0.5))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        step = tf.train.AdamOptimizer(1e-3).minimize(loss)
    noise = np.random.RandomState(7).randn(3, 100).astype(np.float32)
    with session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(loss, {z: noise, training: True})
        for _ in range(3):
            sess.run(step, {z: noise, training: True})
        images, after = sess.run([image, loss], {z: noise, training: True})
    assert images.shape == (3, 28, 28, 1) and after < before


# Against TensorFlow's own legacy tf.compat.v1.layers: both sides build these cases with their
# `layers`, the reference's variables are copied by name, and outputs, gradients and batch-norm
# updates are compared.

def build_cases(layers, tf):
    rng = np.random.RandomState(8)

    def const(*shape):
        return tf.constant(rng.randn(*shape).astype(np.float32))

    x4, x3, x5, x_first = const(2, 7, 7, 3), const(2, 9, 3), const(2, 4, 5, 6, 2), const(2, 3, 7, 7)
    training = tf.placeholder_with_default(False, (), name="training")
    cases = {
        "conv2d_transpose_same": layers.conv2d_transpose(x4, 4, 3, strides=2, padding="same",
                                                         activation=tf.nn.relu),
        "conv2d_transpose_valid": layers.conv2d_transpose(x4, 2, (3, 2), strides=(2, 1),
                                                          name="up"),
        "conv1d_same_dilated": layers.conv1d(x3, 4, 3, padding="same", dilation_rate=2),
        "conv1d_strided": layers.conv1d(x3, 2, 2, strides=2),
        "conv1d_causal": layers.conv1d(x3, 2, 3, padding="causal"),
        "separable_conv2d": layers.separable_conv2d(x4, 5, 3, depth_multiplier=2,
                                                    padding="same"),
        "separable_conv2d_strided": layers.separable_conv2d(x4, 2, 3, strides=2),
        "separable_conv1d": layers.separable_conv1d(x3, 3, 3, depth_multiplier=2,
                                                    dilation_rate=2),
        "conv3d": layers.conv3d(x5, 3, 2, padding="same"),
        "conv3d_transpose": layers.conv3d_transpose(x5, 2, 3, strides=2, padding="same"),
        "dense_rank3": layers.dense(x3, 5, activation=tf.nn.tanh),
        "dense_rank4": layers.dense(x4, 2),
        "max_pooling1d": layers.max_pooling1d(x3, 2, 2),
        "average_pooling1d": layers.average_pooling1d(x3, 3, 2, padding="same"),
        "max_pooling3d": layers.max_pooling3d(x5, 2, 2),
        "average_pooling3d": layers.average_pooling3d(x5, 2, 1, padding="same"),
    }
    if ours._nchw_kernels():  # TF1's legacy layers run channels_first only on NCHW kernels
        cases["conv2d_channels_first"] = layers.conv2d(x_first, 4, 3, padding="same",
                                                       data_format="channels_first")
        cases["max_pooling2d_channels_first"] = layers.max_pooling2d(
            x_first, 2, 2, data_format="channels_first")
    conv = layers.Conv2D(4, 3, padding="same", name="shared_conv")
    cases["Conv2D"], cases["Conv2D_again"] = conv(x4), conv.apply(x4 * 2.0)
    dense = layers.Dense(3, activation=tf.nn.relu)
    cases["Dense"], cases["Dense_again"] = dense(layers.flatten(x4)), dense(layers.flatten(-x4))
    bn = layers.BatchNormalization(momentum=0.9)
    cases["BatchNormalization"] = bn(x4, training=training)
    cases["BatchNormalization_2d"] = layers.BatchNormalization()(x3[:, 0], training=training)
    return cases, training


def run_cases(layers, tf, weights=None):
    """Each case's output (training off and on) and the gradients of a weighted sum of all of
    them; the moving averages after one update; the weights used, by name."""
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(0)
        cases, training = build_cases(layers, tf)
        rng = np.random.RandomState(9)
        loss = tf.add_n([tf.reduce_sum(out * rng.randn(*out.shape.as_list()).astype(np.float32))
                         for out in cases.values()])
        model = tf.global_variables()
        trainable = tf.trainable_variables()
        grads = tf.gradients(loss, trainable)
        updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        with tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1,
                                              inter_op_parallelism_threads=1)) as sess:
            sess.run(tf.global_variables_initializer())
            if weights is not None:
                sess.run([v.assign(weights[f"w:{v.op.name}"]) for v in model
                          if f"w:{v.op.name}" in weights])
            result = {f"w:{v.op.name}": value for v, value in zip(model, sess.run(model))}
            for name, value in sess.run(cases).items():
                result[f"out:{name}"] = value
            for name, value in sess.run(cases, {training: True}).items():
                result[f"train:{name}"] = value
            for v, value in zip(trainable, sess.run(grads)):
                result[f"grad:{v.op.name}"] = value
            sess.run(updates, {training: True})
            for v, value in zip(model, sess.run(model)):
                result[f"moved:{v.op.name}"] = value
    result["updates"] = np.array(len(updates))
    return result


@pytest.fixture(scope="module")
def reference_and_ours():
    if importlib.util.find_spec("tf_keras") is None:
        message = "tf_keras is not installed: TF1's legacy layers are not there to compare with"
        if os.environ.get("GRAPH_CNN_REQUIRE_REFERENCES"):
            pytest.fail(message)
        pytest.skip(message)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "reference.npz"
        env = dict(os.environ, TF_USE_LEGACY_KERAS="1", CUDA_VISIBLE_DEVICES="",
                   TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(ROOT))
        done = subprocess.run([sys.executable, __file__, str(out)], capture_output=True,
                              text=True, env=env, cwd=ROOT, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        with np.load(out) as data:
            reference = dict(data)
    return reference, run_cases(tf.layers, tf, weights=reference)


def test_variable_names_and_update_count_are_tf1s(reference_and_ours):
    reference, ours_ = reference_and_ours
    assert sorted(k for k in ours_ if k.startswith("w:")) == sorted(
        k for k in reference if k.startswith("w:"))
    assert sorted(k for k in ours_ if k.startswith("grad:")) == sorted(
        k for k in reference if k.startswith("grad:"))
    assert ours_["updates"] == reference["updates"] == 4


CASES = ["conv2d_transpose_same", "conv2d_transpose_valid", "conv1d_same_dilated",
         "conv1d_strided", "conv1d_causal", "separable_conv2d", "separable_conv2d_strided",
         "separable_conv1d", "conv3d", "conv3d_transpose", "dense_rank3", "dense_rank4",
         "max_pooling1d", "average_pooling1d", "max_pooling3d", "average_pooling3d",
         "conv2d_channels_first", "max_pooling2d_channels_first", "Conv2D", "Conv2D_again",
         "Dense", "Dense_again", "BatchNormalization", "BatchNormalization_2d"]


@pytest.mark.parametrize("case", CASES)
def test_outputs_match_tf1s_legacy_layers(reference_and_ours, case):
    reference, ours_ = reference_and_ours
    if case.endswith("channels_first") and not ours._nchw_kernels():
        pytest.skip("TF1's legacy layers need NCHW kernels (oneDNN or a GPU) for channels_first; "
                    "ours against ours is tested above")
    for key in (f"out:{case}", f"train:{case}"):
        assert ours_[key].shape == reference[key].shape
        np.testing.assert_allclose(ours_[key], reference[key], rtol=1e-5, atol=1e-6, err_msg=key)


def test_gradients_and_moving_averages_match_tf1s(reference_and_ours):
    reference, ours_ = reference_and_ours
    for key in reference:
        if key.startswith(("grad:", "moved:")):
            np.testing.assert_allclose(ours_[key], reference[key], rtol=1e-5, atol=1e-5,
                                       err_msg=key)
    moved = [k for k in reference if k.startswith("moved:") and "moving_mean" in k]
    assert len(moved) == 2 and all(np.abs(reference[k]).max() > 1e-3 for k in moved)


if __name__ == "__main__":  # the reference side, run with TF_USE_LEGACY_KERAS=1
    import tensorflow

    v1 = tensorflow.compat.v1
    np.savez(sys.argv[1], **run_cases(v1.layers, v1))
