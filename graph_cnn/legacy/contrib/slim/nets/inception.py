"""``slim.nets.inception`` as TF 1.15 shipped it: the Inception models' public names in one
module: Inception v1, v2 and v3."""

from graph_cnn.legacy.contrib.slim.nets.inception_v1 import (  # noqa: F401 (re-exported)
    inception_v1,
    inception_v1_arg_scope,
    inception_v1_base,
)
from graph_cnn.legacy.contrib.slim.nets.inception_v2 import (  # noqa: F401 (re-exported)
    inception_v2,
    inception_v2_arg_scope,
    inception_v2_base,
)
from graph_cnn.legacy.contrib.slim.nets.inception_v3 import (  # noqa: F401 (re-exported)
    inception_v3,
    inception_v3_arg_scope,
    inception_v3_base,
)
