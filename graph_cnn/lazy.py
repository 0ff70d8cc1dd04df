"""Modules imported at their first use, so that reading the pipelines (``graph-cnn list``,
``--help``, ``compare``) does not load TensorFlow, which takes seconds.

``tf = lazy.module("tensorflow")`` reads like ``import tensorflow as tf``; the import happens at
the first ``tf.<name>``, which graph builders and optimizers only do when they build a graph.
"""

import importlib


class LazyModule:
    """Stands for the module ``name``: the first attribute read imports it (later reads find it
    in ``sys.modules``)."""

    def __init__(self, name):
        self._lazy_name = name

    def __getattr__(self, attr):
        return getattr(importlib.import_module(self._lazy_name), attr)

    def __repr__(self):
        return f"<lazy module {self._lazy_name!r}>"


def module(name):
    """A stand-in for ``import name``, importing it at its first attribute read."""
    return LazyModule(name)
