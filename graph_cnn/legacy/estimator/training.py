"""``TrainSpec``, ``EvalSpec`` and a local ``train_and_evaluate``, as TF1's ``training.py``."""

import collections
import os

import tensorflow as tf

from graph_cnn.legacy.estimator.estimator import Estimator
from graph_cnn.legacy.estimator.exporter import Exporter
from graph_cnn.legacy.estimator.model_fn import _check_hooks

v1 = tf.compat.v1
_log = v1.logging


class TrainSpec(collections.namedtuple("TrainSpec", ["input_fn", "max_steps", "hooks"])):
    """The training half of ``train_and_evaluate``."""

    def __new__(cls, input_fn, max_steps=None, hooks=None):
        if not callable(input_fn):
            raise TypeError(f"`input_fn` must be callable, given: {input_fn}")
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        return super().__new__(cls, input_fn, max_steps, tuple(_check_hooks(hooks)))


class EvalSpec(collections.namedtuple("EvalSpec", [
        "input_fn", "steps", "name", "hooks", "exporters", "start_delay_secs",
        "throttle_secs"])):
    """The evaluation half of ``train_and_evaluate``, with the exporters run after each
    evaluation."""

    def __new__(cls, input_fn, steps=100, name=None, hooks=None, exporters=None,
                start_delay_secs=120, throttle_secs=600):
        if not callable(input_fn):
            raise TypeError(f"`input_fn` must be callable, given: {input_fn}")
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"`name` must be string, given: {name}")
        exporters = _check_exporters(exporters)
        if start_delay_secs < 0:
            raise ValueError(f"Must specify start_delay_secs >= 0, given: {start_delay_secs}")
        if throttle_secs < 0:
            raise ValueError(f"Must specify throttle_secs >= 0, given: {throttle_secs}")
        return super().__new__(cls, input_fn, steps, name, tuple(_check_hooks(hooks)),
                               exporters, start_delay_secs, throttle_secs)


def _check_exporters(exporters):
    """``exporters`` as a tuple of ``Exporter``s with distinct names, as TF1 checked them."""
    if exporters is None:
        return ()
    if isinstance(exporters, Exporter):
        exporters = (exporters,)
    try:
        exporters = tuple(exporters)
    except TypeError:
        raise TypeError(f"`exporters` must be an Exporter, an iterable of Exporter, or None, "
                        f"found {exporters}.") from None
    names = set()
    for exporter in exporters:
        if not isinstance(exporter, Exporter):
            raise TypeError(f"`exporters` must be an Exporter, an iterable of Exporter, or None, "
                            f"found {exporter}.")
        if not exporter.name or exporter.name.strip() == "" or exporter.name in names:
            raise ValueError("`exporters` must have unique names. Such a name cannot be `None`.")
        names.add(exporter.name)
    return exporters


class _EvaluateOnSave(v1.train.CheckpointSaverListener):
    """Evaluates after a checkpoint is saved, at most every ``throttle_secs``, and at the end."""

    def __init__(self, estimator, eval_spec, max_steps):
        self._estimator, self._spec, self._max_steps = estimator, eval_spec, max_steps
        self.eval_result, self.export_results = None, []

    def begin(self):
        self._timer = v1.train.SecondOrStepTimer(every_secs=self._spec.throttle_secs)
        self._first = True

    def _evaluate(self, step, final=False):
        self._timer.update_last_triggered_step(step)
        checkpoint_path = self._estimator.latest_checkpoint()
        self.eval_result = self._estimator.evaluate(
            self._spec.input_fn, steps=self._spec.steps, hooks=self._spec.hooks,
            checkpoint_path=checkpoint_path, name=self._spec.name)
        final = final or self._max_steps is not None and step >= self._max_steps
        self.export_results = [exporter.export(
            self._estimator, os.path.join(self._estimator.model_dir, "export", exporter.name),
            checkpoint_path, self.eval_result, final) for exporter in self._spec.exporters]

    def after_save(self, session, global_step_value):
        if self._first:  # the checkpoint written when the session starts: nothing trained yet
            self._first = False
        elif self._timer.should_trigger_for_step(global_step_value):
            self._evaluate(global_step_value)
        else:
            _log.info("Skip the current checkpoint eval due to throttle secs (%s secs).",
                      self._spec.throttle_secs)

    def end(self, session, global_step_value):
        if global_step_value != self._timer.last_triggered_step():
            self._evaluate(global_step_value, final=True)


def train_and_evaluate(estimator, train_spec, eval_spec):
    """Trains, evaluating (and exporting) after checkpoints and once at the end, in this
    process; returns (the last evaluation's metrics, its exporters' results) as TF1's local run
    did."""
    if not isinstance(estimator, Estimator):
        raise TypeError(f"`estimator` must have type `tf.estimator.Estimator`. Got: "
                        f"{type(estimator)}")
    if not isinstance(train_spec, TrainSpec):
        raise TypeError(f"`train_spec` must have type `tf.estimator.TrainSpec`. Got: "
                        f"{type(train_spec)}")
    if not isinstance(eval_spec, EvalSpec):
        raise TypeError(f"`eval_spec` must have type `tf.estimator.EvalSpec`. Got: "
                        f"{type(eval_spec)}")
    if eval_spec.throttle_secs <= 0:
        raise ValueError(f"eval_spec.throttle_secs should be positive, given: "
                         f"{eval_spec.throttle_secs}.")
    _log.info("Start train and evaluate loop. The evaluate will happen after every checkpoint.")
    listener = _EvaluateOnSave(estimator, eval_spec, train_spec.max_steps)
    estimator.train(train_spec.input_fn, hooks=train_spec.hooks, max_steps=train_spec.max_steps,
                    saving_listeners=[listener])
    return listener.eval_result, listener.export_results
