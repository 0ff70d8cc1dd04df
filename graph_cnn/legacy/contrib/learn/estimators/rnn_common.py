"""``tf.contrib.learn``'s ``estimators/rnn_common``: the helper TF1 RNN code reached for to take
each sequence's last output."""

import tensorflow as tf


def select_last_activations(activations, sequence_lengths):
    """The activation at each sequence's last step: ``activations`` [batch, time, depth] and
    ``sequence_lengths`` [batch] (None: every sequence is full length) give [batch, depth]."""
    with tf.compat.v1.name_scope("select_last_activations",
                                 values=[activations, sequence_lengths]):
        activations = tf.convert_to_tensor(activations)
        if sequence_lengths is None:
            return activations[:, -1]
        batch = tf.shape(activations)[0]
        last = tf.cast(sequence_lengths, tf.int32) - 1
        picked = tf.gather_nd(activations, tf.stack([tf.range(batch), last], axis=1))
        picked.set_shape([activations.shape[0], activations.shape[2]])
        return picked
