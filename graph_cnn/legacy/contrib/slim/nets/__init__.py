"""``tf.contrib.slim.nets`` as TF 1.15 shipped it, built on graph_cnn's slim layers with TF's
scopes, so TF's published slim checkpoints restore by name: ``alexnet`` (``alexnet_v2``),
``inception`` (v1, v2 and v3 in one module), ``inception_v1``, ``inception_v2``,
``inception_v3``, ``resnet_utils``, ``resnet_v1``, ``resnet_v2`` and ``vgg``. Not emulated:
``overfeat``."""

from graph_cnn.legacy.contrib.slim.nets import (  # noqa: F401 (slim.nets.vgg ...)
    alexnet,
    inception,
    inception_v1,
    inception_v2,
    inception_v3,
    resnet_utils,
    resnet_v1,
    resnet_v2,
    vgg,
)
