"""The old TF1 world on the TF1 layer: programs and notebooks run unchanged (``runner``,
``notebook``; ``graph-cnn legacy`` or ``python -m graph_cnn.legacy SCRIPT.py [ARGS...]``), read
before running (``check``), compared with their saved outputs (``diff``), and the parts of
TensorFlow 1 they use beyond :mod:`graph_cnn.compat`:
``tf.contrib`` (``contrib/``), ``tf.estimator`` (``estimator/``), the RNN cells (``rnn``), all
served as one ``tensorflow`` module (``tf``). In a notebook already open, ``%load_ext
graph_cnn.legacy`` turns the layer on for the cells that follow."""


def load_ipython_extension(ipython):
    """``%load_ext graph_cnn.legacy``: ``import tensorflow`` in later cells is the TF1 layer."""
    from graph_cnn.legacy import runner

    runner.install()
