"""The TF1 API that the reproductions and the legacy layer both stand on: the ``tf`` namespace in
graph mode (``tf1``), ``tf.layers`` (``layers``), and graph mode itself (``graph_mode``). Our
speed arithmetic under the layers (towers, tiled batch norm, the pooling gradient) is ``speed``.
It imports only the base modules and TensorFlow, never the harness or ``legacy``, so it can be
used alone: ``from graph_cnn.compat import tf1 as tf``."""
