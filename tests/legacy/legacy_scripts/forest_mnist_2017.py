"""A 2017-style tf.contrib.tensor_forest script: an online random forest on MNIST fed through
placeholders, its accuracy checked on the training batch now and then and on the test set."""
from __future__ import print_function

import argparse

import tensorflow as tf
from tensorflow.contrib.tensor_forest.python import tensor_forest
from tensorflow.examples.tutorials.mnist import input_data

parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int, default=300)
parser.add_argument("--batch", type=int, default=512)
parser.add_argument("--trees", type=int, default=8)
parser.add_argument("--nodes", type=int, default=500)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

if args.seed:
    tf.set_random_seed(args.seed)  # the trees' randomness
data = input_data.read_data_sets("/tmp/mnist_data", one_hot=False,
                                 seed=args.seed or None)  # the batches' order

images = tf.placeholder(tf.float32, [None, 784])
digits = tf.placeholder(tf.int32, [None])
params = tensor_forest.ForestHParams(num_classes=10, num_features=784, num_trees=args.trees,
                                     max_nodes=args.nodes).fill()
forest = tensor_forest.RandomForestGraphs(params)
grow = forest.training_graph(images, digits)
size_loss = forest.training_loss(images, digits)
probabilities, _, _ = forest.inference_graph(images)  # TF 1.4+: a tuple
hits = tf.equal(tf.argmax(probabilities, 1), tf.cast(digits, tf.int64))
accuracy = tf.reduce_mean(tf.cast(hits, tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(args.steps):
        xs, ys = data.train.next_batch(args.batch)
        sess.run(grow, {images: xs, digits: ys})
        if step % 100 == 0:
            print("step %d  loss %.1f  batch accuracy %.3f" % (
                step, sess.run(size_loss), sess.run(accuracy, {images: xs, digits: ys})))
    print("test accuracy %.4f" % sess.run(accuracy, {images: data.test.images,
                                                      digits: data.test.labels}))
