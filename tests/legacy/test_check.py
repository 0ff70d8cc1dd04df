"""``graph-cnn legacy --check`` reads the whole program: the script and every module of its own
it imports, reporting TensorFlow names the layer lacks and library names that moved."""

import json

from conftest import run_cli


def _program(folder):
    """A small TF1 program spread over a script, two modules and a package, as char-rnn and
    DCGAN were."""
    (folder / "pkg").mkdir(parents=True)
    (folder / "main.py").write_text(
        "import numpy as np\n"
        "from utils import *\n"
        "import model\n"
        "from pkg import layers\n"
        "from sklearn.manifold import TSNE\n"
        "x = np.infty\n"
        "t = TSNE(n_iter=300)\n"
        "y = tf.placeholder(tf.float32)\n"            # tf comes from utils' import *
        "z = tf.no_such_op(y)\n")
    (folder / "utils.py").write_text(
        "import tensorflow as tf\nimport scipy.misc\n"
        "from sklearn.preprocessing import Imputer\n\n\n"
        "def load(path):\n"
        "    return scipy.misc.imresize(scipy.misc.imread(path), 0.5)\n")
    (folder / "model.py").write_text(
        "import tensorflow as tf\nimport numpy as np\n\n\n"
        "def build():\n"
        "    return tf.contrib.timeseries.ARRegressor, np.float_\n")
    (folder / "pkg" / "__init__.py").write_text("")
    (folder / "pkg" / "layers.py").write_text("from . import helpers\n")
    (folder / "pkg" / "helpers.py").write_text(
        "import matplotlib.pyplot as plt\n\n\n"
        "def show(fig):\n"
        "    fig.canvas.set_window_title('x')\n"
        "    plt.hist([1], normed=True)\n"
        "    return plt.cm.get_cmap('jet')\n")
    (folder / "unused.py").write_text("import tensorflow as tf\ntf.contrib.lite\n")


def test_check_reads_the_scripts_own_modules_and_reports_drift_with_file_and_line(tmp_path):
    _program(tmp_path / "prog")
    result = run_cli("legacy", "--check", tmp_path / "prog" / "main.py")
    assert result.returncode == 1, result.stderr[-2000:]
    prog = tmp_path / "prog"
    provided = "provided by the runner:"
    misc = "graph_cnn's copy of SciPy 1.1's on Pillow (removed in SciPy 1.2)"
    missing = "is not provided by graph_cnn's TF1 layer"
    imputer = (f"sklearn.preprocessing.Imputer is not in the installed sklearn "
               f"{_version('sklearn')} and the runner does not provide it; use "
               "sklearn.impute.SimpleImputer")
    assert result.stdout.splitlines() == [
        f"{prog}/main.py:6: {provided} np.infty -> np.inf (removed in NumPy 2.0)",
        (f"{prog}/main.py:7: {provided} TSNE(n_iter=) -> TSNE(max_iter=) (removed in "
         "scikit-learn 1.7)"),
        f"{prog}/main.py:9: tf.no_such_op {missing}",
        f"{prog}/utils.py:3: {imputer}",
        f"{prog}/utils.py:7: {provided} scipy.misc.imread -> {misc}",
        f"{prog}/utils.py:7: {provided} scipy.misc.imresize -> {misc}",
        f"{prog}/model.py:6: {provided} np.float_ -> np.float64 (removed in NumPy 2.0)",
        f"{prog}/model.py:6: tf.contrib.timeseries {missing}",
        (f"{prog}/pkg/helpers.py:5: {provided} .set_window_title -> "
         "canvas.manager.set_window_title (removed in matplotlib 3.6)"),
        (f"{prog}/pkg/helpers.py:6: {provided} hist(normed=) -> hist(density=) (removed in "
         "Matplotlib 3.1)"),
        (f"{prog}/pkg/helpers.py:7: {provided} matplotlib.cm.get_cmap -> "
         "matplotlib.colormaps[name] (removed in Matplotlib 3.9)"),
        ("3 of the names the program main.py starts uses are not provided; it would stop at "
         "the first of them (8 library names given back by the runner)"),
    ]  # unused.py is not read


def test_a_notebook_is_checked_with_the_modules_beside_it(tmp_path):
    import nbformat

    (tmp_path / "helpers.py").write_text("import numpy as np\nBIG = np.Inf\n")
    notebook = tmp_path / "lab.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# lab"),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport tensorflow as tf\nimport helpers"),
        nbformat.v4.new_code_cell("x = tf.placeholder(tf.float32)\nprint(helpers.BIG)")]),
        notebook)
    result = run_cli("legacy", "--check", notebook)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert result.stdout.splitlines() == [
        f"{tmp_path}/helpers.py:2: provided by the runner: np.Inf -> np.inf (removed in NumPy 2.0)",
        ("lab.ipynb: all 3 TensorFlow names its program uses are provided (1 library name "
         "given back by the runner)")]
    assert json.loads(notebook.read_text())["cells"][0]["cell_type"] == "markdown"


def _version(name):
    import importlib

    return importlib.import_module(name).__version__


def test_check_names_modules_that_are_not_here_and_paths_of_another_machine(tmp_path):
    """What stops a program before any TensorFlow name: a package not installed, Python 2's
    modules, ``import tf.contrib...`` (fails on TF1 too), a font or data file on the author's
    Mac or Windows drive. Optional and function-level imports and paths that could exist are
    not reported."""
    script = tmp_path / "old.py"
    script.write_text(
        "import os\nimport cPickle\nimport tensorflow as tf\nimport tf.contrib.layers as layers\n"
        "import numpy as np\nimport no_such_package_here\nimport helpers\n"
        "try:\n    import another_missing_one\nexcept ImportError:\n    pass\n\n\n"
        "def later():\n    import imageio_not_here\n\n\n"
        "FONT = '/Library/Fonts/NanumGothic.otf'\n"
        "DATA = 'C:\\\\Users\\\\me\\\\data.csv'\n"
        "OUT = '/tmp/some/new/folder/model.ckpt'\n"
        "HERE = os.path.join('/usr', 'lib')\n"
        "print(tf.placeholder, np.pi, '/ 2 of these')\n"
        "import urllib\nfor i in xrange(3):\n    urllib.urlretrieve('x', 'y')\n"
        "d = {}\nd.iteritems()\nd.iteritems()\n\n\n"
        "def f(long):\n    return long, range(2)\n")
    (tmp_path / "helpers.py").write_text("X = '/Users/someone/Desktop/words.txt'\n")
    result = run_cli("legacy", "--check", script)
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stdout.splitlines() == [
        (f"{script}:2: imports cPickle, a Python 2 module (Python 3: pickle); the program "
         "needs Python 2 or 2to3"),
        (f"{script}:4: imports tf.contrib.layers: there is no module tf (tf is the name "
         "`import tensorflow as tf` binds); this fails on TF1 too"),
        (f"{script}:6: imports no_such_package_here, which is not installed here "
         "(pip install no_such_package_here)"),
        (f"{script}:18: the path '/Library/Fonts/NanumGothic.otf' cannot exist here (/Library "
         "is not on this machine): the author's own; change it"),
        (f"{script}:19: the path 'C:\\\\Users\\\\me\\\\data.csv' cannot exist here "
         "(the drive C: is not on this machine): the author's own; change it"),
        (f"{script}:24: xrange is Python 2's (Python 3: range): the program was written for it"),
        (f"{script}:25: urllib.urlretrieve is Python 2's (Python 3: "
         "urllib.request.urlretrieve): the program was written for it"),
        (f"{script}:27: .iteritems() is Python 2's (Python 3: items): the program was written "
         "for it"),
        (f"{tmp_path}/helpers.py:1: the path '/Users/someone/Desktop/words.txt' cannot exist "
         "here (/Users is not on this machine): the author's own; change it"),
        "9 things in the program old.py starts would stop it; it would stop at the first of them",
    ]


def test_names_a_program_only_uses_where_they_exist_are_not_reported(tmp_path):
    """TF 0.12/1.0 compatibility code: a try with the other version's name in its handler, an
    if on ``dir(tf)`` or ``hasattr``; a missing name outside such places is still reported."""
    script = tmp_path / "ops.py"
    script.write_text(
        "import tensorflow as tf\n"
        "try:\n    scalar_summary = tf.scalar_summary\nexcept AttributeError:\n"
        "    scalar_summary = tf.summary.scalar\n"
        "try:\n    up = tf.nn.conv2d_transpose\nexcept AttributeError:\n    up = tf.nn.deconv2d\n"
        "if 'concat_v2' in dir(tf):\n    concat = tf.concat_v2\nelse:\n    concat = tf.concat\n"
        "if hasattr(tf, 'mul'):\n    mul = tf.mul\n"
        "x = tf.no_such_op\n")
    result = run_cli("legacy", "--check", script)
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stdout.splitlines() == [
        f"{script}:16: tf.no_such_op is not provided by graph_cnn's TF1 layer",
        "1 of the names the program ops.py starts uses are not provided"]
