"""A 2018-style tf.contrib.boosted_trees script: a gradient boosted trees classifier configured
through the learner proto, trained and evaluated with numpy input functions."""
from __future__ import print_function

import argparse

import tensorflow as tf
from tensorflow.contrib.boosted_trees.estimator_batch import estimator as gbdt
from tensorflow.contrib.boosted_trees.proto import learner_pb2
from tensorflow.examples.tutorials.mnist import input_data

parser = argparse.ArgumentParser()
parser.add_argument("--train_examples", type=int, default=5000)
parser.add_argument("--batch", type=int, default=1000)
parser.add_argument("--trees", type=int, default=5)
parser.add_argument("--depth", type=int, default=4)
parser.add_argument("--max_steps", type=int, default=1000)
args = parser.parse_args()

mnist = input_data.read_data_sets("/tmp/mnist_data")
config = learner_pb2.LearnerConfig()
config.learning_rate_tuner.fixed.learning_rate = 0.3
config.regularization.l2 = 1.0 / 1000
config.constraints.max_tree_depth = args.depth
config.growing_mode = learner_pb2.LearnerConfig.LAYER_BY_LAYER
config.multi_class_strategy = learner_pb2.LearnerConfig.DIAGONAL_HESSIAN

classifier = gbdt.GradientBoostedDecisionTreeClassifier(
    learner_config=config, examples_per_layer=1000, n_classes=10, num_trees=args.trees,
    center_bias=False, config=tf.contrib.learn.RunConfig(tf_random_seed=3))
train = tf.estimator.inputs.numpy_input_fn(
    x={"pixels": mnist.train.images[:args.train_examples]},
    y=mnist.train.labels[:args.train_examples].astype("int32"),
    batch_size=args.batch, num_epochs=None, shuffle=True)
classifier.fit(input_fn=train, max_steps=args.max_steps)
test = tf.estimator.inputs.numpy_input_fn(
    x={"pixels": mnist.test.images}, y=mnist.test.labels.astype("int32"), batch_size=2000,
    shuffle=False)
result = classifier.evaluate(input_fn=test)
print("steps %d  loss %.3f" % (result["global_step"], result["loss"]))
print("test accuracy %.4f" % result["accuracy"])
