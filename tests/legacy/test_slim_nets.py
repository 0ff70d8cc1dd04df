"""slim's model zoo (``tf.contrib.slim.nets``): each net builds TF 1.15's graph, with the
published checkpoints' variable names, shapes and parameter counts, end points and outputs."""

import textwrap

import numpy as np
import pytest
import tensorflow as tf
from conftest import run_cli

from graph_cnn.legacy.contrib import slim
from graph_cnn.legacy.contrib.slim import nets

v1 = tf.compat.v1

_INCEPTION_END_POINTS = {
    "Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "MaxPool_3a_3x3", "Conv2d_3b_1x1",
    "Conv2d_4a_3x3", "MaxPool_5a_3x3", "Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a",
    "Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e", "Mixed_7a", "Mixed_7b", "Mixed_7c",
    "AuxLogits", "PreLogits", "Logits", "Predictions"}


def _resnet_end_points(scope, units, unit="bottleneck_v1"):
    """TF's end points of a ResNet: conv1, every unit's convolutions (and unit_1's projection
    shortcut) and output, every block, the logits and ``predictions``."""
    names = {f"{scope}/conv1", f"{scope}/logits", "predictions"}
    for b, count in enumerate(units, 1):
        names.add(f"{scope}/block{b}")
        names.add(f"{scope}/block{b}/unit_1/{unit}/shortcut")
        for u in range(1, count + 1):
            prefix = f"{scope}/block{b}/unit_{u}/{unit}"
            names |= {prefix, f"{prefix}/conv1", f"{prefix}/conv2", f"{prefix}/conv3"}
    return names


def _vgg_end_points(scope, convs):
    names = {f"{scope}/fc6", f"{scope}/fc7", f"{scope}/fc8"}
    for stage, count in enumerate(convs, 1):
        names.add(f"{scope}/pool{stage}")
        names |= {f"{scope}/conv{stage}/conv{stage}_{i}" for i in range(1, count + 1)}
    return names


# name: (net, arg scope, input size, num_classes of the published checkpoint, output shape,
#        trainable parameters, end points, {variable: shape} as in the published checkpoint)
# Parameter counts: ResNet v1 50/101/152 equal torchvision's resnet50/101/152 (25,557,032,
# 44,549,160, 60,192,808: the same shapes, no conv biases, batch norm gamma and beta, 1000-way
# fc). resnet_v2_50 with 1001 classes: Keras's ResNet50V2 (converted from these checkpoints)
# has 25,568,360 trainable with 1000 classes, +2,049 for the 1001st. VGG 16/19/A: Keras's VGG16
# and VGG19 (138,357,544, 143,667,240) and torchvision's vgg11 (132,863,336). Inception v3 with
# 1001 classes: Keras's InceptionV3 has 23,817,352 trainable (1000 classes, no aux head, batch
# norm beta only, as here), +2,049 for the 1001st class, +3,326,569 for the aux head
# (128 * 768 + 128, 5 * 5 * 128 * 768 + 768, 768 * 1001 + 1001). Inception v1 with 1001
# classes: torchvision's googlenet without aux heads (6,624,904: the same 3x3 "5x5" branches,
# batch norm gamma and beta) less its 7,280 gammas, +1,025 for the 1001st class. Inception v2:
# no published count was found; 11,179,361 is this build's, kept to catch changes (the shapes
# checked follow TF's layer table). AlexNet v2: summed by hand from its layer shapes (conv1
# 11x11x3x64 ... fc6 5x5x256x4096, fc7, fc8; with biases).
NETS = {
    "inception_v3": (
        nets.inception_v3.inception_v3, nets.inception_v3.inception_v3_arg_scope, 299, 1001,
        [1, 1001], 27_145_970, _INCEPTION_END_POINTS,
        {"InceptionV3/Conv2d_1a_3x3/weights": [3, 3, 3, 32],
         "InceptionV3/Conv2d_1a_3x3/BatchNorm/beta": [32],
         "InceptionV3/Mixed_5c/Branch_1/Conv_1_0c_5x5/weights": [5, 5, 48, 64],
         "InceptionV3/Mixed_6a/Branch_0/Conv2d_1a_1x1/weights": [3, 3, 288, 384],
         "InceptionV3/Mixed_7b/Branch_1/Conv2d_0b_3x1/weights": [3, 1, 384, 384],
         "InceptionV3/Mixed_7c/Branch_1/Conv2d_0c_3x1/weights": [3, 1, 384, 384],
         "InceptionV3/AuxLogits/Conv2d_2a_5x5/weights": [5, 5, 128, 768],
         "InceptionV3/AuxLogits/Conv2d_2b_1x1/biases": [1001],
         "InceptionV3/Logits/Conv2d_1c_1x1/weights": [1, 1, 2048, 1001]}),
    "inception_v1": (
        nets.inception.inception_v1, nets.inception.inception_v1_arg_scope, 224, 1001,
        [1, 1001], 6_618_649,
        {"Conv2d_1a_7x7", "MaxPool_2a_3x3", "Conv2d_2b_1x1", "Conv2d_2c_3x3", "MaxPool_3a_3x3",
         "Mixed_3b", "Mixed_3c", "MaxPool_4a_3x3", "Mixed_4b", "Mixed_4c", "Mixed_4d",
         "Mixed_4e", "Mixed_4f", "MaxPool_5a_2x2", "Mixed_5b", "Mixed_5c", "Logits",
         "Predictions"},
        {"InceptionV1/Conv2d_1a_7x7/weights": [7, 7, 3, 64],
         "InceptionV1/Mixed_3b/Branch_2/Conv2d_0b_3x3/weights": [3, 3, 16, 32],
         "InceptionV1/Mixed_5b/Branch_2/Conv2d_0a_3x3/weights": [3, 3, 32, 128],
         "InceptionV1/Mixed_5c/Branch_3/Conv2d_0b_1x1/BatchNorm/beta": [128],
         "InceptionV1/Logits/Conv2d_0c_1x1/weights": [1, 1, 1024, 1001]}),
    "inception_v2": (
        nets.inception.inception_v2, nets.inception.inception_v2_arg_scope, 224, 1001,
        [1, 1001], 11_179_361,
        {"Conv2d_1a_7x7", "MaxPool_2a_3x3", "Conv2d_2b_1x1", "Conv2d_2c_3x3", "MaxPool_3a_3x3",
         "Mixed_3b", "Mixed_3c", "Mixed_4a", "Mixed_4b", "Mixed_4c", "Mixed_4d", "Mixed_4e",
         "Mixed_5a", "Mixed_5b", "Mixed_5c", "Logits", "Predictions"},
        {"InceptionV2/Conv2d_1a_7x7/depthwise_weights": [7, 7, 3, 8],
         "InceptionV2/Conv2d_1a_7x7/pointwise_weights": [1, 1, 24, 64],
         "InceptionV2/Conv2d_1a_7x7/biases": [64],
         "InceptionV2/Mixed_4a/Branch_1/Conv2d_1a_3x3/weights": [3, 3, 96, 96],
         "InceptionV2/Mixed_5c/Branch_3/Conv2d_0b_1x1/weights": [1, 1, 1024, 128],
         "InceptionV2/Logits/Conv2d_1c_1x1/weights": [1, 1, 1024, 1001]}),
    "resnet_v1_50": (
        nets.resnet_v1.resnet_v1_50, nets.resnet_v1.resnet_arg_scope, 224, 1000,
        [1, 1, 1, 1000], 25_557_032, _resnet_end_points("resnet_v1_50", (3, 4, 6, 3)),
        {"resnet_v1_50/conv1/weights": [7, 7, 3, 64],
         "resnet_v1_50/conv1/BatchNorm/gamma": [64],
         "resnet_v1_50/block1/unit_1/bottleneck_v1/shortcut/weights": [1, 1, 64, 256],
         "resnet_v1_50/block1/unit_1/bottleneck_v1/conv1/weights": [1, 1, 64, 64],
         "resnet_v1_50/block2/unit_4/bottleneck_v1/conv2/weights": [3, 3, 128, 128],
         "resnet_v1_50/block4/unit_3/bottleneck_v1/conv3/BatchNorm/beta": [2048],
         "resnet_v1_50/logits/weights": [1, 1, 2048, 1000],
         "resnet_v1_50/logits/biases": [1000]}),
    "resnet_v1_101": (
        nets.resnet_v1.resnet_v1_101, nets.resnet_v1.resnet_arg_scope, 224, 1000,
        [1, 1, 1, 1000], 44_549_160, _resnet_end_points("resnet_v1_101", (3, 4, 23, 3)),
        {"resnet_v1_101/block3/unit_23/bottleneck_v1/conv2/weights": [3, 3, 256, 256]}),
    "resnet_v1_152": (
        nets.resnet_v1.resnet_v1_152, nets.resnet_v1.resnet_arg_scope, 224, 1000,
        [1, 1, 1, 1000], 60_192_808, _resnet_end_points("resnet_v1_152", (3, 8, 36, 3)),
        {"resnet_v1_152/block3/unit_36/bottleneck_v1/conv3/weights": [1, 1, 256, 1024]}),
    "resnet_v2_50": (
        nets.resnet_v2.resnet_v2_50, nets.resnet_v2.resnet_arg_scope, 224, 1001,
        [1, 1, 1, 1001], 25_570_409,
        _resnet_end_points("resnet_v2_50", (3, 4, 6, 3), "bottleneck_v2"),
        {"resnet_v2_50/conv1/weights": [7, 7, 3, 64],
         "resnet_v2_50/conv1/biases": [64],
         "resnet_v2_50/block1/unit_1/bottleneck_v2/preact/gamma": [64],
         "resnet_v2_50/block1/unit_1/bottleneck_v2/shortcut/biases": [256],
         "resnet_v2_50/block1/unit_1/bottleneck_v2/conv2/BatchNorm/beta": [64],
         "resnet_v2_50/block1/unit_1/bottleneck_v2/conv3/biases": [256],
         "resnet_v2_50/postnorm/gamma": [2048],
         "resnet_v2_50/logits/weights": [1, 1, 2048, 1001]}),
    "vgg_16": (
        nets.vgg.vgg_16, nets.vgg.vgg_arg_scope, 224, 1000, [1, 1000], 138_357_544,
        _vgg_end_points("vgg_16", (2, 2, 3, 3, 3)),
        {"vgg_16/conv1/conv1_1/weights": [3, 3, 3, 64],
         "vgg_16/conv5/conv5_3/biases": [512],
         "vgg_16/fc6/weights": [7, 7, 512, 4096],
         "vgg_16/fc7/weights": [1, 1, 4096, 4096],
         "vgg_16/fc8/biases": [1000]}),
    "vgg_19": (
        nets.vgg.vgg_19, nets.vgg.vgg_arg_scope, 224, 1000, [1, 1000], 143_667_240,
        _vgg_end_points("vgg_19", (2, 2, 4, 4, 4)),
        {"vgg_19/conv3/conv3_4/weights": [3, 3, 256, 256]}),
    "vgg_a": (
        nets.vgg.vgg_a, nets.vgg.vgg_arg_scope, 224, 1000, [1, 1000], 132_863_336,
        _vgg_end_points("vgg_a", (1, 1, 2, 2, 2)),
        {"vgg_a/conv1/conv1_1/weights": [3, 3, 3, 64]}),
    "alexnet_v2": (
        nets.alexnet.alexnet_v2, nets.alexnet.alexnet_v2_arg_scope, 224, 1000, [1, 1000],
        50_303_912,
        {f"alexnet_v2/{n}" for n in ("conv1", "pool1", "conv2", "pool2", "conv3", "conv4",
                                     "conv5", "pool5", "fc6", "fc7", "fc8")},
        {"alexnet_v2/conv1/weights": [11, 11, 3, 64],
         "alexnet_v2/fc6/weights": [5, 5, 256, 4096],
         "alexnet_v2/fc8/biases": [1000]}),
}


def _build(name, size=None, **kwargs):
    net, arg_scope, default_size, classes = NETS[name][:4]
    size = size or default_size
    inputs = v1.placeholder(tf.float32, [1, size, size, 3])
    with slim.arg_scope(arg_scope()):
        return inputs, *net(inputs, **{"num_classes": classes, **kwargs})


def _random_ops():
    return [op for op in v1.get_default_graph().get_operations()
            if op.type.startswith("RandomUniform") and "/Initializer/" not in op.name]


@pytest.mark.parametrize("name", NETS)
def test_net_builds_tf1_graph_with_checkpoint_names(name):
    *_, shape, params, end_point_names, variables = NETS[name]
    with tf.Graph().as_default():
        _, output, end_points = _build(name)
        assert output.shape.as_list() == shape
        assert set(end_points) == end_point_names
        trainable = v1.trainable_variables()
        assert sum(int(np.prod(v.shape)) for v in trainable) == params
        found = {v.op.name: v.shape.as_list() for v in v1.global_variables()}
        assert {n: found.get(n) for n in variables} == variables
        assert set(v1.model_variables()) == set(v1.global_variables())


@pytest.mark.parametrize("name,size", [("inception_v3", 107), ("inception_v1", 224),
                                       ("vgg_a", 224),
                                       ("alexnet_v2", 224)])
def test_is_training_false_builds_no_dropout(name, size):
    with tf.Graph().as_default():
        _build(name, size)
        assert _random_ops()  # dropout while training
    with tf.Graph().as_default():
        _build(name, size, is_training=False)
        assert not _random_ops()


@pytest.mark.parametrize("scope_mode", [True, False])
@pytest.mark.parametrize("is_training", [None, False, True])
def test_resnet_is_training_overrides_arg_scope(is_training, scope_mode):
    # TF 1.15: the net's is_training wins; None leaves resnet_arg_scope's (deprecated) setting
    expected = scope_mode if is_training is None else is_training
    block = nets.resnet_v1.resnet_v1_block("block1", base_depth=4, num_units=2, stride=2)
    with tf.Graph().as_default():
        inputs = v1.placeholder(tf.float32, [1, 32, 32, 3])
        with slim.arg_scope(nets.resnet_utils.resnet_arg_scope(is_training=scope_mode)):
            nets.resnet_v1.resnet_v1(inputs, [block], 3, is_training=is_training)
        modes = {op.get_attr("is_training") for op in v1.get_default_graph().get_operations()
                 if op.type.startswith("FusedBatchNorm")}
        assert modes == {expected}


def test_resnet_features_without_logits():
    with tf.Graph().as_default():
        _, pooled, end_points = _build("resnet_v1_50", num_classes=None)
        assert pooled.shape.as_list() == [1, 1, 1, 2048]
        assert "predictions" not in end_points and "resnet_v1_50/logits" not in end_points
    with tf.Graph().as_default():
        _, dense, _ = _build("resnet_v2_50", num_classes=None, global_pool=False,
                             output_stride=16)
        assert dense.shape.as_list() == [1, 14, 14, 2048]  # 224 / 16, by atrous convolution


def test_unsqueezed_logits_and_reduced_kernels():
    with tf.Graph().as_default():
        _, logits, _ = _build("vgg_16", spatial_squeeze=False)
        assert logits.shape.as_list() == [1, 1, 1, 1000]
    with tf.Graph().as_default():
        _, logits, _ = _build("inception_v3", size=150, spatial_squeeze=False)
        assert logits.shape.as_list() == [1, 1, 1, 1001]
        names = {v.op.name for v in v1.global_variables()}
        assert "InceptionV3/AuxLogits/Conv2d_2a_1x1/weights" in names  # 1x1 map at 150x150
        assert any(op.name.startswith("InceptionV3/Logits/AvgPool_1a_3x3/")
                   for op in v1.get_default_graph().get_operations())  # 3x3 at the end


@pytest.mark.parametrize("name,size", [("inception_v3", 107), ("resnet_v1_50", 64),
                                       ("resnet_v2_50", 64), ("alexnet_v2", 224)])
def test_forward_pass_gives_probabilities(name, size):
    with tf.Graph().as_default():
        inputs, logits, end_points = _build(name, size=size, num_classes=7, is_training=False)
        probabilities = end_points["Predictions" if name == "inception_v3" else
                                   "predictions" if name.startswith("resnet") else
                                   "alexnet_v2/fc8"]
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            image = np.random.default_rng(0).random((1, size, size, 3), dtype=np.float32)
            values, probs = sess.run([logits, probabilities], {inputs: image})
        assert np.all(np.isfinite(values)) and values.size == 7
        if name != "alexnet_v2":
            np.testing.assert_allclose(probs.sum(), 1.0, rtol=1e-5)


def test_tf1_script_with_slim_nets_runs(tmp_path):
    script = tmp_path / "classify.py"
    script.write_text(textwrap.dedent("""\
        import numpy as np
        import tensorflow as tf
        from tensorflow.contrib.slim.nets import resnet_v1
        from tensorflow.contrib.slim.python.slim.nets import inception_v3
        slim = tf.contrib.slim
        images = tf.placeholder(tf.float32, [2, 64, 64, 3])
        with slim.arg_scope(resnet_v1.resnet_arg_scope()):
            logits, end_points = resnet_v1.resnet_v1_50(images, num_classes=5,
                                                        is_training=False)
        print('logits', logits.get_shape().as_list())
        print('variables', len(slim.get_model_variables('resnet_v1_50')))
        print('inception', inception_v3.inception_v3.default_image_size,
              slim.nets.vgg.vgg_16.default_image_size)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(end_points['predictions'], {images: np.ones((2, 64, 64, 3))})
        print('sums', np.round(out.sum(axis=-1), 4).tolist())
    """))
    result = run_cli("legacy", script, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    # 53 convolutions with weights, 52 of them batch-normalised (gamma, beta, mean, variance),
    # the logits' weights and biases
    assert "logits [2, 1, 1, 5]" in result.stdout
    assert "variables 267" in result.stdout
    assert "inception 299 224" in result.stdout
    assert "sums [[[1.0]], [[1.0]]]" in result.stdout
