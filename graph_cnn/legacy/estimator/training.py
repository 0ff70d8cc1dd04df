"""``TrainSpec``, ``EvalSpec`` and a local ``train_and_evaluate``, as TF1's ``training.py``."""

import collections

import tensorflow as tf

from graph_cnn.legacy.estimator.estimator import Estimator
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
    """The evaluation half of ``train_and_evaluate``; exporters are not supported."""

    def __new__(cls, input_fn, steps=100, name=None, hooks=None, exporters=None,
                start_delay_secs=120, throttle_secs=600):
        if not callable(input_fn):
            raise TypeError(f"`input_fn` must be callable, given: {input_fn}")
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"`name` must be string, given: {name}")
        if exporters:
            raise NotImplementedError("EvalSpec(exporters=...) is not supported: graph_cnn's "
                                      "Estimator does not export SavedModels")
        if start_delay_secs < 0:
            raise ValueError(f"Must specify start_delay_secs >= 0, given: {start_delay_secs}")
        if throttle_secs < 0:
            raise ValueError(f"Must specify throttle_secs >= 0, given: {throttle_secs}")
        return super().__new__(cls, input_fn, steps, name, tuple(_check_hooks(hooks)), (),
                               start_delay_secs, throttle_secs)


class _EvaluateOnSave(v1.train.CheckpointSaverListener):
    """Evaluates after a checkpoint is saved, at most every ``throttle_secs``, and at the end."""

    def __init__(self, estimator, eval_spec):
        self._estimator, self._spec = estimator, eval_spec
        self.eval_result = None

    def begin(self):
        self._timer = v1.train.SecondOrStepTimer(every_secs=self._spec.throttle_secs)
        self._first = True

    def _evaluate(self, step):
        self._timer.update_last_triggered_step(step)
        self.eval_result = self._estimator.evaluate(
            self._spec.input_fn, steps=self._spec.steps, hooks=self._spec.hooks,
            checkpoint_path=self._estimator.latest_checkpoint(), name=self._spec.name)

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
            self._evaluate(global_step_value)


def train_and_evaluate(estimator, train_spec, eval_spec):
    """Trains, evaluating after checkpoints and once at the end, in this process; returns
    (the last evaluation's metrics, []) as TF1's local run did."""
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
    listener = _EvaluateOnSave(estimator, eval_spec)
    estimator.train(train_spec.input_fn, hooks=train_spec.hooks, max_steps=train_spec.max_steps,
                    saving_listeners=[listener])
    return listener.eval_result, []
