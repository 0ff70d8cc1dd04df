# A 2017-era TensorFlow 1 script in the manner of the CIFAR-10 tutorial's input pipeline and
# training loop: the binary batches (one label byte, then 3072 bytes of a 32x32 image stored
# depth-major) read with FixedLengthRecordReader from a string_input_producer, decode_raw,
# random crops and flips, shuffle_batch under queue runners, a small conv net, a global step
# from contrib.framework, and an exponentially decaying learning rate.
# Usage: cifar10_queue_2017.py DATA_DIR [STEPS]   (DATA_DIR/cifar-10-batches-bin/*.bin)
from __future__ import absolute_import, division, print_function

import os
import sys

import tensorflow as tf

data_dir, steps = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100
LABEL_BYTES, HEIGHT, WIDTH, DEPTH = 1, 32, 32, 3
IMAGE_BYTES = HEIGHT * WIDTH * DEPTH

files = [os.path.join(data_dir, "cifar-10-batches-bin", "data_batch_%d.bin" % i)
         for i in range(1, 6)]
for f in files:
    if not tf.gfile.Exists(f):
        raise ValueError("Failed to find file: " + f)
filename_queue = tf.train.string_input_producer(files, seed=1)
reader = tf.FixedLengthRecordReader(record_bytes=LABEL_BYTES + IMAGE_BYTES)
key, value = reader.read(filename_queue)
record = tf.decode_raw(value, tf.uint8)
label = tf.cast(tf.strided_slice(record, [0], [LABEL_BYTES]), tf.int32)
depth_major = tf.reshape(tf.strided_slice(record, [LABEL_BYTES], [LABEL_BYTES + IMAGE_BYTES]),
                         [DEPTH, HEIGHT, WIDTH])
image = tf.cast(tf.transpose(depth_major, [1, 2, 0]), tf.float32)
image = tf.random_crop(image, [24, 24, 3], seed=1)
image = tf.image.random_flip_left_right(image, seed=1)
image = tf.image.per_image_standardization(image)
label.set_shape([1])
images, labels = tf.train.shuffle_batch([image, label], batch_size=32, num_threads=2,
                                        capacity=400, min_after_dequeue=200, seed=1)
labels = tf.reshape(labels, [32])

with tf.variable_scope("conv1"):
    kernel = tf.get_variable("weights", [5, 5, 3, 16],
                             initializer=tf.truncated_normal_initializer(stddev=5e-2, seed=1))
    conv = tf.nn.relu(tf.nn.conv2d(images, kernel, [1, 1, 1, 1], padding="SAME"))
pool = tf.nn.max_pool(conv, ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1], padding="SAME")
flat = tf.reshape(pool, [32, -1])
with tf.variable_scope("softmax_linear"):
    weights = tf.get_variable("weights", [flat.get_shape()[1].value, 10],
                              initializer=tf.truncated_normal_initializer(stddev=0.01, seed=1))
    logits = tf.matmul(flat, weights)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                                      logits=logits))
global_step = tf.contrib.framework.get_or_create_global_step()
lr = tf.train.exponential_decay(0.05, global_step, 50, 0.5, staircase=True)
train_op = tf.train.GradientDescentOptimizer(lr).minimize(loss, global_step=global_step)
correct = tf.nn.in_top_k(logits, labels, 1)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    seen_keys = set()
    for step in range(steps):
        _, loss_value, k = sess.run([train_op, loss, key])
        seen_keys.add(k.decode().split(":")[0])
        if step % 20 == 0:
            print("step %d, loss = %.3f" % (step, loss_value))
    print("precision @ 1 = %.3f" % sess.run(tf.reduce_mean(tf.cast(correct, tf.float32))))
    print("files read: %d" % len(seen_keys))
    coord.request_stop()
    coord.join(threads)
