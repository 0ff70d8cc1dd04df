"""``tensorflow.examples.tutorials.mnist.input_data`` as old programs import it: graph_cnn's
loader (:mod:`graph_cnn.data.input_data`), saying ``Extracting <train_dir>/<file>.gz`` for each
of the four files as TF1's did, so that a program prints what its saved outputs show."""

import os

import numpy as np

from graph_cnn.data import input_data as _loader
from graph_cnn.data.input_data import DataSet, Datasets, dense_to_one_hot  # noqa: F401

# in the order TF1 read them
FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz")


def read_data_sets(train_dir=None, fake_data=False, one_hot=False, dtype=np.float32,
                   reshape=True, validation_size=5000, seed=None, source_url=None):
    """TF1's ``read_data_sets`` (see :func:`graph_cnn.data.input_data.read_data_sets`), with
    its ``Extracting ...`` lines."""
    data = _loader.read_data_sets(train_dir, fake_data, one_hot, dtype, reshape,
                                  validation_size, seed, source_url)
    for name in FILES:
        print("Extracting", os.path.join(train_dir or "", name))
    return data
