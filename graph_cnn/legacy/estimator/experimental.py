"""``tf.estimator.experimental``'s early stopping, as TF 1.15's ``early_stopping.py``: a training
hook that, every ``run_every_secs`` (or ``run_every_steps``), reads the evaluations written under
``estimator.eval_dir()`` and stops training when a metric crossed a threshold or has not improved
for a number of steps (setting the ``signal_early_stopping/STOP`` variable, saved with the model).

Not emulated: ``InMemoryEvaluatorHook``, ``make_stop_at_checkpoint_step_hook``, the non-chief
hook (training here is one chief process), and the other experimental names (``KMeans``,
``LinearSDCA``, the logit function builders).
"""

import collections
import glob
import operator
import os

import tensorflow as tf

from graph_cnn.legacy.estimator.estimator import Estimator

v1 = tf.compat.v1
_log = v1.logging

__all__ = ["make_early_stopping_hook", "read_eval_metrics", "stop_if_higher_hook",
           "stop_if_lower_hook", "stop_if_no_decrease_hook", "stop_if_no_increase_hook"]


def _scalar_events(pattern):
    """``(step, {tag: value})`` of each event holding scalar summaries, in the event files
    matching ``pattern``."""
    for path in glob.glob(pattern):
        for event in v1.train.summary_iterator(path):
            scalars = {value.tag: value.simple_value for value in event.summary.value
                       if value.HasField("simple_value")}
            if scalars:
                yield event.step, scalars


def read_eval_metrics(eval_dir):
    """``{global step: {metric: value}}`` of the scalar summaries under ``eval_dir``, by step."""
    by_step = collections.defaultdict(dict)
    for step, metrics in _scalar_events(os.path.join(eval_dir, "*.tfevents.*")):
        by_step[step].update(metrics)
    return collections.OrderedDict(sorted(by_step.items()))


def _stop_variable():
    with v1.variable_scope("signal_early_stopping", values=[], reuse=v1.AUTO_REUSE):
        return v1.get_variable("STOP", shape=[], dtype=tf.bool, trainable=False,
                               initializer=v1.initializers.constant(False),
                               collections=[v1.GraphKeys.GLOBAL_VARIABLES])


class _StopOnPredicateHook(v1.train.SessionRunHook):
    """Asks ``should_stop_fn()`` on its timer and stops training when it says so."""

    def __init__(self, should_stop_fn, run_every_secs=60, run_every_steps=None):
        if not callable(should_stop_fn):
            raise TypeError("`should_stop_fn` must be callable.")
        self._should_stop_fn = should_stop_fn
        self._timer = v1.train.SecondOrStepTimer(every_secs=run_every_secs,
                                                 every_steps=run_every_steps)

    def begin(self):
        self._global_step = v1.train.get_global_step()
        self._stop_op = v1.assign(_stop_variable(), True)

    def before_run(self, run_context):
        return v1.train.SessionRunArgs(self._global_step)

    def after_run(self, run_context, run_values):
        step = run_values.results
        if self._timer.should_trigger_for_step(step):
            self._timer.update_last_triggered_step(step)
            if self._should_stop_fn():
                _log.info("Requesting early stopping at global step %d", step)
                run_context.session.run(self._stop_op)
                run_context.request_stop()


def make_early_stopping_hook(estimator, should_stop_fn, run_every_secs=60,
                             run_every_steps=None):
    """A training hook stopping when ``should_stop_fn()`` (asked on the timer) returns True."""
    if not isinstance(estimator, Estimator):
        raise TypeError(f"`estimator` must have type `tf.estimator.Estimator`. Got: "
                        f"{type(estimator)}")
    if run_every_secs is not None and run_every_steps is not None:
        raise ValueError("Only one of `run_every_secs` and `run_every_steps` must be set.")
    return _StopOnPredicateHook(should_stop_fn, run_every_secs, run_every_steps)


def _evaluations(eval_dir, min_steps):
    return [(step, metrics) for step, metrics in read_eval_metrics(eval_dir).items()
            if step >= min_steps]


def _threshold_hook(estimator, metric_name, threshold, higher_is_better, eval_dir, min_steps,
                    run_every_secs, run_every_steps):
    eval_dir = eval_dir or estimator.eval_dir()
    better = operator.gt if higher_is_better else operator.lt

    def crossed():
        for step, metrics in _evaluations(eval_dir, min_steps):
            if better(metrics[metric_name], threshold):
                _log.info('At step %s, metric "%s" has value %s which is %s the configured '
                          "threshold (%s) for early stopping.", step, metric_name,
                          metrics[metric_name],
                          "greater than" if higher_is_better else "less than", threshold)
                return True
        return False

    return make_early_stopping_hook(estimator, crossed, run_every_secs, run_every_steps)


def _no_improvement_hook(estimator, metric_name, max_steps_without_improvement, higher_is_better,
                         eval_dir, min_steps, run_every_secs, run_every_steps):
    eval_dir = eval_dir or estimator.eval_dir()
    better = operator.gt if higher_is_better else operator.lt

    def stalled():
        best = best_step = None
        for step, metrics in _evaluations(eval_dir, min_steps):
            if best is None or better(metrics[metric_name], best):
                best, best_step = metrics[metric_name], step
            if step - best_step >= max_steps_without_improvement:
                _log.info('No %s in metric "%s" for %s steps, which is greater than or equal to '
                          "max steps (%s) configured for early stopping.",
                          "increase" if higher_is_better else "decrease", metric_name,
                          step - best_step, max_steps_without_improvement)
                return True
        return False

    return make_early_stopping_hook(estimator, stalled, run_every_secs, run_every_steps)


def stop_if_higher_hook(estimator, metric_name, threshold, eval_dir=None, min_steps=0,
                        run_every_secs=60, run_every_steps=None):
    """Stops training once an evaluation's ``metric_name`` is above ``threshold``."""
    return _threshold_hook(estimator, metric_name, threshold, True, eval_dir, min_steps,
                           run_every_secs, run_every_steps)


def stop_if_lower_hook(estimator, metric_name, threshold, eval_dir=None, min_steps=0,
                       run_every_secs=60, run_every_steps=None):
    """Stops training once an evaluation's ``metric_name`` is below ``threshold``."""
    return _threshold_hook(estimator, metric_name, threshold, False, eval_dir, min_steps,
                           run_every_secs, run_every_steps)


def stop_if_no_increase_hook(estimator, metric_name, max_steps_without_increase, eval_dir=None,
                             min_steps=0, run_every_secs=60, run_every_steps=None):
    """Stops training when ``metric_name`` has not risen for ``max_steps_without_increase``
    global steps of evaluations."""
    return _no_improvement_hook(estimator, metric_name, max_steps_without_increase, True,
                                eval_dir, min_steps, run_every_secs, run_every_steps)


def stop_if_no_decrease_hook(estimator, metric_name, max_steps_without_decrease, eval_dir=None,
                             min_steps=0, run_every_secs=60, run_every_steps=None):
    """Stops training when ``metric_name`` has not fallen for ``max_steps_without_decrease``
    global steps of evaluations."""
    return _no_improvement_hook(estimator, metric_name, max_steps_without_decrease, False,
                                eval_dir, min_steps, run_every_secs, run_every_steps)
