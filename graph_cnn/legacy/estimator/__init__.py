"""TF1's ``tf.estimator``, which left TensorFlow with tensorflow_estimator, rebuilt on
``tf.compat.v1``: ``Estimator``, ``EstimatorSpec``, ``ModeKeys``, ``RunConfig``,
``inputs.numpy_input_fn``, the canned ``DNNClassifier``/``DNNRegressor``,
``LinearClassifier``/``LinearRegressor`` and ``DNNLinearCombinedClassifier``/``Regressor``, a local
``train_and_evaluate``, and ``tpu`` (``TPUEstimator`` as TF1 ran it with ``use_tpu=False``);
``tf.train``'s session hooks and ``VocabInfo``, which TF1 re-exported
here, are the very same classes.

Same signatures, defaults, checkpoint and event layout as TensorFlow 1.x: training runs in a
``MonitoredTrainingSession`` that writes ``model.ckpt-N`` and the ``loss`` and
``global_step/sec`` summaries to ``model_dir`` and resumes from its latest checkpoint; evaluation
restores that checkpoint, runs the metrics until the input ends and writes them under
``model_dir/eval``. Every call builds its own ``tf.Graph``; importing this package changes
nothing. Local only: no distribution strategies or clusters. ``export_saved_model`` writes the
PREDICT graph as a SavedModel, which the ``export`` names (receivers, outputs) and the exporters
(``LatestExporter``, ``FinalExporter``, ``BestExporter``, run by ``train_and_evaluate``) use.

The modules follow TF1's own files: ``model_fn`` (``ModeKeys``, ``EstimatorSpec``),
``run_config``, ``estimator`` (``Estimator``, ``WarmStartSettings``), ``inputs``
(``numpy_input_fn``), ``canned`` (the canned estimators and their heads), ``training``
(``TrainSpec``, ``EvalSpec``, ``train_and_evaluate``), ``export``, ``exporter``,
``experimental`` (early stopping) and ``tpu``.
"""

from tensorflow.compat.v1.train import (
    CheckpointSaverHook,
    CheckpointSaverListener,
    FeedFnHook,
    FinalOpsHook,
    GlobalStepWaiterHook,
    LoggingTensorHook,
    NanLossDuringTrainingError,
    NanTensorHook,
    ProfilerHook,
    SecondOrStepTimer,
    SessionRunArgs,
    SessionRunContext,
    SessionRunHook,
    SessionRunValues,
    StepCounterHook,
    StopAtStepHook,
    SummarySaverHook,
    VocabInfo,
)

from graph_cnn.legacy.estimator import experimental, export, inputs, tpu
from graph_cnn.legacy.estimator.canned import (
    DNNClassifier,
    DNNLinearCombinedClassifier,
    DNNLinearCombinedRegressor,
    DNNRegressor,
    LinearClassifier,
    LinearRegressor,
)
from graph_cnn.legacy.estimator.estimator import Estimator, WarmStartSettings
from graph_cnn.legacy.estimator.exporter import (
    BestExporter,
    Exporter,
    FinalExporter,
    LatestExporter,
)
from graph_cnn.legacy.estimator.inputs import numpy_input_fn
from graph_cnn.legacy.estimator.model_fn import EstimatorSpec, ModeKeys
from graph_cnn.legacy.estimator.run_config import RunConfig
from graph_cnn.legacy.estimator.training import EvalSpec, TrainSpec, train_and_evaluate

__all__ = [
    "BestExporter",
    "DNNClassifier",
    "DNNLinearCombinedClassifier",
    "DNNLinearCombinedRegressor",
    "DNNRegressor",
    "Estimator",
    "EstimatorSpec",
    "EvalSpec",
    "Exporter",
    "FinalExporter",
    "LatestExporter",
    "LinearClassifier",
    "LinearRegressor",
    "ModeKeys",
    "RunConfig",
    "TrainSpec",
    "WarmStartSettings",
    "experimental",
    "export",
    "inputs",
    "numpy_input_fn",
    "tpu",
    "train_and_evaluate",
]
__all__ += ["CheckpointSaverHook", "CheckpointSaverListener", "FeedFnHook", "FinalOpsHook",
            "GlobalStepWaiterHook", "LoggingTensorHook", "NanLossDuringTrainingError", "NanTensorHook",
            "ProfilerHook", "SecondOrStepTimer", "SessionRunArgs", "SessionRunContext", "SessionRunHook",
            "SessionRunValues", "StepCounterHook", "StopAtStepHook", "SummarySaverHook", "VocabInfo"]
