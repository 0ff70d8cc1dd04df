"""The script runner behind ``graph-cnn legacy SCRIPT.py [ARGS...]``: an old TensorFlow 1 script,
or a notebook, run unchanged.

:func:`install` makes the TF1-era imports resolve to graph_cnn in this process:
``import tensorflow as tf`` (or ``tensorflow.compat.v1``) is :mod:`graph_cnn.legacy.tf`;
``tensorflow.contrib.X`` is ``graph_cnn.legacy.contrib.X`` (an X not provided fails in one line);
``tensorflow.estimator`` and ``tensorflow.python.estimator...`` are
:mod:`graph_cnn.legacy.estimator`; ``tensorflow.examples.tutorials.mnist.input_data`` and
``sklearn.datasets.fetch_mldata`` are graph_cnn's loaders, which read the folder the script names
when it holds MNIST and otherwise find the data as ``graph-cnn data`` does. The libraries that
moved under these scripts get back, inside the runner only, what the scripts used: NumPy's
aliases removed in 1.24 (``np.int``, ``np.float``, ...) and ``np.reshape``'s ``newshape``,
matplotlib's ``canvas.set_window_title``, and TensorFlow 0.12's ``tf.mul``, ``tf.sub`` and
``tf.neg``, each announced in one line on stderr when first used.
"""

import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys
import traceback
import types

from graph_cnn.errors import GraphCnnError

# An alias imports as the graph_cnn module it names (deeper names keep their tail).
ALIASES = {
    "tensorflow.contrib": "graph_cnn.legacy.contrib",
    "tensorflow.contrib.learn.python.learn.datasets": "graph_cnn.legacy.contrib.learn.datasets",
    "tensorflow.contrib.learn.python.learn": "graph_cnn.legacy.contrib.learn",
    "tensorflow.contrib.learn.python": "graph_cnn.legacy.contrib.learn",
    "tensorflow.estimator": "graph_cnn.legacy.estimator",
    "tensorflow.python.estimator": "graph_cnn.legacy.estimator",
    "tensorflow.examples.tutorials.mnist.input_data": "graph_cnn.data.input_data",
}
# Whole subtrees whose every module is the target's names (tensorflow.python.estimator.model_fn,
# .canned.dnn, .inputs.numpy_io ...: each TF1 file's names are among those the package
# graph_cnn.legacy.estimator re-exports, whichever of its own modules holds them).
FLAT = ("tensorflow.estimator", "tensorflow.python.estimator")
PACKAGES = ("tensorflow.examples", "tensorflow.examples.tutorials",
            "tensorflow.examples.tutorials.mnist")
# TF 0.12 names that TF 1.0 renamed without changing what they do, still in 2016-2017 tutorials.
TF0_RENAMES = {"mul": "multiply", "sub": "subtract", "neg": "negative"}
NUMPY_ALIASES = {"int": int, "float": float, "bool": bool, "object": object, "str": str,
                 "long": int, "complex": complex, "unicode": str}


class _Alias(importlib.abc.Loader):
    """Loads an alias as the very module it names (so ``tf.contrib.slim is slim``)."""

    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module):
        module.__spec__ = importlib.util.find_spec(self.target)  # keep the module's own spec


class _Flat(types.ModuleType):
    """A package standing for a TF1 subtree that graph_cnn answers from one module's names
    (``tensorflow.python.estimator.*``): every attribute and submodule is that module's."""

    def __init__(self, name, target):
        super().__init__(name)
        self.__path__ = []
        self._target = target

    def __getattr__(self, name):
        if name.startswith("__") or name == "_target":
            raise AttributeError(name)
        return getattr(importlib.import_module(self._target), name)


class _FlatAlias(_Alias):
    def create_module(self, spec):
        return _Flat(spec.name, self.target)

    def exec_module(self, module):
        pass


class _TF1Finder(importlib.abc.MetaPathFinder):
    """Resolves the aliases above, and refuses a ``tensorflow.contrib.X`` that graph_cnn lacks
    with one line instead of a search through real TensorFlow."""

    def find_spec(self, fullname, path=None, target=None):
        target = _target(fullname)
        if target is None:
            if fullname.startswith("tensorflow.contrib."):
                from graph_cnn.legacy.contrib import not_provided
                raise ModuleNotFoundError(not_provided("tf" + fullname[len("tensorflow"):]),
                                          name=fullname)
            return None
        if any(fullname == a or fullname.startswith(a + ".") for a in FLAT):
            return importlib.util.spec_from_loader(fullname, _FlatAlias(target), is_package=True)
        is_package = hasattr(importlib.import_module(target), "__path__")
        return importlib.util.spec_from_loader(fullname, _Alias(target), is_package=is_package)


def _target(fullname):
    for alias in sorted(ALIASES, key=len, reverse=True):
        if fullname == alias:
            return ALIASES[alias]
        if fullname.startswith(alias + "."):
            if alias in FLAT:
                return ALIASES[alias]
            candidate = ALIASES[alias] + fullname[len(alias):]
            return candidate if importlib.util.find_spec(candidate) else None
    return None


def _soft_placement(session_class):
    """``session_class`` that lets ops pinned to a GPU this machine lacks run on the CPU, as
    ``allow_soft_placement`` did, instead of failing at the first ``run``."""
    import copy

    import tensorflow as tf

    class Session(session_class):
        def __init__(self, target="", graph=None, config=None):
            config = tf.compat.v1.ConfigProto() if config is None else copy.deepcopy(config)
            ops = (graph or tf.compat.v1.get_default_graph()).get_operations()
            if not config.allow_soft_placement and any("GPU" in op.device.upper() for op in ops):
                _note("ops pinned to a GPU run on the CPU (this machine has none): the session "
                      "allows soft placement")
                config.allow_soft_placement = True
            super().__init__(target, graph, config)

    Session.__name__ = Session.__qualname__ = session_class.__name__
    return Session


class _TF1Module(types.ModuleType):
    """Stands in for the ``tensorflow`` package: graph_cnn.legacy.tf first, real TensorFlow's
    submodules (``tensorflow.python...``) still importable through its path."""

    def __init__(self, tf1, real_tf):
        super().__init__("tensorflow", tf1.__doc__)
        self.__path__ = list(real_tf.__path__)
        self.__file__ = real_tf.__file__
        self.__version__ = tf1.__version__  # printed by many notebooks' first cells
        self._tf1 = tf1
        if not real_tf.config.list_physical_devices("GPU"):
            self.Session = _soft_placement(tf1.Session)
            self.InteractiveSession = _soft_placement(tf1.InteractiveSession)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name in TF0_RENAMES:
            _note(f"tf.{name} (TensorFlow 0.12, renamed in 1.0) is tf.{TF0_RENAMES[name]}")
            return getattr(self._tf1, TF0_RENAMES[name])
        return getattr(self._tf1, name)

    def __dir__(self):
        return dir(self._tf1)


def _note(message, _said=set()):  # noqa: B006  (said once per process, on purpose)
    if message not in _said:
        _said.add(message)
        print(f"graph-cnn legacy: {message}", file=sys.stderr)


def _restore_numpy_aliases():
    import numpy

    original = numpy.__dict__.get("__getattr__")
    if getattr(original, "_graph_cnn", False):
        return

    def __getattr__(name):
        if name in NUMPY_ALIASES and name not in numpy.__dict__:
            _note(f"np.{name} (removed in NumPy 1.24) is given as the builtin "
                  f"{NUMPY_ALIASES[name].__name__}, as older NumPy did")
            return NUMPY_ALIASES[name]
        if original is None:
            raise AttributeError(f"module 'numpy' has no attribute {name!r}")
        return original(name)

    __getattr__._graph_cnn = True
    numpy.__getattr__ = __getattr__


def _restore_reshape_newshape():
    import inspect

    import numpy

    original = numpy.reshape
    if "newshape" in inspect.signature(original).parameters or hasattr(original, "_graph_cnn"):
        return

    def reshape(a, *args, newshape=None, **kwargs):
        if newshape is not None:
            _note("np.reshape(newshape=...) (removed in NumPy 2.x) is np.reshape(shape=...)")
            args = (newshape, *args)
        return original(a, *args, **kwargs)

    reshape._graph_cnn = True
    numpy.reshape = reshape


def _restore_set_window_title():
    try:
        from matplotlib.backend_bases import FigureCanvasBase
    except ImportError:
        return
    if hasattr(FigureCanvasBase, "set_window_title"):
        return

    def set_window_title(self, title):
        _note("canvas.set_window_title (removed in matplotlib 3.6) goes to the figure "
              "manager, where matplotlib moved it")
        if self.manager is not None:
            self.manager.set_window_title(title)

    FigureCanvasBase.set_window_title = set_window_title


def install(quiet=False):
    """Make the TF1-era imports resolve to graph_cnn in this process; returns the ``tensorflow``
    stand-in. ``quiet`` leaves NumPy and matplotlib as they are (``legacy --check``)."""
    import sklearn.datasets
    import tensorflow as real_tf

    from graph_cnn.legacy import tf as tf1
    from graph_cnn.data import input_data, mldata

    if not quiet:
        _restore_numpy_aliases()
        _restore_reshape_newshape()
        _restore_set_window_title()
    if isinstance(sys.modules.get("tensorflow"), _TF1Module):
        return sys.modules["tensorflow"]
    shim = _TF1Module(tf1, real_tf)
    shim.compat = types.SimpleNamespace(v1=shim, v2=real_tf.compat.v2)
    for name in PACKAGES:
        module = types.ModuleType(name)
        module.__path__ = []
        sys.modules[name] = module
        parent, _, leaf = name.rpartition(".")
        setattr(sys.modules.get(parent, shim), leaf, module)
    sys.modules["tensorflow.examples.tutorials.mnist"].input_data = input_data
    if not any(isinstance(f, _TF1Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _TF1Finder())
    sys.modules["tensorflow.compat"] = shim.compat
    sys.modules["tensorflow.compat.v1"] = shim
    sys.modules["tensorflow"] = shim
    sklearn.datasets.fetch_mldata = mldata.fetch_mldata
    return shim


def _script_frames_only(exc, script):
    """The traceback ``python SCRIPT`` would print: the runner's and runpy's frames dropped."""
    report = traceback.TracebackException.from_exception(exc)
    frames = list(report.stack)
    script = os.path.abspath(script)
    first = next((i for i, f in enumerate(frames) if os.path.abspath(f.filename) == script),
                 len(frames))
    report.stack = traceback.StackSummary.from_list(
        [f for f in frames[first:] if os.path.abspath(f.filename) != os.path.abspath(__file__)])
    return "".join(report.format())


def run(script, args=(), data_dir=None):
    """Run ``script`` as ``__main__`` with ``args`` as its ``sys.argv[1:]``; returns its exit
    code. An exception of the script's own is printed as Python would print it, without the
    runner's frames, and gives exit code 1."""
    if not os.path.isfile(script):
        raise GraphCnnError(f"{script}: no such script; give the path of a TF1 Python script "
                            f"or notebook")
    if data_dir is not None:
        os.environ["GRAPH_CNN_DATA"] = os.path.abspath(data_dir)
    if str(script).endswith(".ipynb"):
        from graph_cnn.legacy import notebook
        return notebook.run(script, data_dir=data_dir)
    install()
    sys.argv = [str(script), *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exc:
        code = exc.code
        if code is None or isinstance(code, int):
            return code or 0
        print(code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001  the script's own error, shown as Python would
        if os.environ.get("GRAPH_CNN_DEBUG"):
            raise
        sys.stderr.write(_script_frames_only(exc, script))
        return 1
    return 0
