"""TensorFlow 1.0's examples/learn/text_classification.py (bag of words), as run in 2017: DBpedia
through learn.datasets.load_dataset, documents to word ids with VocabularyProcessor, a custom
model_fn returning (predictions, loss, train_op) under learn.Estimator wrapped in SKCompat,
accuracy with scikit-learn and a MetricSpec of tf.contrib.metrics.streaming_accuracy."""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import argparse
import os
import sys

import numpy as np
from sklearn import metrics
import tensorflow as tf

learn = tf.contrib.learn

FLAGS = None
MAX_DOCUMENT_LENGTH = 10
EMBEDDING_SIZE = 50
n_words = 0


def bag_of_words_model(features, target):
    """A bag-of-words model. Note it disregards the word order in the text."""
    target = tf.one_hot(target, 15, 1, 0)
    embeddings = tf.get_variable("embeddings", [n_words, EMBEDDING_SIZE])
    features = tf.reduce_mean(tf.nn.embedding_lookup(embeddings, features), 1)
    logits = tf.contrib.layers.fully_connected(features, 15, activation_fn=None)
    loss = tf.losses.softmax_cross_entropy(target, logits)
    train_op = tf.contrib.layers.optimize_loss(
        loss, tf.contrib.framework.get_global_step(),
        optimizer='Adam', learning_rate=0.01)
    return ({
        'class': tf.argmax(logits, 1),
        'prob': tf.nn.softmax(logits)
    }, loss, train_op)


def main(unused_argv):
    global n_words
    # Prepare training and testing data
    dbpedia = learn.datasets.load_dataset(
        'dbpedia', size=FLAGS.size, test_with_fake_data=FLAGS.test_with_fake_data)
    x_train = dbpedia.train.data[:, 1]
    y_train = dbpedia.train.target
    x_test = dbpedia.test.data[:, 1]
    y_test = dbpedia.test.target

    # Process vocabulary
    vocab_processor = learn.preprocessing.VocabularyProcessor(MAX_DOCUMENT_LENGTH)
    x_train = np.array(list(vocab_processor.fit_transform(x_train)))
    x_test = np.array(list(vocab_processor.transform(x_test)))
    n_words = len(vocab_processor.vocabulary_)
    print('Total words: %d' % n_words)
    vocab_path = os.path.join(FLAGS.model_dir, 'vocab')
    if not os.path.isdir(FLAGS.model_dir):
        os.makedirs(FLAGS.model_dir)
    vocab_processor.save(vocab_path)
    restored = learn.preprocessing.VocabularyProcessor.restore(vocab_path)
    print('First document: %s' % next(restored.reverse([x_train[0]])))

    # Build model
    classifier = learn.SKCompat(learn.Estimator(model_fn=bag_of_words_model,
                                                model_dir=FLAGS.model_dir))

    # Train and predict
    classifier.fit(x_train, y_train, steps=FLAGS.steps)
    y_predicted = classifier.predict(x_test)['class']
    score = metrics.accuracy_score(y_test, y_predicted)
    print('Accuracy: {0:f}'.format(score))
    streaming = classifier.score(x_test, y_test, metrics={
        'streaming accuracy': learn.MetricSpec(
            metric_fn=tf.contrib.metrics.streaming_accuracy, prediction_key='class')})
    print('Streaming accuracy: {0:f}'.format(streaming['streaming accuracy']))


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--test_with_fake_data', default=False, action='store_true')
    parser.add_argument('--size', default='small')
    parser.add_argument('--steps', type=int, default=100)
    parser.add_argument('--model_dir', default='/tmp/text_model')
    FLAGS, unparsed = parser.parse_known_args()
    tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)
