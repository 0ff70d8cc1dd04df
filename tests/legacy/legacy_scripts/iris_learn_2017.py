"""TensorFlow 1.0's "tf.contrib.learn Quickstart" (iris), as published in early 2017: CSVs
loaded with load_csv_with_header, a DNNClassifier [10, 20, 10] fitted 2000 steps on numpy
arrays, its test accuracy and two new flowers' classes printed. Like the tutorial, it downloads
the CSVs when they are not where it looks."""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import argparse
import os
import urllib.request

import numpy as np
import tensorflow as tf

IRIS_TRAINING_URL = "http://download.tensorflow.org/data/iris_training.csv"
IRIS_TEST_URL = "http://download.tensorflow.org/data/iris_test.csv"


def main(args):
    # If the training and test sets aren't stored locally, download them.
    if not os.path.exists(args.train):
        raw = urllib.request.urlopen(IRIS_TRAINING_URL).read()
        with open(args.train, "wb") as f:
            f.write(raw)
    if not os.path.exists(args.test):
        raw = urllib.request.urlopen(IRIS_TEST_URL).read()
        with open(args.test, "wb") as f:
            f.write(raw)

    # Load datasets.
    training_set = tf.contrib.learn.datasets.base.load_csv_with_header(
        filename=args.train, target_dtype=np.int, features_dtype=np.float32)
    test_set = tf.contrib.learn.datasets.base.load_csv_with_header(
        filename=args.test, target_dtype=np.int, features_dtype=np.float32)

    # Specify that all features have real-value data
    feature_columns = [tf.contrib.layers.real_valued_column("", dimension=4)]

    # Build 3 layer DNN with 10, 20, 10 units respectively.
    classifier = tf.contrib.learn.DNNClassifier(feature_columns=feature_columns,
                                                hidden_units=[10, 20, 10],
                                                n_classes=3,
                                                model_dir=args.model_dir)

    # Fit model.
    classifier.fit(x=training_set.data, y=training_set.target, steps=args.steps)

    # Evaluate accuracy.
    accuracy_score = classifier.evaluate(x=test_set.data, y=test_set.target)["accuracy"]
    print('Test Accuracy: {0:f}'.format(accuracy_score))

    # Classify two new flower samples.
    new_samples = np.array([[6.4, 3.2, 4.5, 1.5], [5.8, 3.1, 5.0, 1.7]], dtype=float)
    y = list(classifier.predict(new_samples, as_iterable=True))
    print('Predictions: {}'.format(str([int(c) for c in y])))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", default="iris_training.csv")
    parser.add_argument("--test", default="iris_test.csv")
    parser.add_argument("--model_dir", default="/tmp/iris_model")
    parser.add_argument("--steps", type=int, default=2000)
    main(parser.parse_args())
