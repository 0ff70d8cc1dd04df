"""``tf.contrib.learn``'s estimators (``tensorflow.contrib.learn.python.learn.estimators``):
``Estimator``, ``SKCompat``, the canned DNN and linear classifiers and regressors, ``ModeKeys``,
``ModelFnOps``, ``NotFittedError``."""

from graph_cnn.legacy.contrib.learn.estimators import (  # noqa: F401
    dnn,
    estimator,
    head,
    linear,
    model_fn,
    rnn_common,
)
from graph_cnn.legacy.contrib.learn.estimators.dnn import DNNClassifier, DNNRegressor  # noqa: F401
from graph_cnn.legacy.contrib.learn.estimators.estimator import (  # noqa: F401
    Estimator,
    NotFittedError,
    SKCompat,
    infer_real_valued_columns_from_input,
    infer_real_valued_columns_from_input_fn,
)
from graph_cnn.legacy.contrib.learn.estimators.head import PredictionKey  # noqa: F401
from graph_cnn.legacy.contrib.learn.estimators.linear import (  # noqa: F401
    LinearClassifier,
    LinearRegressor,
)
from graph_cnn.legacy.contrib.learn.estimators.model_fn import ModeKeys, ModelFnOps  # noqa: F401
