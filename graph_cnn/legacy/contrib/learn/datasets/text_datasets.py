"""``tf.contrib.learn.datasets.text_datasets``: DBpedia for the text-classification examples.

``load_dbpedia`` downloads and unpacks ``dbpedia_csv.tar.gz`` into ``$TF_EXP_BASE_DIR/dbpedia_data``
as TF1 did; ``size='small'`` keeps every 1000th row. ``test_with_fake_data`` gives a few
made-up rows in the same layout (class id, title, abstract) instead of TF1's bundled files.
"""

import os
import tarfile

import numpy as np

from graph_cnn.legacy.contrib.learn.datasets import base

DBPEDIA_URL = "https://github.com/le-scientifique/torchDatasets/raw/master/dbpedia_csv.tar.gz"

_FAKE_ROWS = (
    ("1", "Acme Corp", "Acme Corp is a company that makes anvils and rockets."),
    ("2", "Hill School", "Hill School is a school for pupils in the hills."),
    ("3", "Jane Doe", "Jane Doe is an artist who paints landscapes."),
    ("1", "Widget Inc", "Widget Inc is a company that sells widgets worldwide."),
    ("2", "Lake College", "Lake College is a college beside the lake."),
    ("3", "John Roe", "John Roe is an artist who sculpts marble."),
)


def maybe_download_dbpedia(data_dir):
    """Downloads and unpacks DBpedia into ``data_dir`` unless its CSVs are there."""
    train_path = os.path.join(data_dir, "dbpedia_csv", "train.csv")
    test_path = os.path.join(data_dir, "dbpedia_csv", "test.csv")
    if not (os.path.exists(train_path) and os.path.exists(test_path)):
        archive_path = base.maybe_download("dbpedia_csv.tar.gz", data_dir, DBPEDIA_URL)
        with tarfile.open(archive_path, "r:*") as archive:
            archive.extractall(data_dir, filter="data")


def _fake_split():
    rows = np.array([row[1:] for row in _FAKE_ROWS])
    target = np.array([row[0] for row in _FAKE_ROWS], dtype=np.int32)
    return base.Dataset(data=rows, target=target)


def load_dbpedia(size="small", test_with_fake_data=False):
    """``Datasets(train, None, test)``: string (title, abstract) rows, int32 class ids."""
    if test_with_fake_data:
        return base.Datasets(train=_fake_split(), validation=None, test=_fake_split())
    data_dir = os.path.join(os.getenv("TF_EXP_BASE_DIR", ""), "dbpedia_data")
    maybe_download_dbpedia(data_dir)
    train_path = os.path.join(data_dir, "dbpedia_csv", "train.csv")
    test_path = os.path.join(data_dir, "dbpedia_csv", "test.csv")
    if size == "small":
        base.shrink_csv(train_path, 1000)
        base.shrink_csv(test_path, 1000)
        train_path = train_path.replace("train.csv", "train_small.csv")
        test_path = test_path.replace("test.csv", "test_small.csv")
    train = base.load_csv_without_header(train_path, target_dtype=np.int32,
                                         features_dtype=np.str_, target_column=0)
    test = base.load_csv_without_header(test_path, target_dtype=np.int32,
                                        features_dtype=np.str_, target_column=0)
    return base.Datasets(train=train, validation=None, test=test)
