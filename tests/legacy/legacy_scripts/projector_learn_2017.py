"""The end of TensorFlow 1.x's word2vec_basic.py / MNIST embedding tutorials (2017): an embedding
variable saved in a checkpoint, its labels in metadata.tsv, and the projector told where they
are with tf.contrib.tensorboard.plugins.projector; the model's variables tabled by
slim.model_analyzer, as DCGAN did."""

from __future__ import print_function

import argparse
import os

import numpy as np
import tensorflow as tf
from tensorflow.contrib.tensorboard.plugins import projector

slim = tf.contrib.slim

print("TensorFlow version", tf.__version__)
if int(tf.__version__.split(".")[0]) < 1:
    raise SystemExit("this script needs TensorFlow 1.0 or later")


def main(log_dir):
    words = ["the", "of", "and", "one", "in", "a", "to", "zero"]
    global_step = tf.contrib.framework.get_or_create_global_step()
    embeddings = tf.Variable(tf.random_uniform([len(words), 16], -1.0, 1.0), name="embeddings")
    normalized = embeddings / tf.sqrt(tf.reduce_sum(tf.square(embeddings), 1, keep_dims=True))
    slim.model_analyzer.analyze_vars(tf.trainable_variables(), print_info=True)

    if not os.path.exists(log_dir):
        os.makedirs(log_dir)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        print("norms", np.round(np.linalg.norm(session.run(normalized), axis=1), 3))
        with open(os.path.join(log_dir, "metadata.tsv"), "w") as f:
            for word in words:
                f.write(word + "\n")
        tf.train.Saver().save(session, os.path.join(log_dir, "model.ckpt"),
                              global_step=session.run(global_step))

        writer = tf.summary.FileWriter(log_dir, session.graph)
        config = projector.ProjectorConfig()
        embedding_conf = config.embeddings.add()
        embedding_conf.tensor_name = embeddings.name
        embedding_conf.metadata_path = "metadata.tsv"
        embedding_conf.sprite.image_path = "sprite.png"
        embedding_conf.sprite.single_image_dim.extend([28, 28])
        projector.visualize_embeddings(writer, config)
        writer.close()
    print("projector config written to", log_dir)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--log_dir", default="/tmp/word2vec_log")
    main(parser.parse_args().log_dir)
