"""The library names old TF1 programs used and today's NumPy, SciPy, scikit-learn and matplotlib
removed: given back with their old behaviour inside the runner, each said once, and nowhere
else."""

import subprocess
import sys

import numpy as np
import pytest
from conftest import run_cli

from graph_cnn.legacy import drift


def test_imresize_takes_percent_fraction_or_shape_and_returns_bytescaled_uint8():
    # SciPy 1.1: an int is a percent, a float a fraction, a tuple (rows, cols); floats are
    # scaled from their min..max to 0..255 first
    image = np.linspace(-1.0, 3.0, 12).reshape(3, 4)
    assert drift.imresize(image, 200).shape == (6, 8)
    assert drift.imresize(image, 0.5).shape == (1, 2)
    resized = drift.imresize(image, (5, 7), interp="nearest")
    assert resized.shape == (5, 7) and resized.dtype == np.uint8
    assert resized.min() == 0 and resized.max() == 255
    rgb = np.zeros((3, 10, 10), np.uint8)  # channels first, found by their length
    assert drift.imresize(rgb, (4, 6)).shape == (4, 6, 3)


def test_bytescale_and_toimage_keep_uint8_and_stretch_the_rest():
    assert drift.bytescale(np.array([[3, 200]], np.uint8)).tolist() == [[3, 200]]
    assert drift.bytescale(np.array([[0.0, 0.5, 1.0]])).tolist() == [[0, 128, 255]]
    assert drift.bytescale(np.array([[2.0, 2.0]])).tolist() == [[0, 0]]  # flat: no division
    assert drift.toimage(np.zeros((4, 5))).size == (5, 4)
    assert drift.toimage(np.zeros((4, 5)), mode="F").mode == "F"
    with pytest.raises(ValueError):
        drift.toimage(np.zeros((2, 2, 2, 2)))


def test_imsave_rescales_and_imread_reads_back_flattened_or_as_is(tmp_path):
    path = tmp_path / "x.png"
    drift.imsave(path, np.array([[0.2, 0.4], [0.6, 0.8]]))
    assert drift.imread(path).tolist() == [[0, 85], [170, 255]]
    color = np.zeros((2, 3, 3), np.uint8)
    color[..., 0] = 255
    drift.imsave(path, color)
    assert drift.imread(path).shape == (2, 3, 3)
    grey = drift.imread(path, flatten=True)
    assert grey.dtype == np.float32 and grey.shape == (2, 3) and abs(grey[0, 0] - 76.245) < 0.1


def _in_a_fresh_process(code):
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout, done.stderr


def test_the_names_come_back_inside_the_runner_each_said_once():
    out, err = _in_a_fresh_process(
        "from graph_cnn.legacy import drift\n"
        "drift.install()\n"
        "import numpy as np, scipy.misc, scipy.ndimage\n"
        "from scipy.sparse.linalg.eigen.arpack import eigsh\n"
        "from sklearn.cross_validation import train_test_split\n"
        "from sklearn.grid_search import GridSearchCV\n"
        "from sklearn.manifold import TSNE\n"
        "from sklearn.preprocessing import OneHotEncoder\n"
        "from sklearn.base import clone\n"
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
        "print(np.infty + np.Inf, np.NaN is np.nan, np.float_ is np.float64, np.int is int,\n"
        "      np.product([2, 3]), np.cumproduct([2, 3]).tolist(), np.asscalar(np.array([7])),\n"
        "      np.alltrue([True]), np.sometrue([False]), np.round_(1.26, 1), np.unicode_,\n"
        "      np.string_, np.complex_, np.infty)\n"
        "print(scipy.misc.comb(5, 2), scipy.misc.factorial(4), scipy.misc.imresize.__module__,\n"
        "      scipy.ndimage.imread is scipy.misc.imread, eigsh.__name__)\n"
        "t = TSNE(n_iter=300)\n"
        "print(t.max_iter, clone(t).max_iter, OneHotEncoder(sparse=False).sparse_output,\n"
        "      len(train_test_split(list(range(10)), test_size=0.3)[1]), GridSearchCV.__name__)\n"
        "fig, ax = plt.subplots()\n"
        "n = ax.hist([1.0, 2.0, 2.0, 3.0], bins=2, normed=True)[0]\n"
        "print(round(float((n * 1.0).sum()), 3), plt.cm.get_cmap('viridis', 8).N)\n"
        "try:\n    np.no_such_name\nexcept AttributeError as e:\n    print(e)\n")
    lines = out.splitlines()
    assert lines[0] == ("inf True True True 6 [2, 6] 7 True False 1.3 <class 'numpy.str_'> "
                        "<class 'numpy.bytes_'> <class 'numpy.complex128'> inf")
    assert lines[1] == "10.0 24.0 graph_cnn.legacy.drift True eigsh"
    assert lines[2] == "300 300 False 3 GridSearchCV"
    assert lines[3] == "1.0 8"  # density: the bars' heights times their width of 1 sum to 1
    assert lines[4] == "module 'numpy' has no attribute 'no_such_name'"
    for said in ("np.infty (removed in NumPy 2.0) is np.inf",
                 ("sklearn.cross_validation (removed in scikit-learn 0.20) is "
                  "sklearn.model_selection"),
                 "scipy.sparse.linalg.eigen.arpack (removed in SciPy 1.14)",
                 "TSNE(n_iter=) (removed in scikit-learn 1.7) is TSNE(max_iter=)",
                 "Axes.hist(normed=) (removed in Matplotlib 3.1)",
                 "matplotlib.cm.get_cmap (removed in Matplotlib 3.9)"):
        assert err.count(said) == 1, (said, err)
    assert "DeprecationWarning" not in err


def test_nothing_is_patched_outside_the_runner():
    # every graph_cnn module imported: NumPy, SciPy, scikit-learn and matplotlib as they ship
    out, _ = _in_a_fresh_process(
        "import importlib, inspect, pkgutil, sys, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "import graph_cnn\n"
        "for m in pkgutil.walk_packages(graph_cnn.__path__, 'graph_cnn.'):\n"
        "    if '__main__' not in m.name:\n"
        "        importlib.import_module(m.name)\n"
        "import numpy as np, scipy.misc, sklearn.base, sklearn.manifold\n"
        "import matplotlib.cm, matplotlib.axes, matplotlib.backend_bases\n"
        "import importlib.util as u\n"
        "assert not [f for f in sys.meta_path if 'graph_cnn' in type(f).__module__]\n"
        "assert not any(hasattr(np, n) for n in ('infty', 'float', 'asscalar', 'product'))\n"
        "assert not hasattr(scipy.misc, 'imresize')\n"
        "assert 'newshape' not in inspect.signature(np.reshape).parameters\n"
        "assert 'n_iter' not in inspect.signature(sklearn.manifold.TSNE).parameters\n"
        "assert not hasattr(sklearn.base.BaseEstimator, 'get_feature_names')\n"
        "assert not hasattr(matplotlib.cm, 'get_cmap')\n"
        "assert not hasattr(np.array, '_graph_cnn') and np.get_printoptions()['legacy'] is False\n"
        "from tensorflow.python.ops import shape_util\n"
        "assert not hasattr(shape_util.shape_tensor, '_graph_cnn')\n"
        "assert not hasattr(matplotlib.backend_bases.FigureCanvasBase, 'set_window_title')\n"
        "for name in ('sklearn.cross_validation', 'scipy.sparse.linalg.eigen.arpack'):\n"
        "    try:\n        importlib.import_module(name)\n"
        "    except ImportError:\n        pass\n"
        "    else:\n        raise AssertionError(name)\n"
        "print('untouched')\n")
    assert out.strip() == "untouched"


NUMPY_2_PROGRAM = """
import numpy as np
import tensorflow as tf

labels = np.array([3, 9, 1], dtype=np.uint8)
classes = max(labels) + 1  # NumPy 1: an int64; NumPy 2: a uint8
weights = tf.Variable(tf.truncated_normal([4, classes], stddev=0.1))
pairs = np.array(list(zip([np.arange(3), np.arange(2)], [0, 1])))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run(tf.shape(weights)).tolist(), pairs.dtype, pairs.shape)
    print([np.float32(0.5), np.int64(3)])
try:
    np.array([[1, 2], [3]], dtype=float)
except ValueError:
    print("an explicit dtype still refuses ragged rows")
"""


def test_numpy_2_behaviour_old_programs_met_is_given_back_in_the_runner(tmp_path):
    """NEP 50's uint8 scalars in a shape, NumPy 1.24's ragged arrays and NumPy 2's scalar repr,
    as a program run with ``graph-cnn legacy`` meets them."""
    program = tmp_path / "numpy2.py"
    program.write_text(NUMPY_2_PROGRAM)
    done = run_cli("legacy", program, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines() == ["[4, 10] object (2, 2)", "[0.5, 3]",
                                        "an explicit dtype still refuses ragged rows"]
    assert done.stderr.count("NEP 50") == 1
    assert done.stderr.count("an error since NumPy 1.24") == 1
