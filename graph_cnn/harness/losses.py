"""The articles' losses, each as its framework computed it."""

from graph_cnn import lazy

tf = lazy.module("tensorflow")  # imported when a graph is built
v1 = lazy.module("tensorflow.compat.v1")


def sparse_softmax_mean(logits, labels):
    """Mean sparse softmax cross-entropy (TF1 articles; PyTorch's ``CrossEntropyLoss``)."""
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                                         logits=logits))


def summed_log_softmax(logits, labels):
    """``-reduce_sum(y * log(softmax(logits)))`` over the batch, one-hot ``y`` (seed 002): a
    softmax output of exactly 0 gives log(0) = -inf and a NaN loss, as in the article."""
    return -tf.reduce_sum(labels * v1.log(tf.nn.softmax(logits)))


def keras_categorical(logits, labels, epsilon=1e-7):
    """Keras's ``categorical_crossentropy`` on a softmax output: probabilities clipped to
    [epsilon, 1 - epsilon], then the batch mean of ``-sum(y log p)``."""
    probs = tf.clip_by_value(tf.nn.softmax(logits), epsilon, 1.0 - epsilon)
    return tf.reduce_mean(-tf.reduce_sum(labels * v1.log(probs), axis=-1))


def softmax_logits_mean(logits, labels):
    """The batch mean of one-hot softmax cross-entropy from the logits: what later tf.keras and
    Keras 3 compute for ``categorical_crossentropy`` on a softmax layer's output, as they take
    the logits behind the softmax instead of clipping its probabilities (standalone Keras 2
    clipped: :func:`keras_categorical`)."""
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))


LOSSES = {"sparse_softmax_mean": sparse_softmax_mean, "summed_log_softmax": summed_log_softmax,
          "keras_categorical": keras_categorical, "softmax_logits_mean": softmax_logits_mean}
