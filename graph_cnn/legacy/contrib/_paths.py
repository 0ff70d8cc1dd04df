"""TF1's deep module paths under ``tf.contrib.X.python`` (``layers.python.layers.initializers``,
``training.python.training.hparam``, ``framework.python.ops.arg_scope`` ...), answered from the
graph_cnn module that holds each TF1 file's names.

TF 1.x packages imported their ``python/`` files, so both ``import tensorflow.contrib.a.python.b``
and the attribute path ``tf.contrib.a.python.b.name`` worked. :func:`tree` builds one package-like
module per TF1 folder or file; only the module names listed for a family exist (another name
fails as a missing attribute or module would), and each answers with its target's names. The
runner imports ``tensorflow.contrib.X.python...`` by walking these same attributes, so an import
works exactly when the attribute path does.
"""

import importlib
import types


class _Node(types.ModuleType):
    """One TF1 folder or file: its listed submodules, then the target module's names."""

    def __init__(self, name, target, children):
        super().__init__(name)
        self.__path__ = []
        self._target, self._children = target, children

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._children and self._children[name] is not SHADOWED:
            return self._child(name)
        return getattr(importlib.import_module(self._target), name)

    def __setattr__(self, name, value):
        if self.__dict__.get("_children", {}).get(name) is SHADOWED:
            return  # the import system binding the file: the package keeps the function
        super().__setattr__(name, value)

    def _child(self, name):
        node = self.__dict__.get("_nodes", {}).get(name)
        if node is None:
            target, children = _spec(self._children[name], self._target)
            node = _Node(f"{self.__name__}.{name}", target, children)
            self.__dict__.setdefault("_nodes", {})[name] = node  # one object per path
        return node

    def __dir__(self):
        return sorted(set(dir(importlib.import_module(self._target))) | set(self._children))


# a TF1 file whose package re-bound its name to the file's same-named function by a star import
# (framework.python.ops.arg_scope): the attribute is the function, the import the module
SHADOWED = object()


def _spec(value, parent_target):
    """``(target, children)`` from a tree entry: a module name (a file), a dict (a folder
    answering with its parent's names) or ``(target, dict)``; None: the parent's target."""
    if value is None or value is SHADOWED:
        return parent_target, {}
    if isinstance(value, str):
        return value, {}
    if isinstance(value, dict):
        return parent_target, value
    return value


def tree(package, children):
    """The ``python`` attribute of the contrib package named ``package`` (``graph_cnn.legacy.
    contrib.X``): TF1's ``tf.contrib.X.python`` with ``children`` (name -> entry, see
    :func:`_spec`) below it."""
    leaf = package.rpartition(".")[2]
    return _Node(f"tensorflow.contrib.{leaf}.python", package, children)


def files(*names, target=None):
    """Tree entries for TF1 files that all answer with ``target`` (None: the parent's)."""
    return dict.fromkeys(names, target)


def submodule(value, name):
    """The TF1 module ``name`` below ``value`` when ``value`` is a contrib package or one of the
    trees' modules and has one (None otherwise): what ``import ....name`` finds."""
    if isinstance(value, _Node):
        return value._child(name) if name in value._children else None
    found = getattr(value, name, None)
    return found if isinstance(found, _Node) else None


def forward(family, source):
    """A module ``__getattr__`` for a ``tf.contrib.<family>`` that TF 1.15 already served from a
    core module: every name is ``source()``'s (the module, looked up when first needed); any
    other raises the layer's one line naming it."""
    from graph_cnn.errors import not_provided

    def __getattr__(name):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return getattr(source(), name)
        except AttributeError:
            raise AttributeError(not_provided(f"tf.contrib.{family}.{name}")) from None

    return __getattr__
