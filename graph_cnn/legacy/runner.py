"""The script runner behind ``graph-cnn legacy SCRIPT.py [ARGS...]``: an old TensorFlow 1 script,
or a notebook, run unchanged.

:func:`install` makes the TF1-era imports resolve to graph_cnn in this process:
``import tensorflow as tf`` (or ``tensorflow.compat.v1``) is :mod:`graph_cnn.legacy.tf`;
``tensorflow.contrib.X`` is ``graph_cnn.legacy.contrib.X`` (an X not provided fails in one line);
``tensorflow.estimator`` and ``tensorflow.python.estimator...`` are
:mod:`graph_cnn.legacy.estimator`; ``tensorflow.examples.tutorials.mnist.input_data`` and
``sklearn.datasets.fetch_mldata`` are graph_cnn's loaders, which read the folder the script names
when it holds MNIST and otherwise find the data as ``graph-cnn data`` does. The libraries that
moved under these scripts get back, inside the runner only, what the scripts used
(:mod:`graph_cnn.legacy.drift`: NumPy, SciPy, scikit-learn and matplotlib), and TensorFlow 0.12's
``tf.mul``, ``tf.sub`` and ``tf.neg``, each announced in one line on stderr when first used.
"""

import contextlib
import gc
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import re
import runpy
import signal
import socket
import sys
import threading
import traceback
import types

from graph_cnn.errors import GraphCnnError
from graph_cnn.legacy import drift

# An alias imports as the graph_cnn module it names (deeper names keep their tail).
ALIASES = {
    "tensorflow.contrib": "graph_cnn.legacy.contrib",
    "tensorflow.contrib.learn.python.learn.datasets": "graph_cnn.legacy.contrib.learn.datasets",
    "tensorflow.contrib.learn.python.learn": "graph_cnn.legacy.contrib.learn",
    "tensorflow.contrib.learn.python": "graph_cnn.legacy.contrib.learn",
    "tensorflow.contrib.slim.python.slim": "graph_cnn.legacy.contrib.slim",  # .data.dataset, .queues ...
    "tensorflow.contrib.slim.python": "graph_cnn.legacy.contrib.slim",
    "tensorflow.contrib.tpu.python": "graph_cnn.legacy.contrib.tpu",
    "tensorflow.estimator": "graph_cnn.legacy.estimator",
    "tensorflow.python.estimator": "graph_cnn.legacy.estimator",
    "tensorflow.estimator.tpu": "graph_cnn.legacy.estimator.tpu",
    "tensorflow.estimator.export": "graph_cnn.legacy.estimator.export",
    "tensorflow.estimator.experimental": "graph_cnn.legacy.estimator.experimental",
    "tensorflow.examples.tutorials.mnist.input_data": "graph_cnn.legacy.input_data",
}
# Whole subtrees whose every module is the target's names (tensorflow.python.estimator.model_fn,
# .canned.dnn, .inputs.numpy_io ...: each TF1 file's names are among those the package
# graph_cnn.legacy.estimator re-exports, whichever of its own modules holds them). A contrib
# package with a ``python`` attribute (graph_cnn.legacy.contrib._paths: layers, training,
# framework, rnn, seq2seq ...) serves its ``tensorflow.contrib.X.python...`` modules instead.
FLAT = ("tensorflow.estimator", "tensorflow.python.estimator", "tensorflow.contrib.tpu.python")
CONTRIB = ALIASES["tensorflow.contrib"]
PACKAGES = ("tensorflow.examples", "tensorflow.examples.tutorials",
            "tensorflow.examples.tutorials.mnist")
# TF 0.12 names that TF 1.0 renamed without changing what they do, still in 2016-2017 tutorials.
TF0_RENAMES = {"mul": "multiply", "sub": "subtract", "neg": "negative"}

_FRAME_LINE = re.compile(r'^(\s*)File "([^"]+)", line \d+')

_Alias = drift.Alias


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
    with one line instead of a search through real TensorFlow, whether it is imported as a
    module or as a name (``from tensorflow.contrib import X`` looks for
    ``graph_cnn.legacy.contrib.X``)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.startswith(CONTRIB + ".") and fullname.count(".") == CONTRIB.count(".") + 1:
            leaf = fullname.rpartition(".")[2]
            if importlib.machinery.PathFinder.find_spec(fullname, path) is None:
                _refuse_contrib("tensorflow.contrib." + leaf)
            return None
        deep = contrib_python_module(fullname)
        if deep is not None:
            return importlib.util.spec_from_loader(fullname, _Served(deep), is_package=True)
        target = _target(fullname)
        if target is None:
            if fullname.startswith("tensorflow.contrib."):
                _refuse_contrib(fullname)
            return None
        if any(fullname == a or fullname.startswith(a + ".") for a in FLAT):
            return importlib.util.spec_from_loader(fullname, _FlatAlias(target), is_package=True)
        module = importlib.import_module(target)
        if not hasattr(module, "__path__") and hasattr(module, "python"):
            # a module TF1 had as a package (contrib.training ...): a package standing for it
            return importlib.util.spec_from_loader(fullname, _FlatAlias(target), is_package=True)
        is_package = hasattr(module, "__path__")
        return importlib.util.spec_from_loader(fullname, _Alias(target), is_package=is_package)


class _Served(importlib.abc.Loader):
    """Loads a module name as an object graph_cnn already holds (a ``_paths`` node)."""

    def __init__(self, module):
        self.module = module

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        pass


def contrib_python_module(fullname):
    """The module ``tensorflow.contrib.X.a.b`` is under ``graph-cnn legacy`` when ``a`` is one of
    graph_cnn's TF1 path trees (graph_cnn.legacy.contrib._paths: ``layers.python...``,
    ``slim.initializers`` ...): the attribute path ``graph_cnn.legacy.contrib.X.a.b``. None when
    ``a`` is no tree; a name the tree lacks raises ``ModuleNotFoundError``."""
    from graph_cnn.legacy.contrib._paths import submodule

    parts = fullname.split(".")
    if parts[:2] != ["tensorflow", "contrib"] or len(parts) < 4:
        return None
    try:
        value = importlib.import_module(f"{CONTRIB}.{parts[2]}")
    except ImportError:
        return None
    for depth, part in enumerate(parts[3:]):
        value = submodule(value, part)
        if value is None:
            if depth == 0:
                return None
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
    return value


def _refuse_contrib(fullname):
    """The one line ``tf.contrib.X`` gives for an X graph_cnn does not provide, as an import
    error (named after the TF module, so ``from ... import`` passes it on unchanged)."""
    from graph_cnn.legacy.contrib import not_provided
    raise ModuleNotFoundError(not_provided("tf" + fullname[len("tensorflow"):]), name=fullname)


def _target(fullname):
    for alias in sorted(ALIASES, key=len, reverse=True):
        if fullname == alias:
            return ALIASES[alias]
        if fullname.startswith(alias + "."):
            if alias in FLAT:
                return ALIASES[alias]
            candidate = ALIASES[alias] + fullname[len(alias):]
            try:
                return candidate if importlib.util.find_spec(candidate) else None
            except ModuleNotFoundError:  # a tf.contrib.X not provided, refused by the caller
                return None
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
                drift.announce("ops pinned to a GPU run on the CPU (this machine has none): "
                               "the session allows soft placement")
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
        self.__spec__ = real_tf.__spec__  # importlib.util.find_spec("tensorflow") (torch does)
        self._tf1 = tf1
        if not real_tf.config.list_physical_devices("GPU"):
            self.Session = _soft_placement(tf1.Session)
            self.InteractiveSession = _soft_placement(tf1.InteractiveSession)

    def __getattr__(self, name):
        if name.startswith("__") and name != "__version__":
            raise AttributeError(name)
        if name in TF0_RENAMES:
            drift.announce(f"tf.{name} (TensorFlow 0.12, renamed in 1.0) is "
                           f"tf.{TF0_RENAMES[name]}")
            return getattr(self._tf1, TF0_RENAMES[name])
        return getattr(self._tf1, name)

    def __dir__(self):
        return dir(self._tf1)


def install(quiet=False, verbose=None):
    """Make the TF1-era imports resolve to graph_cnn in this process; returns the ``tensorflow``
    stand-in. ``quiet`` leaves NumPy, SciPy, scikit-learn, matplotlib and TensorFlow's
    deprecation warnings as they are (``legacy --check``); otherwise the warnings are hidden
    unless ``verbose`` (None: the environment's ``GRAPH_CNN_LEGACY_VERBOSE``, which a notebook
    run passes to its kernel)."""
    import sklearn.datasets
    import tensorflow as real_tf

    from graph_cnn.data import mldata
    from graph_cnn.legacy import input_data
    from graph_cnn.legacy import tf as tf1

    if verbose is None:
        verbose = os.environ.get("GRAPH_CNN_LEGACY_VERBOSE", "") not in ("", "0")
    if not quiet and not verbose:
        from tensorflow.python.util import deprecation
        deprecation._PRINT_DEPRECATION_WARNINGS = False  # TF1 names are what the script uses
    if not quiet:
        drift.install()
    if isinstance(sys.modules.get("tensorflow"), _TF1Module):
        return sys.modules["tensorflow"]
    shim = _TF1Module(tf1, real_tf)
    # tf.compat.v1 is the shim itself; as_str, as_bytes ... are tf.compat's own
    shim.compat = tf1.Namespace("tf.compat", {"v1": shim, "v2": real_tf.compat.v2},
                                real_tf.compat.v1.compat)
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


_program_frame = drift.program_frame


def _filter_frame_lines(message):
    """TensorFlow's error text with its "defined at" and "Original stack trace" sections cut to
    the program's frames (each frame is a ``File ...`` line and the lines indented under it)."""
    kept, keep, indent = [], True, None
    for line in str(message).splitlines():
        frame = _FRAME_LINE.match(line)
        if frame:
            keep, indent = _program_frame(frame.group(2)), len(frame.group(1))
        elif indent is not None and len(line) - len(line.lstrip()) <= indent:
            keep, indent = True, None
        if keep:
            kept.append(line)
    return "\n".join(kept)


def _script_frames_only(exc):
    """The traceback ``python SCRIPT`` would print, cut to the program's own frames: the
    runner's, runpy's, TensorFlow's and other libraries' frames dropped, in every chained
    exception and in TensorFlow's "Original stack trace" of the op that failed. An exception
    TensorFlow re-raised from one of its own (the same type) is shown once."""
    report = traceback.TracebackException.from_exception(exc)
    link = report
    while link is not None:
        link.stack = traceback.StackSummary.from_list(
            [f for f in link.stack if _program_frame(f.filename)])
        if link.exc_type is not None and _is_op_error(link.exc_type) and hasattr(link, "_str"):
            link._str = _filter_frame_lines(link._str)
            inner = link.__context__ or link.__cause__
            if inner is not None and inner.exc_type is link.exc_type and not any(
                    _program_frame(f.filename) for f in inner.stack):
                link.__context__ = link.__cause__ = None
        link = link.__cause__ or (None if link.__suppress_context__ else link.__context__)
    return "".join(report.format())


def _is_op_error(exc_type):
    tf_errors = sys.modules.get("tensorflow.python.framework.errors_impl")
    return tf_errors is not None and issubclass(exc_type, tf_errors.OpError)


@contextlib.contextmanager
def _interrupt_closes_sessions():
    """Ctrl-C closes every live TensorFlow session, which cancels a ``sess.run`` blocked in C++
    (a dequeue on an empty queue) that would otherwise never see the KeyboardInterrupt; the
    interrupt then ends the script as usual. A thread reads the signal's wake-up byte, so it
    acts while the main thread is still inside TensorFlow."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    watcher = threading.Thread(target=_watch_interrupts, args=(reader,), daemon=True,
                               name="graph-cnn-legacy-interrupts")
    watcher.start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous)
        writer.close()
        watcher.join(timeout=1)
        reader.close()


_INTERRUPTED = threading.Event()


def _watch_interrupts(reader):
    while True:
        try:
            received = reader.recv(64)
        except OSError:
            return
        if not received:
            return
        if signal.SIGINT in received:
            _INTERRUPTED.set()
            _close_sessions()


def _close_sessions():
    """Close every open session, which cancels the steps they are running."""
    session = sys.modules.get("tensorflow.python.client.session")
    if session is None:
        return
    for obj in gc.get_objects():
        if issubclass(type(obj), session.BaseSession):
            with contextlib.suppress(Exception):
                obj.close()


def run(script, args=(), data_dir=None, verbose=False):
    """Run ``script`` as ``__main__`` with ``args`` as its ``sys.argv[1:]``; returns its exit
    code. An exception of the script's own is printed as Python would print it, with the
    program's frames only, and gives exit code 1; Ctrl-C ends even a ``sess.run`` blocked in
    TensorFlow (KeyboardInterrupt, which the cli reports in one line with exit code 130).
    ``verbose``: TensorFlow's deprecation warnings shown (hidden by default: the script is run
    unchanged on purpose)."""
    if not os.path.isfile(script):
        raise GraphCnnError(f"{script}: no such script; give the path of a TF1 Python script "
                            f"or notebook")
    if data_dir is not None:
        os.environ["GRAPH_CNN_DATA"] = os.path.abspath(data_dir)
    if str(script).endswith(".ipynb"):
        from graph_cnn.legacy import notebook
        return notebook.run(script, data_dir=data_dir, verbose=verbose)
    from graph_cnn.legacy.source import source_of

    source_of(script)  # a binary, empty or unreadable file: one line naming it
    install(verbose=verbose)
    sys.argv = [str(script), *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        with _interrupt_closes_sessions():
            runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exc:
        code = exc.code
        if code is None or isinstance(code, int):
            return code or 0
        print(code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # the script's own error, shown as Python would
        if _INTERRUPTED.is_set():  # the interrupt surfaced as TensorFlow's cancelled run
            raise KeyboardInterrupt from None
        if os.environ.get("GRAPH_CNN_DEBUG"):
            raise
        sys.stderr.write(_script_frames_only(exc))
        return 1
    return 0
