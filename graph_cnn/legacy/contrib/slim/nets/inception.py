"""``slim.nets.inception`` as TF 1.15 shipped it: the Inception models' public names in one
module. Only Inception v3 is here; ``inception_v1`` and ``inception_v2`` are not emulated."""

from graph_cnn.legacy.contrib.slim.nets.inception_v3 import (  # noqa: F401 (re-exported)
    inception_v3,
    inception_v3_arg_scope,
    inception_v3_base,
)
