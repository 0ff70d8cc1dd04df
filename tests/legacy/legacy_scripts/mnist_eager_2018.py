# A 2018-era TensorFlow 1 script, kept as it was written then: eager execution through
# tf.contrib.eager (tfe), a tf.data pipeline read with tfe.Iterator, a tfe.Network of tf.layers
# Dense layers, and tfe.implicit_gradients with a tf.train optimizer.
from __future__ import print_function

import sys

import tensorflow as tf
import tensorflow.contrib.eager as tfe
from tensorflow.examples.tutorials.mnist import input_data

tfe.enable_eager_execution()
tf.set_random_seed(0)
num_steps = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
mnist = input_data.read_data_sets("/tmp/data/", one_hot=False)
dataset = tf.data.Dataset.from_tensor_slices((mnist.train.images, mnist.train.labels))
dataset_iter = tfe.Iterator(dataset.repeat().batch(128))


class MLP(tfe.Network):
    def __init__(self):
        super(MLP, self).__init__()
        self.hidden = self.track_layer(tf.layers.Dense(128, activation=tf.nn.relu))
        self.out = self.track_layer(tf.layers.Dense(10))

    def call(self, x):
        return self.out(self.hidden(x))


def loss_fn(model, x, y):
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        logits=model(x), labels=y))


model = MLP()
optimizer = tf.train.AdamOptimizer(learning_rate=0.001)
grad = tfe.implicit_gradients(loss_fn)
for step in range(num_steps):
    x, y = dataset_iter.next()
    optimizer.apply_gradients(grad(model, x, tf.cast(y, tf.int64)))
logits = model(tf.constant(mnist.test.images))
correct = tf.equal(tf.argmax(logits, 1), tf.constant(mnist.test.labels, dtype=tf.int64))
print("eager %s, %d variables, test accuracy %.4f" % (
    tf.executing_eagerly(), len(model.variables), tf.reduce_mean(tf.cast(correct, tf.float32))))
