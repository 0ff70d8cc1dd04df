# A 2017-era TensorFlow 1 script in the manner of the char-rnn ports of that year, kept as such
# code was written then: a character model (MultiRNNCell of BasicLSTMCells behind
# DropoutWrapper) unrolled with legacy_seq2seq.rnn_decoder, sequence_loss_by_example, clipped
# gradients, Adam with a learning-rate variable, then a sample drawn through rnn_decoder's
# loop_function with reused variables.
# Usage: char_rnn_2017.py INPUT.txt [STEPS]
from __future__ import print_function

import collections
import sys
import time

import numpy as np
import tensorflow as tf
from tensorflow.contrib import legacy_seq2seq
from tensorflow.contrib import rnn


class Args(object):
    rnn_size = 64
    num_layers = 2
    batch_size = 20
    seq_length = 25
    grad_clip = 5.0
    learning_rate = 0.01
    output_keep_prob = 0.9
    input_keep_prob = 1.0


class TextLoader(object):
    def __init__(self, path, batch_size, seq_length):
        with open(path) as f:
            data = f.read()
        counter = collections.Counter(data)
        count_pairs = sorted(counter.items(), key=lambda x: -x[1])
        self.chars, _ = zip(*count_pairs)
        self.vocab_size = len(self.chars)
        self.vocab = dict(zip(self.chars, range(len(self.chars))))
        self.tensor = np.array(list(map(self.vocab.get, data)))
        self.num_batches = int(self.tensor.size / (batch_size * seq_length))
        self.tensor = self.tensor[:self.num_batches * batch_size * seq_length]
        xdata = self.tensor
        ydata = np.copy(self.tensor)
        ydata[:-1] = xdata[1:]
        ydata[-1] = xdata[0]
        self.x_batches = np.split(xdata.reshape(batch_size, -1), self.num_batches, 1)
        self.y_batches = np.split(ydata.reshape(batch_size, -1), self.num_batches, 1)
        self.pointer = 0

    def next_batch(self):
        x, y = self.x_batches[self.pointer], self.y_batches[self.pointer]
        self.pointer = (self.pointer + 1) % self.num_batches
        return x, y


class Model(object):
    def __init__(self, args, training=True):
        self.args = args
        if not training:
            args.batch_size = 1
            args.seq_length = 1
        cells = []
        for _ in range(args.num_layers):
            cell = rnn.BasicLSTMCell(args.rnn_size)
            if training and (args.output_keep_prob < 1.0 or args.input_keep_prob < 1.0):
                cell = rnn.DropoutWrapper(cell, input_keep_prob=args.input_keep_prob,
                                          output_keep_prob=args.output_keep_prob)
            cells.append(cell)
        self.cell = cell = rnn.MultiRNNCell(cells, state_is_tuple=True)

        self.input_data = tf.placeholder(tf.int32, [args.batch_size, args.seq_length])
        self.targets = tf.placeholder(tf.int32, [args.batch_size, args.seq_length])
        self.initial_state = cell.zero_state(args.batch_size, tf.float32)

        with tf.variable_scope('rnnlm'):
            softmax_w = tf.get_variable("softmax_w", [args.rnn_size, args.vocab_size])
            softmax_b = tf.get_variable("softmax_b", [args.vocab_size])

        embedding = tf.get_variable("embedding", [args.vocab_size, args.rnn_size])
        inputs = tf.nn.embedding_lookup(embedding, self.input_data)
        if training and args.output_keep_prob:
            inputs = tf.nn.dropout(inputs, args.output_keep_prob)
        inputs = tf.split(inputs, args.seq_length, 1)
        inputs = [tf.squeeze(input_, [1]) for input_ in inputs]

        def loop(prev, _):
            prev = tf.matmul(prev, softmax_w) + softmax_b
            prev_symbol = tf.stop_gradient(tf.argmax(prev, 1))
            return tf.nn.embedding_lookup(embedding, prev_symbol)

        outputs, last_state = legacy_seq2seq.rnn_decoder(
            inputs, self.initial_state, cell, loop_function=loop if not training else None,
            scope='rnnlm')
        output = tf.reshape(tf.concat(outputs, 1), [-1, args.rnn_size])
        self.logits = tf.matmul(output, softmax_w) + softmax_b
        self.probs = tf.nn.softmax(self.logits)
        loss = legacy_seq2seq.sequence_loss_by_example(
            [self.logits], [tf.reshape(self.targets, [-1])],
            [tf.ones([args.batch_size * args.seq_length])])
        with tf.name_scope('cost'):
            self.cost = tf.reduce_sum(loss) / args.batch_size / args.seq_length
        self.final_state = last_state
        if not training:
            return
        self.lr = tf.Variable(0.0, trainable=False)
        tvars = tf.trainable_variables()
        grads, _ = tf.clip_by_global_norm(tf.gradients(self.cost, tvars), args.grad_clip)
        with tf.name_scope('optimizer'):
            optimizer = tf.train.AdamOptimizer(self.lr)
        self.train_op = optimizer.apply_gradients(zip(grads, tvars))
        tf.summary.histogram('logits', self.logits)
        tf.summary.scalar('train_loss', self.cost)

    def sample(self, sess, chars, vocab, num=60, prime='the '):
        state = sess.run(self.cell.zero_state(1, tf.float32))
        for char in prime[:-1]:
            x = np.zeros((1, 1))
            x[0, 0] = vocab[char]
            state = sess.run(self.final_state, {self.input_data: x, self.initial_state: state})
        ret = prime
        char = prime[-1]
        for _ in range(num):
            x = np.zeros((1, 1))
            x[0, 0] = vocab[char]
            probs, state = sess.run([self.probs, self.final_state],
                                    {self.input_data: x, self.initial_state: state})
            char = chars[int(np.argmax(probs[0]))]
            ret += char
        return ret


def main():
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    tf.set_random_seed(0)
    np.random.seed(0)
    args = Args()
    loader = TextLoader(sys.argv[1], args.batch_size, args.seq_length)
    args.vocab_size = loader.vocab_size
    model = Model(args)
    sample_args = Args()
    sample_args.vocab_size = loader.vocab_size
    with tf.variable_scope(tf.get_variable_scope(), reuse=True):
        sampler = Model(sample_args, training=False)
    summaries = tf.summary.merge_all()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(model.lr, args.learning_rate))
        state = sess.run(model.initial_state)
        for b in range(steps):
            start = time.time()
            x, y = loader.next_batch()
            feed = {model.input_data: x, model.targets: y}
            for i, (c, h) in enumerate(model.initial_state):
                feed[c] = state[i].c
                feed[h] = state[i].h
            summ, train_loss, state, _ = sess.run(
                [summaries, model.cost, model.final_state, model.train_op], feed)
            if b % 20 == 0 or b == steps - 1:
                print("{}/{} (epoch {}), train_loss = {:.3f}, time/batch = {:.3f}".format(
                    b, steps, b // loader.num_batches, train_loss, time.time() - start))
        print("sample:", sampler.sample(sess, loader.chars, loader.vocab))


if __name__ == '__main__':
    main()
