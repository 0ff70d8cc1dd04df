"""``tf.contrib.training`` as TF1 code used it: ``HParams`` (hyperparameters parsed from
``"a=1,b=[1,2]"`` or JSON with TF1's type checks), the checkpoint waiters
``checkpoints_iterator`` / ``wait_for_new_checkpoint`` (``tf.compat.v1.train``'s), and the
training and evaluation loops on monitored sessions: ``create_train_op``, ``train``,
``evaluate_once``, ``evaluate_repeatedly``, ``StopAfterNEvalsHook``, ``SummaryAtEndHook``,
``get_or_create_eval_step`` (TF 1.15 took most of these from core TensorFlow, which still has them).

Not emulated: ``HParams.to_proto``/``from_proto`` and ``hparam_def``, indexed assignments
(``"b[1]=3"``) in ``parse``, and the queue-based helpers (``batch_sequences_with_states``,
``bucket_by_sequence_length``, ``stratified_sample``, ``rejection_sample``).
"""

import json
import numbers
import re

import tensorflow as tf
from tensorflow.python.training import evaluation as _evaluation
from tensorflow.python.training.checkpoint_utils import wait_for_new_checkpoint  # noqa: F401

from graph_cnn.legacy.contrib import _paths

v1 = tf.compat.v1
checkpoints_iterator = v1.train.checkpoints_iterator
# core TensorFlow's evaluation loop, which TF 1.15's contrib.training served under these names
StopAfterNEvalsHook = _evaluation._StopAfterNEvalsHook
evaluate_once = _evaluation._evaluate_once
get_or_create_eval_step = _evaluation._get_or_create_eval_step
_USE_GLOBAL_STEP = 0

# name, then "=value" or "=[v1, v2 ...]", then "," or the end, as TF1's parse_values read them
_PARAM = re.compile(r"(?P<name>[a-zA-Z][\w.]*)\s*=\s*"
                    r"(?:\[(?P<vals>[^\]]*)\]|(?P<val>[^,\[]*))(?:$|,\s*)")


def _parse_bool(text):
    if text in ("true", "True"):
        return True
    if text in ("false", "False"):
        return False
    raise ValueError(text)


def _parse_one(name, param_type, text, values):
    parse = _parse_bool if param_type is bool else param_type
    try:
        return parse(text)
    except ValueError:
        raise ValueError(f"Could not parse hparam '{name}' of type '{param_type.__name__}' with "
                         f"value '{text}' in {values}") from None


def parse_values(values, type_map, ignore_unknown=False):
    """``{name: value}`` read from ``"a=1,b=[1,2],c=x"``, each value parsed as ``type_map``'s
    type for its name (bool from ``true``/``false``)."""
    results, pos = {}, 0
    while pos < len(values):
        match = _PARAM.match(values, pos)
        if not match:
            raise ValueError(f"Malformed hyperparameter value: {values[pos:]}")
        pos = match.end()
        name = match["name"]
        if name not in type_map:
            if ignore_unknown:
                continue
            raise ValueError(f"Unknown hyperparameter type for {name}")
        if name in results:
            raise ValueError(f"Multiple assignments to variable '{name}' in {values}")
        if match["vals"] is not None:
            results[name] = [_parse_one(name, type_map[name], text, values)
                             for text in re.split(r"[ ,]", match["vals"]) if text]
        else:
            results[name] = _parse_one(name, type_map[name], match["val"], values)
    return results


def _cast(name, param_type, value):
    """``value`` as ``param_type`` where TF1 allowed it (an int for a float), else ValueError."""
    fail = ValueError(f"Could not cast hparam '{name}' of type '{param_type}' from value "
                      f"{value!r}")
    if issubclass(param_type, type(None)):
        return value
    text = (str, bytes)
    if issubclass(param_type, text) and not isinstance(value, text):
        raise fail
    if issubclass(param_type, bool) != isinstance(value, bool):
        raise fail
    if issubclass(param_type, numbers.Integral) and not isinstance(value, numbers.Integral):
        raise fail
    if issubclass(param_type, numbers.Number) and not isinstance(value, numbers.Number):
        raise fail
    return param_type(value)


class HParams:
    """TF1's hyperparameters: ``HParams(lr=0.1, layers=[64, 32])``, read as ``hp.lr``; each
    keeps the type (and single/list kind) it was added with, which ``set_hparam``, ``parse``,
    ``parse_json`` and ``override_from_dict`` check."""

    def __init__(self, hparam_def=None, model_structure=None, **kwargs):
        if hparam_def is not None:
            raise NotImplementedError("graph_cnn's HParams does not read HParamDef protos; "
                                      "pass the values as keyword arguments")
        self._hparam_types = {}
        self._model_structure = model_structure
        for name, value in kwargs.items():
            self.add_hparam(name, value)

    def add_hparam(self, name, value):
        """Adds ``name`` with ``value``; a list gives a multi-valued one typed by its first item."""
        if getattr(self, name, None) is not None:
            raise ValueError(f"Hyperparameter name is reserved: {name}")
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError(f"Multi-valued hyperparameters cannot be empty: {name}")
            self._hparam_types[name] = (type(value[0]), True)
        else:
            self._hparam_types[name] = (type(value), False)
        setattr(self, name, value)

    def set_hparam(self, name, value):
        """Sets an existing hyperparameter, cast to its type; KeyError for an unknown name."""
        param_type, is_list = self._hparam_types[name]
        if isinstance(value, list):
            if not is_list:
                raise ValueError(f"Must not pass a list for single-valued parameter: {name}")
            setattr(self, name, [_cast(name, param_type, v) for v in value])
        else:
            if is_list:
                raise ValueError(f"Must pass a list for multi-valued parameter: {name}.")
            setattr(self, name, _cast(name, param_type, value))

    def del_hparam(self, name):
        """Removes ``name`` if present."""
        if hasattr(self, name):
            delattr(self, name)
            del self._hparam_types[name]

    def parse(self, values):
        """Overrides from ``"a=1,b=[1,2]"``; returns self."""
        type_map = {name: param_type for name, (param_type, _) in self._hparam_types.items()}
        return self.override_from_dict(parse_values(values, type_map))

    def override_from_dict(self, values_dict):
        """Sets each ``{name: value}``; returns self."""
        for name, value in values_dict.items():
            self.set_hparam(name, value)
        return self

    def set_model_structure(self, model_structure):
        self._model_structure = model_structure

    def get_model_structure(self):
        return self._model_structure

    def to_json(self, indent=None, separators=None, sort_keys=False):
        """The values as JSON, callables left out."""
        values = {k: v for k, v in self.values().items() if not callable(v)}
        return json.dumps(values, indent=indent, separators=separators, sort_keys=sort_keys)

    def parse_json(self, values_json):
        """Overrides from a JSON object; returns self."""
        return self.override_from_dict(json.loads(values_json))

    def values(self):
        """``{name: value}`` of every hyperparameter."""
        return {name: getattr(self, name) for name in self._hparam_types}

    def get(self, key, default=None):
        """The value of ``key``, or ``default`` when there is none."""
        if key in self._hparam_types:
            if default is not None:
                param_type, is_list = self._hparam_types[key]
                kind = "list" if is_list else param_type.__name__
                if is_list != isinstance(default, list):
                    raise ValueError(f"Hparam '{key}' of type '{kind}' is incompatible with "
                                     f"default={default}")
            return getattr(self, key)
        return default

    def __contains__(self, key):
        return key in self._hparam_types

    def __str__(self):
        return str(sorted(self.values().items()))

    def __repr__(self):
        return f"{type(self).__name__}({self})"


class _TransformedGradients:
    """``optimizer`` whose ``compute_gradients`` passes its pairs through ``transform``."""

    def __init__(self, optimizer, transform):
        self._optimizer, self._transform = optimizer, transform

    def compute_gradients(self, *args, **kwargs):
        return self._transform(self._optimizer.compute_gradients(*args, **kwargs))

    def __getattr__(self, name):
        return getattr(self._optimizer, name)


def create_train_op(total_loss, optimizer, global_step=_USE_GLOBAL_STEP, update_ops=None,
                    variables_to_train=None, transform_grads_fn=None, summarize_gradients=False,
                    gate_gradients=v1.train.Optimizer.GATE_OP, aggregation_method=None,
                    colocate_gradients_with_ops=False, check_numerics=True):
    """A tensor that takes one step of ``optimizer`` (after ``update_ops``) and returns
    ``total_loss``, as slim's, with ``transform_grads_fn`` applied to the (gradient, variable)
    pairs (clipping, multipliers ...) instead of slim's own arguments."""
    from graph_cnn.legacy.contrib.slim import learning

    if transform_grads_fn is not None:
        optimizer = _TransformedGradients(optimizer, transform_grads_fn)
    return learning.create_train_op(
        total_loss, optimizer, global_step=global_step, update_ops=update_ops,
        variables_to_train=variables_to_train, summarize_gradients=summarize_gradients,
        gate_gradients=gate_gradients, aggregation_method=aggregation_method,
        colocate_gradients_with_ops=colocate_gradients_with_ops, check_numerics=check_numerics)


def train(train_op, logdir, master="", is_chief=True, scaffold=None, hooks=None,
          chief_only_hooks=None, save_checkpoint_secs=600, save_summaries_steps=100, config=None,
          max_wait_secs=7200, run_metadata=None):
    """Run ``train_op`` in a ``MonitoredTrainingSession`` on ``logdir`` until a hook stops it;
    returns the last value ``train_op`` gave (None when it never ran)."""
    if logdir is None and is_chief:
        if save_summaries_steps:
            raise ValueError("logdir cannot be None when save_summaries_steps is not None")
        if save_checkpoint_secs:
            raise ValueError("logdir cannot be None when save_checkpoint_secs is not None")
    loss = None
    with v1.train.MonitoredTrainingSession(
            master=master, is_chief=is_chief, checkpoint_dir=logdir, scaffold=scaffold,
            hooks=hooks, chief_only_hooks=chief_only_hooks,
            save_checkpoint_secs=save_checkpoint_secs, save_summaries_steps=save_summaries_steps,
            config=config, max_wait_secs=max_wait_secs) as session:
        while not session.should_stop():
            loss = session.run(train_op, run_metadata=run_metadata)
    return loss


def evaluate_repeatedly(checkpoint_dir, master="", scaffold=None, eval_ops=None, feed_dict=None,
                        final_ops=None, final_ops_feed_dict=None, eval_interval_secs=60,
                        hooks=None, config=None, max_number_of_evaluations=None, timeout=None,
                        timeout_fn=None):
    """Evaluate each new checkpoint of ``checkpoint_dir`` as it appears: ``eval_ops`` run until
    a hook (``StopAfterNEvalsHook``) stops, then ``final_ops``; returns the last ``final_ops``
    values, after ``max_number_of_evaluations`` or when no checkpoint comes within ``timeout``."""
    eval_step = get_or_create_eval_step()
    hooks = list(hooks or [])
    if eval_ops is not None:
        update_eval_step = v1.assign_add(eval_step, 1)
        for hook in hooks:
            if isinstance(hook, StopAfterNEvalsHook):
                hook._set_evals_completed_tensor(update_eval_step)
        if isinstance(eval_ops, dict):
            eval_ops = {**eval_ops, "update_eval_step": update_eval_step}
        elif isinstance(eval_ops, (tuple, list)):
            eval_ops = [*eval_ops, update_eval_step]
        else:
            eval_ops = [eval_ops, update_eval_step]
    final_ops_hook = v1.train.FinalOpsHook(final_ops, final_ops_feed_dict)
    hooks.append(final_ops_hook)
    checkpoints = checkpoints_iterator(checkpoint_dir, min_interval_secs=eval_interval_secs,
                                       timeout=timeout, timeout_fn=timeout_fn)
    for evaluations, checkpoint in enumerate(checkpoints, 1):
        creator = v1.train.ChiefSessionCreator(
            scaffold=scaffold, checkpoint_filename_with_path=checkpoint, master=master,
            config=config)
        with v1.train.MonitoredSession(session_creator=creator, hooks=hooks) as session:
            if eval_ops is not None:
                while not session.should_stop():
                    session.run(eval_ops, feed_dict)
        if max_number_of_evaluations is not None and evaluations >= max_number_of_evaluations:
            break
    return final_ops_hook.final_ops_values


class SummaryAtEndHook(v1.train.SessionRunHook):
    """Writes ``summary_op`` (default: every summary merged) once, when the session ends, at the
    global step, to ``summary_writer`` or ``log_dir``'s cached writer."""

    def __init__(self, log_dir=None, summary_writer=None, summary_op=None, feed_dict=None):
        self._log_dir, self._summary_writer = log_dir, summary_writer
        self._summary_op, self._feed_dict = summary_op, feed_dict

    def begin(self):
        if self._summary_writer is None and self._log_dir:
            self._summary_writer = v1.summary.FileWriterCache.get(self._log_dir)
        if self._summary_op is None:
            self._summary_op = v1.summary.merge_all()
        self._global_step = v1.train.get_or_create_global_step()

    def end(self, session):
        step = v1.train.global_step(session, self._global_step)
        summary = session.run(self._summary_op, self._feed_dict)
        if self._summary_writer:
            self._summary_writer.add_summary(summary, step)
            self._summary_writer.flush()


# TF1's tf.contrib.training.python... paths (graph_cnn.legacy.contrib._paths)
python = _paths.tree(__name__, {"training": _paths.files(
    "hparam", "evaluation", "training", "bucket_ops", "sequence_queueing_state_saver",
    "feeding_queue_runner", "device_setter", "sampling_ops", "resample", "tensor_queue_dataset")})
