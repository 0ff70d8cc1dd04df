"""``tf.contrib.rnn``: the recurrent cells of :mod:`graph_cnn.legacy.rnn` and the static loops."""

from graph_cnn.legacy.rnn import (  # noqa: F401
    BasicLSTMCell,
    BasicRNNCell,
    DropoutWrapper,
    GRUCell,
    LSTMCell,
    LSTMStateTuple,
    MultiRNNCell,
    RNNCell,
    static_bidirectional_rnn,
    static_rnn,
)
