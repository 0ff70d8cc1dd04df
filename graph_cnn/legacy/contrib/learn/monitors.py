"""``tf.contrib.learn.monitors``: the training callbacks ``fit(monitors=[...])`` took, run as one
session hook (``RunHookAdapterForMonitors``) as TF 1.x did; plain ``SessionRunHook``s may be mixed
in. ``ValidationMonitor`` evaluates every new checkpoint (so set ``save_checkpoints_secs`` or
``_steps`` in ``RunConfig``) at most every N steps and stops early when its metric stops
improving; ``PrintTensor``, ``LoggingTrainable``, ``CaptureVariable``, ``StopAtStep``,
``NanLoss``, ``StepCounter``, ``SummarySaver`` and ``CheckpointSaver`` behave as TF1's.

Not emulated: ``ExportMonitor`` (no SavedModel export here) and ``GraphDump``.
"""

import copy
import inspect
import os
import time

import numpy as np
import tensorflow as tf

v1 = tf.compat.v1
_log = v1.logging
SessionRunHook = v1.train.SessionRunHook


class BaseMonitor:
    """The callbacks of a monitor: begin/end of training, step_begin (tensors to fetch),
    step_end (their values; True stops training) and post_step (with the session)."""

    def __init__(self):
        self._begun = False
        self._current_epoch = None
        self._current_step = None
        self._max_steps = None
        self._estimator = None

    @property
    def run_on_all_workers(self):
        return False

    def set_estimator(self, estimator):
        """The estimator being trained (set by ``fit``)."""
        if estimator is None:
            raise ValueError("Missing estimator.")
        self._estimator = estimator

    def begin(self, max_steps=None):
        if self._begun:
            raise ValueError("begin called twice without end.")
        self._max_steps = max_steps
        self._begun = True

    def end(self, session=None):
        if not self._begun:
            raise ValueError("end called without begin.")
        self._max_steps = None
        self._begun = False

    def epoch_begin(self, epoch):
        if self._current_epoch is not None:
            raise ValueError("epoch_begin called twice without epoch_end.")
        if epoch < 0:
            raise ValueError(f"Invalid epoch {epoch}.")
        self._current_epoch = epoch

    def epoch_end(self, epoch):
        if self._current_epoch != epoch:
            raise ValueError(f"epoch_end expected {self._current_epoch} but got {epoch}.")
        self._current_epoch = None

    def step_begin(self, step):
        """Tensors (or names) to fetch with step ``step``."""
        if step < 0 or (self._max_steps is not None and step > self._max_steps):
            raise ValueError(f"Invalid step {step}.")
        self._current_step = step
        return []

    def step_end(self, step, output):
        """``output``: {requested name or tensor: value}; True asks training to stop."""
        if self._current_step != step:
            raise ValueError(f"step_end expected {self._current_step} but got {step}.")
        self._current_step = None
        return False

    def post_step(self, step, session):
        """After ``step_end``, with the session for extra runs."""


def _extract_output(outputs, request):
    if request in outputs:
        return outputs[request]
    return outputs[request.name]


class EveryN(BaseMonitor):
    """A monitor whose ``every_n_*`` callbacks run on the first ``first_n_steps`` steps, then
    every ``every_n_steps`` steps, and at the last step."""

    def __init__(self, every_n_steps=100, first_n_steps=1):
        super().__init__()
        self._every_n_steps = every_n_steps
        self._first_n_steps = first_n_steps
        self._last_successful_step = None
        self._last_active_step = 0
        self._every_n_step_begin_called = False

    def every_n_step_begin(self, step):
        return []

    def every_n_step_end(self, step, outputs):
        return False

    def every_n_post_step(self, step, session):
        pass

    def step_begin(self, step):
        super().step_begin(step)
        if (step <= self._first_n_steps or step >= self._every_n_steps + self._last_active_step
                or step == self._max_steps):
            self._every_n_step_begin_called = True
            return self.every_n_step_begin(step)
        self._every_n_step_begin_called = False
        return []

    def step_end(self, step, output):
        super().step_end(step, output)
        if self._every_n_step_begin_called:
            return self.every_n_step_end(step, output)
        return False

    def post_step(self, step, session):
        super().post_step(step, session)
        if self._every_n_step_begin_called:
            self.every_n_post_step(step, session)
            self._last_active_step = step
        self._last_successful_step = step

    def end(self, session=None):
        super().end(session=session)
        if self._last_successful_step != self._last_active_step:
            self.every_n_post_step(self._last_successful_step, session)


class StopAtStep(BaseMonitor):
    """Stops after ``num_steps`` steps, or once step ``last_step`` has run."""

    def __init__(self, num_steps=None, last_step=None):
        super().__init__()
        if num_steps is None and last_step is None:
            raise ValueError("One of num_steps or last_step must be specified.")
        if num_steps is not None and last_step is not None:
            raise ValueError("Only one of num_steps or last_step can be specified.")
        self._num_steps, self._last_step = num_steps, last_step

    @property
    def run_on_all_workers(self):
        return True

    def step_begin(self, step):
        super().step_begin(step)
        if self._last_step is None:
            self._last_step = step + self._num_steps - 1
        return []

    def step_end(self, step, output):
        super().step_end(step, output)
        return step >= self._last_step


class PrintTensor(EveryN):
    """Logs (INFO) the given tensors every N steps: ``Step 100: loss = 0.2``."""

    def __init__(self, tensor_names, every_n=100, first_n=1):
        super().__init__(every_n, first_n)
        if not isinstance(tensor_names, dict):
            tensor_names = {item: item for item in tensor_names}
        self._tensor_names = tensor_names

    def every_n_step_begin(self, step):
        super().every_n_step_begin(step)
        return list(self._tensor_names.values())

    def every_n_step_end(self, step, outputs):
        super().every_n_step_end(step, outputs)
        stats = [f"{tag} = {_extract_output(outputs, name)}"
                 for tag, name in self._tensor_names.items() if name in outputs]
        _log.info("Step %d: %s", step, ", ".join(stats))


class LoggingTrainable(EveryN):
    """Logs the trainable variables (matching ``scope``) every N steps."""

    def __init__(self, scope=None, every_n=100, first_n=1):
        super().__init__(every_n, first_n)
        self._scope = scope

    def every_n_step_begin(self, step):
        super().every_n_step_begin(step)
        trainables = v1.get_collection(v1.GraphKeys.TRAINABLE_VARIABLES, scope=self._scope)
        self._names = {var.name: var.value().name for var in trainables}
        return list(self._names.values())

    def every_n_step_end(self, step, outputs):
        super().every_n_step_end(step, outputs)
        stats = [f"{tag} = {_extract_output(outputs, name)}"
                 for tag, name in self._names.items() if name in outputs]
        _log.info("Logging Trainable: Step %d: %s", step, ", ".join(stats))


class CaptureVariable(EveryN):
    """Keeps the value of ``var_name`` (with its ``:0``) every N steps in ``values``."""

    def __init__(self, var_name, every_n=100, first_n=1):
        super().__init__(every_n, first_n)
        self._var_name = var_name
        self._var_values = {}

    @property
    def values(self):
        """{step: value}."""
        return self._var_values

    def every_n_step_begin(self, step):
        super().every_n_step_begin(step)
        return [self._var_name]

    def every_n_step_end(self, step, outputs):
        super().every_n_step_end(step, outputs)
        self._var_values[step] = _extract_output(outputs, self._var_name)


class SummarySaver(EveryN):
    """Writes ``summary_op`` every ``save_steps`` steps to ``output_dir`` (default
    ``model_dir``)."""

    def __init__(self, summary_op, save_steps=100, output_dir=None, summary_writer=None,
                 scaffold=None):
        super().__init__(every_n_steps=save_steps)
        self._summary_op = summary_op
        self._summary_writer = summary_writer
        if summary_writer is None and output_dir:
            self._summary_writer = v1.summary.FileWriterCache.get(output_dir)
        self._scaffold = scaffold

    def set_estimator(self, estimator):
        super().set_estimator(estimator)
        if self._summary_writer is None:
            self._summary_writer = v1.summary.FileWriterCache.get(estimator.model_dir)

    def every_n_step_begin(self, step):
        super().every_n_step_begin(step)
        if self._summary_op is None and self._scaffold is not None:
            self._summary_op = self._scaffold.summary_op
        return [self._summary_op] if self._summary_op is not None else []

    def every_n_step_end(self, step, outputs):
        super().every_n_step_end(step, outputs)
        if self._summary_op is not None and self._summary_writer:
            self._summary_writer.add_summary(_extract_output(outputs, self._summary_op), step)
        return False

    def end(self, session=None):
        super().end(session=session)
        if self._summary_writer:
            self._summary_writer.flush()


class ValidationMonitor(EveryN):
    """Evaluates the estimator's newest checkpoint at most every ``every_n_steps`` steps and
    logs ``Validation (step N): ...``; with ``early_stopping_rounds``, stops training when
    ``early_stopping_metric`` has not improved for that many steps."""

    def __init__(self, x=None, y=None, input_fn=None, batch_size=None, eval_steps=None,
                 every_n_steps=100, metrics=None, hooks=None, early_stopping_rounds=None,
                 early_stopping_metric="loss", early_stopping_metric_minimize=True, name=None):
        super().__init__(every_n_steps=every_n_steps, first_n_steps=-1)
        if x is None and input_fn is None:
            raise ValueError("Either x or input_fn should be provided.")
        self.x, self.y, self.input_fn, self.batch_size = x, y, input_fn, batch_size
        self.eval_steps, self.metrics, self.hooks, self.name = eval_steps, metrics, hooks, name
        self.early_stopping_rounds = early_stopping_rounds
        self.early_stopping_metric = early_stopping_metric
        self.early_stopping_metric_minimize = early_stopping_metric_minimize
        self._best_value_step = self._best_value = self._best_metrics = None
        self._early_stopped = False
        self._latest_path = self._latest_path_step = None

    early_stopped = property(lambda self: self._early_stopped)
    best_step = property(lambda self: self._best_value_step)
    best_value = property(lambda self: self._best_value)
    best_metrics = property(lambda self: self._best_metrics)

    def _evaluate_estimator(self):
        if not hasattr(self._estimator, "fit"):  # a tf.estimator.Estimator
            if any(a is not None for a in (self.x, self.y, self.batch_size, self.metrics)):
                raise ValueError("tf.estimator.Estimator does not support following "
                                 "arguments: x, y, batch_size, metrics. Should set as `None` "
                                 "in ValidationMonitor")
            return self._estimator.evaluate(input_fn=self.input_fn, steps=self.eval_steps,
                                            hooks=self.hooks, name=self.name)
        return self._estimator.evaluate(x=self.x, y=self.y, input_fn=self.input_fn,
                                        batch_size=self.batch_size, steps=self.eval_steps,
                                        metrics=self.metrics, hooks=self.hooks, name=self.name)

    def every_n_step_end(self, step, outputs):
        super().every_n_step_end(step, outputs)
        if self._estimator is None:
            raise ValueError("Missing call to set_estimator.")
        latest_path = v1.train.latest_checkpoint(self._estimator.model_dir)
        if latest_path is None:
            _log.debug("Skipping evaluation since model has not been saved yet at step %d.",
                       step)
            return False
        if latest_path == self._latest_path:
            _log.debug("Skipping evaluation due to same checkpoint %s for step %d as for step "
                       "%d.", latest_path, step, self._latest_path_step)
            return False
        self._latest_path, self._latest_path_step = latest_path, step
        outputs = self._evaluate_estimator()
        _log.info("Validation (step %d): %s", step,
                  ", ".join(f"{name} = {outputs[name]}" for name in outputs))
        if self.early_stopping_rounds is None:
            return False
        if self.early_stopping_metric not in outputs:
            raise ValueError(f"Metric {self.early_stopping_metric} missing from outputs "
                             f"{set(outputs)}.")
        current = outputs[self.early_stopping_metric]
        if (self._best_value is None
                or (self.early_stopping_metric_minimize and current < self._best_value)
                or (not self.early_stopping_metric_minimize and current > self._best_value)):
            self._best_value = current
            self._best_metrics = copy.deepcopy(outputs)
            self._best_value_step = step
        if step - self._best_value_step >= self.early_stopping_rounds:
            _log.info("Stopping. Best step: %s with %s = %s.", self._best_value_step,
                      self.early_stopping_metric, self._best_value)
            self._early_stopped = True
            return True
        return False


class CheckpointSaver(BaseMonitor):
    """Saves a checkpoint every ``save_secs`` seconds or ``save_steps`` steps, and at the end."""

    def __init__(self, checkpoint_dir, save_secs=None, save_steps=None, saver=None,
                 checkpoint_basename="model.ckpt", scaffold=None):
        super().__init__()
        if save_steps is None and save_secs is None:
            raise ValueError("Either save_steps or save_secs should be provided")
        if save_steps is not None and save_secs is not None:
            raise ValueError("Can not provide both save_steps and save_secs.")
        self._saver, self._scaffold = saver, scaffold
        self._save_path = os.path.join(checkpoint_dir, checkpoint_basename)
        self._save_secs, self._save_steps = save_secs, save_steps
        self._last_saved_time = self._last_begin_step = self._last_saved_step = None

    def begin(self, max_steps=None):
        super().begin(max_steps)
        self._last_saved_time = self._last_begin_step = self._last_saved_step = None

    def step_begin(self, step):
        super().step_begin(step)
        self._last_begin_step = step
        return []

    def post_step(self, step, session):
        super().post_step(step, session)
        if self._last_saved_time is None:
            self._save(step, session)
        if self._save_steps is not None and step >= self._last_saved_step + self._save_steps:
            self._save(step, session)
        if self._save_secs is not None and time.time() >= self._last_saved_time + self._save_secs:
            self._save(step, session)

    def end(self, session=None):
        super().end(session)
        self._save(self._last_begin_step, session)

    def _save(self, step, session):
        if step == self._last_saved_step:
            return
        _log.info("Saving checkpoints for %d into %s.", step, self._save_path)
        self._last_saved_time, self._last_saved_step = time.time(), step
        saver = self._saver or (self._scaffold.saver if self._scaffold else None) \
            or v1.get_collection(v1.GraphKeys.SAVERS)[0]
        saver.save(session, self._save_path, global_step=step)


class StepCounter(EveryN):
    """Writes ``global_step/sec`` every N steps."""

    def __init__(self, every_n_steps=100, output_dir=None, summary_writer=None):
        super().__init__(every_n_steps=every_n_steps)
        self._last_reported_step = self._last_reported_time = None
        self._summary_writer = summary_writer
        if summary_writer is None and output_dir:
            self._summary_writer = v1.summary.FileWriterCache.get(output_dir)

    def set_estimator(self, estimator):
        super().set_estimator(estimator)
        if self._summary_writer is None:
            self._summary_writer = v1.summary.FileWriterCache.get(estimator.model_dir)

    def every_n_step_end(self, current_step, outputs):
        now = time.time()
        if self._last_reported_time is not None and self._summary_writer:
            rate = (current_step - self._last_reported_step) / (now - self._last_reported_time)
            self._summary_writer.add_summary(v1.Summary(value=[v1.Summary.Value(
                tag="global_step/sec", simple_value=rate)]), current_step)
        self._last_reported_step, self._last_reported_time = current_step, now


class NanLossDuringTrainingError(RuntimeError):
    def __str__(self):
        return "NaN loss during training."


class NanLoss(EveryN):
    """Every N steps, raises (or, ``fail_on_nan_loss=False``, stops) on a NaN loss."""

    def __init__(self, loss_tensor, every_n_steps=100, fail_on_nan_loss=True):
        super().__init__(every_n_steps=every_n_steps)
        self._loss_tensor = loss_tensor
        self._fail_on_nan_loss = fail_on_nan_loss

    def every_n_step_begin(self, step):
        super().every_n_step_begin(step)
        return [self._loss_tensor]

    def every_n_step_end(self, step, outputs):
        super().every_n_step_end(step, outputs)
        if np.isnan(_extract_output(outputs, self._loss_tensor)):
            if self._fail_on_nan_loss:
                _log.error("Model diverged with loss = NaN.")
                raise NanLossDuringTrainingError
            _log.warning("Model diverged with loss = NaN.")
            return True
        return False


def get_default_monitors(loss_op=None, summary_op=None, save_summary_steps=100,
                         output_dir=None, summary_writer=None):
    """``PrintTensor`` of the loss and a ``SummarySaver``, as TF1 set up by default."""
    monitors = []
    if loss_op is not None:
        monitors.append(PrintTensor(tensor_names={"loss": loss_op.name}))
    if summary_op is not None:
        monitors.append(SummarySaver(summary_op, save_steps=save_summary_steps,
                                     output_dir=output_dir, summary_writer=summary_writer))
    return monitors


def _as_graph_element(obj):
    graph = v1.get_default_graph()
    if not isinstance(obj, str):
        if getattr(obj, "graph", None) is not graph:
            raise ValueError(f"Passed {obj} should have graph attribute that is equal to "
                             f"current graph {graph}.")
        return obj
    if ":" in obj:
        return graph.as_graph_element(obj)
    element = graph.as_graph_element(obj + ":0")
    try:
        graph.as_graph_element(obj + ":1")
    except (KeyError, ValueError):
        return element
    raise ValueError(f"Name {obj} is ambiguous, as this `Operation` has multiple outputs (at "
                     f"least 2).")


class RunHookAdapterForMonitors(SessionRunHook):
    """Runs ``monitors`` as one session hook; their step is the global step being run."""

    def __init__(self, monitors):
        self._monitors = monitors

    def begin(self):
        self._last_step = None
        self._global_step_tensor = v1.train.get_global_step()
        for monitor in self._monitors:
            monitor.begin(max_steps=None)

    def before_run(self, run_context):
        if self._last_step is None:
            self._last_step = run_context.session.run(self._global_step_tensor) + 1
        request = {self._global_step_tensor: self._global_step_tensor}
        fetches = []
        for monitor in self._monitors:
            requests = monitor.step_begin(self._last_step)
            if requests:
                if not isinstance(requests, list):
                    raise ValueError("Monitor.step_begin should return a list.")
                fetches.extend(requests)
        if fetches:
            request["monitors"] = {f: _as_graph_element(f) for f in fetches}
        return v1.train.SessionRunArgs(request)

    def after_run(self, run_context, run_values):
        result = run_values.results.get("monitors", {})
        for monitor in self._monitors:
            if monitor.step_end(self._last_step, result):
                run_context.request_stop()
        for monitor in self._monitors:
            monitor.post_step(self._last_step, run_context.session)
        self._last_step = run_values.results[self._global_step_tensor] + 1

    def end(self, session):
        self._last_step = None
        for monitor in self._monitors:
            if "session" in inspect.signature(monitor.end).parameters:
                monitor.end(session=session)
            else:
                monitor.end()


def replace_monitors_with_hooks(monitors_or_hooks, estimator):
    """The hooks of ``monitors_or_hooks``, its monitors (given ``estimator``) as one more."""
    monitors_or_hooks = monitors_or_hooks or []
    hooks = [m for m in monitors_or_hooks if isinstance(m, SessionRunHook)]
    monitors = [m for m in monitors_or_hooks if not isinstance(m, SessionRunHook)]
    for monitor in monitors:
        monitor.set_estimator(estimator)
    if monitors:
        hooks.append(RunHookAdapterForMonitors(monitors))
    return hooks


SummaryWriterCache = v1.summary.FileWriterCache
