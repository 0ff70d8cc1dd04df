"""``tf.contrib.boosted_trees`` as the TF 1.4-1.x examples used it:
``estimator_batch.estimator.GradientBoostedDecisionTreeClassifier`` configured by
``proto.learner_pb2.LearnerConfig``. The folders mirror TF's import paths. The trees are
scikit-learn's histogram gradient boosting, not TensorFlow's boosted-trees kernels (see
``estimator_batch/estimator.py``)."""

from graph_cnn.legacy.contrib.boosted_trees import estimator_batch, proto  # noqa: F401
