# A 2017-era TensorFlow 1 script, kept as it was written then: MNIST rows through an LSTM
# (tf.contrib.rnn, static_rnn over tf.unstack) next to a small tf.contrib.slim CNN, both fed by
# queue input (tf.train.shuffle_batch with queue runners and a Coordinator), trained with
# slim.learning.create_train_op and checked with slim.metrics.
from __future__ import print_function

import sys

import numpy as np
import tensorflow as tf
import tensorflow.contrib.slim as slim
from tensorflow.contrib import rnn
from tensorflow.examples.tutorials.mnist import input_data

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
np.random.seed(0)
tf.set_random_seed(0)
mnist = input_data.read_data_sets("/tmp/data/", one_hot=False)

images = tf.constant(mnist.train.images[:20000])
labels = tf.constant(mnist.train.labels[:20000].astype(np.int64))
image, label = tf.train.slice_input_producer([images, labels], shuffle=True, seed=0)
batch_x, batch_y = tf.train.shuffle_batch([image, label], batch_size=128, capacity=2000,
                                          min_after_dequeue=1000, num_threads=1, seed=0)


def lstm_net(x, reuse=None):
    with tf.variable_scope("lstm", reuse=reuse):
        rows = tf.unstack(tf.reshape(x, [-1, 28, 28]), 28, 1)
        cell = rnn.BasicLSTMCell(128, forget_bias=1.0)
        outputs, _ = rnn.static_rnn(cell, rows, dtype=tf.float32)
        return slim.fully_connected(outputs[-1], 10, activation_fn=None, scope="out")


def slim_net(x, is_training=True, reuse=None):
    with tf.variable_scope("cnn", reuse=reuse):
        with slim.arg_scope([slim.conv2d, slim.fully_connected], activation_fn=tf.nn.relu,
                            weights_regularizer=slim.l2_regularizer(0.0005)):
            net = slim.conv2d(tf.reshape(x, [-1, 28, 28, 1]), 16, [5, 5], scope="conv1")
            net = slim.max_pool2d(net, [2, 2], scope="pool1")
            net = slim.conv2d(net, 32, [5, 5], scope="conv2")
            net = slim.max_pool2d(net, [2, 2], scope="pool2")
            net = slim.flatten(net)
            net = slim.fully_connected(net, 128, scope="fc3")
            net = slim.dropout(net, 0.5, is_training=is_training, scope="dropout3")
            return slim.fully_connected(net, 10, activation_fn=None, scope="fc4")


lstm_logits = lstm_net(batch_x)
cnn_logits = slim_net(batch_x)
slim.losses.sparse_softmax_cross_entropy(lstm_logits, batch_y)
slim.losses.sparse_softmax_cross_entropy(cnn_logits, batch_y)
total_loss = slim.losses.get_total_loss()
train_op = slim.learning.create_train_op(total_loss, tf.train.AdamOptimizer(1e-3))

test_x = tf.placeholder(tf.float32, [None, 784])
test_y = tf.placeholder(tf.int64, [None])
lstm_pred = tf.argmax(lstm_net(test_x, reuse=True), 1)
cnn_pred = tf.argmax(slim_net(test_x, is_training=False, reuse=True), 1)
lstm_acc, lstm_update = slim.metrics.streaming_accuracy(lstm_pred, test_y)
cnn_acc, cnn_update = slim.metrics.streaming_accuracy(cnn_pred, test_y)

config = tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
with tf.Session(config=config) as sess:
    sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    for step in range(1, steps + 1):
        loss = sess.run(train_op)
        if step % 100 == 0:
            print("step %d, loss %.4f" % (step, loss))
    coord.request_stop()
    coord.join(threads)
    for start in range(0, 2000, 500):
        feed = {test_x: mnist.test.images[start:start + 500],
                test_y: mnist.test.labels[start:start + 500]}
        sess.run([lstm_update, cnn_update], feed_dict=feed)
    print("lstm test accuracy %.4f" % sess.run(lstm_acc))
    print("cnn test accuracy %.4f" % sess.run(cnn_acc))
