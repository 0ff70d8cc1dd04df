"""``tf.contrib.training`` as TF1 code used it: ``HParams`` (hyperparameters parsed from
``"a=1,b=[1,2]"`` or JSON with TF1's type checks) and the checkpoint waiters
``checkpoints_iterator`` / ``wait_for_new_checkpoint`` (``tf.compat.v1.train``'s).

Not emulated: ``HParams.to_proto``/``from_proto`` and ``hparam_def``, indexed assignments
(``"b[1]=3"``) in ``parse``, and the queue-based helpers (``batch_sequences_with_states``,
``bucket_by_sequence_length``, ``train``/``create_train_op``).
"""

import json
import numbers
import re

import tensorflow as tf
from tensorflow.python.training.checkpoint_utils import wait_for_new_checkpoint  # noqa: F401

from graph_cnn.legacy.contrib import _paths

checkpoints_iterator = tf.compat.v1.train.checkpoints_iterator

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


# TF1's tf.contrib.training.python... paths (graph_cnn.legacy.contrib._paths)
python = _paths.tree(__name__, {"training": _paths.files(
    "hparam", "evaluation", "training", "bucket_ops", "sequence_queueing_state_saver",
    "feeding_queue_runner", "device_setter", "sampling_ops", "resample", "tensor_queue_dataset")})
