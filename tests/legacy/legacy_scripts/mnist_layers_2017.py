# A 2017-era TensorFlow 1 script, kept as it was written then (the graph_cnn legacy runner must
# run it unchanged): tf.layers CNN with batch norm, dropout behind a placeholder_with_default
# flag, UPDATE_OPS, in_top_k, Saver and FileWriter.
from __future__ import print_function

import os
import sys
import time

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

flags = tf.app.flags
flags.DEFINE_string('data_dir', 'MNIST_data', 'Directory for the MNIST data')
flags.DEFINE_string('train_dir', '/tmp/mnist_logs', 'Summaries and checkpoint directory')
flags.DEFINE_integer('max_steps', 2000, 'Number of training steps')
flags.DEFINE_integer('batch_size', 100, 'Batch size')
flags.DEFINE_float('learning_rate', 1e-3, 'Adam learning rate')
FLAGS = flags.FLAGS


def main(_):
    np.random.seed(42)
    tf.set_random_seed(42)
    mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=False)

    X = tf.placeholder(tf.float32, shape=(None, 784), name='X')
    y = tf.placeholder(tf.int64, shape=(None,), name='y')
    training = tf.placeholder_with_default(False, shape=(), name='training')

    with tf.name_scope('cnn'):
        X_reshaped = tf.reshape(X, shape=[-1, 28, 28, 1])
        conv1 = tf.layers.conv2d(X_reshaped, filters=32, kernel_size=5, padding='SAME',
                                 activation=tf.nn.relu, name='conv1')
        pool1 = tf.layers.max_pooling2d(conv1, pool_size=2, strides=2, padding='VALID')
        conv2 = tf.layers.conv2d(pool1, filters=64, kernel_size=5, padding='SAME',
                                 activation=tf.nn.relu, name='conv2')
        pool2 = tf.layers.max_pooling2d(conv2, pool_size=2, strides=2, padding='VALID')
        pool2_flat = tf.reshape(pool2, shape=[-1, 7 * 7 * 64])
        fc1 = tf.layers.dense(pool2_flat, 256, name='fc1')
        fc1_bn = tf.nn.relu(tf.layers.batch_normalization(fc1, training=training, momentum=0.9))
        fc1_drop = tf.layers.dropout(fc1_bn, rate=0.4, training=training)
        logits = tf.layers.dense(fc1_drop, 10, name='logits')

    with tf.name_scope('train'):
        xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(logits=logits, labels=y)
        loss = tf.reduce_mean(xentropy)
        training_op = tf.train.AdamOptimizer(FLAGS.learning_rate).minimize(loss)
        extra_update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)

    with tf.name_scope('eval'):
        correct = tf.nn.in_top_k(logits, y, 1)
        accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
        tf.summary.scalar('accuracy', accuracy)

    merged = tf.summary.merge_all()
    saver = tf.train.Saver()
    sess = tf.InteractiveSession()
    writer = tf.summary.FileWriter(FLAGS.train_dir, sess.graph)
    sess.run(tf.initialize_all_variables())

    start = time.time()
    for step in range(FLAGS.max_steps):
        X_batch, y_batch = mnist.train.next_batch(FLAGS.batch_size)
        sess.run([training_op, extra_update_ops],
                 feed_dict={X: X_batch, y: y_batch, training: True})
        if step % 100 == 0:
            summary, acc = sess.run([merged, accuracy],
                                    feed_dict={X: X_batch, y: y_batch})
            writer.add_summary(summary, step)
            print('step %d, training accuracy %g (%.1fs)' % (step, acc, time.time() - start))

    acc_test = accuracy.eval(feed_dict={X: mnist.test.images, y: mnist.test.labels})
    print('test accuracy %g' % acc_test)
    save_path = saver.save(sess, os.path.join(FLAGS.train_dir, 'model.ckpt'))
    print('Model saved in file: %s' % save_path)
    writer.close()
    sess.close()


if __name__ == '__main__':
    tf.app.run(main=main, argv=[sys.argv[0]] + sys.argv[1:])
