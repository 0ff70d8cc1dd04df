"""``tf.contrib.learn.datasets.base`` (``tensorflow.contrib.learn.python.learn.datasets.base``):
the ``Dataset``/``Datasets`` tuples, the CSV loaders TF1's iris tutorial read its files with,
``load_iris``/``load_boston`` and ``maybe_download``.

``load_csv_with_header`` reads TF1's format: a first row ``n_samples,n_features,...`` (the rest
of it ignored), then one example per row with its target in ``target_column``.
``load_csv_without_header`` reads plain rows. ``load_iris`` reads scikit-learn's bundled
``iris.csv`` (the very file TF1 shipped); scikit-learn no longer ships Boston, so ``load_boston``
without a path takes Keras's copy (downloaded once into ``~/.keras/datasets``, as Keras does)
and gives its 506 rows in file order, targets float64 as TF1's did.
"""

import collections
import csv
import io
import os
import urllib.request

import numpy as np

from graph_cnn import fileio
from graph_cnn.data.input_data import Datasets  # noqa: F401  (the same tuple as input_data's)
from graph_cnn.errors import GraphCnnError

Dataset = collections.namedtuple("Dataset", ["data", "target"])


def load_csv_with_header(filename, target_dtype, features_dtype, target_column=-1):
    """A ``Dataset`` from a CSV whose first row gives ``n_samples,n_features``."""
    with open(filename, newline="") as csv_file:
        rows = csv.reader(csv_file)
        header = next(rows)
        n_samples, n_features = int(header[0]), int(header[1])
        data = np.zeros((n_samples, n_features), dtype=features_dtype)
        target = np.zeros((n_samples,), dtype=target_dtype)
        for i, row in enumerate(rows):
            target[i] = np.asarray(row.pop(target_column), dtype=target_dtype)
            data[i] = np.asarray(row, dtype=features_dtype)
    return Dataset(data=data, target=target)


def load_csv_without_header(filename, target_dtype, features_dtype, target_column=-1):
    """A ``Dataset`` from a CSV of examples, the target in ``target_column``."""
    data, target = [], []
    with open(filename, newline="") as csv_file:
        for row in csv.reader(csv_file):
            target.append(row.pop(target_column))
            data.append(np.asarray(row, dtype=features_dtype))
    return Dataset(data=np.array(data), target=np.array(target, dtype=target_dtype))


def shrink_csv(filename, ratio):
    """Writes every ``ratio``-th row of ``filename`` to ``<name>_small.<ext>`` beside it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    with open(filename, newline="") as csv_file:
        for i, row in enumerate(csv.reader(csv_file)):
            if i % ratio == 0:
                writer.writerow(row)
    folder, name = os.path.split(filename)
    fileio.write_text(os.path.join(folder, name.replace(".", "_small.")), buffer.getvalue())


def load_iris(data_path=None):
    """Iris: 150 examples of 4 float64 features, int targets 0-2 (scikit-learn's copy)."""
    if data_path is None:
        from sklearn.datasets import _base

        data_path = os.path.join(os.path.dirname(_base.__file__), "data", "iris.csv")
    return load_csv_with_header(data_path, target_dtype=int, features_dtype=float)


def load_boston(data_path=None):
    """Boston housing: 506 examples of 13 float64 features, float64 median prices."""
    if data_path is not None:
        return load_csv_with_header(data_path, target_dtype=float, features_dtype=float)
    return _keras_boston()


def _keras_boston(seed=113):
    from keras.datasets import boston_housing

    try:
        (x, y), _ = boston_housing.load_data(test_split=0.0, seed=seed)
    except Exception as exc:
        raise GraphCnnError(f"load_boston: Keras could not fetch boston_housing.npz ({exc}); "
                            f"on a machine without internet, pass data_path= a CSV in TF1's "
                            f"format") from exc
    # Keras shuffles with RandomState(seed); undo it to give the file's order, as TF1 did
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    unshuffled = np.empty_like(order)
    unshuffled[order] = np.arange(len(x))
    return Dataset(data=x[unshuffled].astype(float), target=y[unshuffled].astype(float))


def maybe_download(filename, work_directory, source_url):
    """``work_directory/filename``, downloaded from ``source_url`` unless already there."""
    fileio.ensure_folder(work_directory)
    filepath = os.path.join(work_directory, filename)
    if not os.path.exists(filepath):
        try:
            with urllib.request.urlopen(source_url) as response:
                data = response.read()
        except OSError as exc:
            raise GraphCnnError(f"cannot download {source_url} ({exc}); put {filename} in "
                                f"{work_directory} and run again") from exc
        fileio.write_bytes(filepath, data)
        print("Successfully downloaded", filename, len(data), "bytes.")
    return filepath


def split_into_train_and_test(dataset, test_ratio=0.3, shuffle=False):
    """(train, test) ``Dataset``s, the first ``1 - test_ratio`` of the rows for training."""
    if not 0 <= test_ratio <= 1:
        raise ValueError(f"The test_ratio value is out of bounds: {test_ratio}")
    len_train = int(dataset.data.shape[0] * (1.0 - test_ratio))
    x, y = dataset.data[:], dataset.target[:]
    if shuffle:
        indices = np.random.permutation(range(x.shape[0]))
        x, y = x[indices], y[indices]
    return (Dataset(data=x[:len_train], target=y[:len_train]),
            Dataset(data=x[len_train:], target=y[len_train:]))
