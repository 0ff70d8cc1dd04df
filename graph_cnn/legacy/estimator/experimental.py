"""``tf.estimator.experimental``'s training hooks, as TF 1.15 had them: early stopping (every
``run_every_secs`` or ``run_every_steps``, the evaluations written under ``estimator.eval_dir()``
are read, and training stops when a metric crossed a threshold or has not improved for a number of
steps, setting the ``signal_early_stopping/STOP`` variable saved with the model), and
``InMemoryEvaluatorHook`` (evaluates the training session's variables every ``every_n_iter``
steps and at the end, without a checkpoint).

Not emulated: ``make_stop_at_checkpoint_step_hook``, the non-chief hook (training here is one
chief process), and the other experimental names (``KMeans``, ``LinearSDCA``, the logit function
builders).
"""

import collections
import glob
import operator
import os

import tensorflow as tf

from graph_cnn.legacy.estimator.estimator import Estimator, _StopAfterNEvalsHook
from graph_cnn.legacy.estimator.model_fn import _check_hooks

v1 = tf.compat.v1
_log = v1.logging

__all__ = ["InMemoryEvaluatorHook", "make_early_stopping_hook", "read_eval_metrics", "stop_if_higher_hook",
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


class InMemoryEvaluatorHook(v1.train.SessionRunHook):
    """Evaluates ``input_fn`` with the variables of the training session (copied into an
    evaluation graph of its own) every ``every_n_iter`` steps, at the start and at the end,
    writing under ``estimator.eval_dir(name)`` as ``evaluate`` does."""

    def __init__(self, estimator, input_fn, steps=None, hooks=None, name=None, every_n_iter=100):
        if every_n_iter is None or every_n_iter <= 0:
            raise ValueError(f"invalid every_n_iter={every_n_iter}.")
        if not isinstance(estimator, Estimator):
            raise TypeError(f"`estimator` must have type `tf.estimator.Estimator`. Got: "
                            f"{type(estimator)}")
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        self._estimator, self._input_fn, self._name = estimator, input_fn, name
        self._hooks = _check_hooks(hooks) + ([_StopAfterNEvalsHook(steps)] if steps else [])
        self._timer = v1.train.SecondOrStepTimer(every_steps=every_n_iter)

    def begin(self):
        self._timer.reset()
        self._iter_count = 0
        self._graph = tf.Graph()
        with self._graph.as_default():
            self._eval = self._estimator._evaluate_build_graph(self._input_fn, self._hooks, None)
            scaffold = self._eval[0].scaffold
            if scaffold.saver is not None:
                raise ValueError("InMemoryEvaluator does not support custom saver")
            if scaffold.init_fn is not None:
                raise ValueError("InMemoryEvaluator does not support custom init_fn")
            self._eval_vars = {v.name: v for v in v1.global_variables()}
            self._placeholders = {name: v1.placeholder(v.dtype.base_dtype)
                                  for name, v in self._eval_vars.items()}

    def after_create_session(self, session, coord):
        train_vars = {v.name: v for v in session.graph.get_collection(
            v1.GraphKeys.GLOBAL_VARIABLES)}
        self._train_vars = {name: v for name, v in train_vars.items() if name in self._eval_vars}
        with self._graph.as_default():
            self._feed_op = tf.group(*(v1.assign(self._eval_vars[name], self._placeholders[name])
                                       for name in self._train_vars))
        self._evaluate(session)

    def _evaluate(self, train_session):
        values = train_session.run(self._train_vars)
        feed = {self._placeholders[name]: value for name, value in values.items()}
        spec, update_op, report, hooks = self._eval
        with self._graph.as_default():
            scaffold = v1.train.Scaffold(
                init_fn=lambda _, session: session.run(self._feed_op, feed),
                copy_from_scaffold=spec.scaffold)
            self._estimator._evaluate_run(spec._replace(scaffold=scaffold), None, update_op,
                                          report, hooks, self._estimator.eval_dir(self._name))
        self._timer.update_last_triggered_step(self._iter_count)

    def after_run(self, run_context, run_values):
        self._iter_count += 1
        if self._timer.should_trigger_for_step(self._iter_count):
            self._evaluate(run_context.session)

    def end(self, session):
        self._evaluate(session)
