"""``tf.contrib.learn.datasets``: ``load_dataset('iris'|'boston'|'mnist'|'dbpedia')``, the
``DATASETS`` table behind it, ``load_iris``/``load_boston`` and the ``base``, ``mnist`` and
``text_datasets`` modules."""

from graph_cnn.legacy.contrib.learn.datasets import base, mnist, text_datasets

load_iris = base.load_iris
load_boston = base.load_boston

DATASETS = {
    "iris": base.load_iris,
    "boston": base.load_boston,
    "mnist": mnist.load_mnist,
    "dbpedia": text_datasets.load_dbpedia,
}


def load_dataset(name, size="small", test_with_fake_data=False):
    """The data set ``name``: a ``Dataset`` (iris, boston) or ``Datasets`` (mnist, dbpedia)."""
    if name not in DATASETS:
        raise ValueError(f"Name of dataset is not found: {name}")
    if name == "dbpedia":
        return DATASETS[name](size, test_with_fake_data)
    return DATASETS[name]()
