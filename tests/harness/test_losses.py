"""The articles' losses."""

import numpy as np
import pytest

from graph_cnn.compat import tf1 as tf


def names(collection=None):
    variables = tf.get_collection(collection or tf.GraphKeys.GLOBAL_VARIABLES)
    return [v.op.name for v in variables]


@pytest.mark.smoke
def test_keras_2_loss_clips_probabilities_and_keras_3_loss_does_not(graph):
    from graph_cnn.harness import losses
    logits = tf.placeholder(tf.float32, (None, 3))
    labels = tf.constant([[1.0, 0.0, 0.0]])
    clipped = losses.keras_categorical(logits, labels)
    exact = losses.softmax_logits_mean(logits, labels)
    grads = [tf.gradients(loss, logits)[0] for loss in (clipped, exact)]
    with tf.Session() as sess:
        moderate = sess.run([clipped, exact], {logits: [[1.0, 0.5, -0.5]]})
        np.testing.assert_allclose(moderate[0], moderate[1], rtol=1e-6)
        # a confidently wrong sample: Keras 2 caps the loss at -log(1e-7) and its gradient is 0
        wrong = {logits: [[-20.0, 20.0, 0.0]]}
        (c, e), (gc, ge) = sess.run([clipped, exact], wrong), sess.run(grads, wrong)
    assert c == pytest.approx(-np.log(1e-7), rel=1e-3) and e == pytest.approx(40.0, rel=1e-3)
    assert np.abs(gc).max() == 0.0 and ge[0, 0] == pytest.approx(-1.0, rel=1e-3)
