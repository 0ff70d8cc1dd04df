"""``tensorflow.contrib.boosted_trees.proto.learner_pb2`` without protobuf: ``LearnerConfig`` and
its nested messages as plain Python objects with the proto's fields, defaults and enum constants.

Set the fields as on the generated proto class (``config.regularization.l2 = 0.001``,
``config.growing_mode = LearnerConfig.LAYER_BY_LAYER``): sub-messages exist on first access,
scalar fields read 0 until set, float fields keep float32 precision, setting one field of a
``oneof`` clears the others, an unknown field or assigning a sub-message raises
``AttributeError``. ``HasField``, ``WhichOneof``, ``ClearField``, ``CopyFrom`` and ``==`` work;
there is no wire format (``SerializeToString``).
"""

import numpy as np


def _float(value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{value!r} has type {type(value).__name__}, but expected one of: "
                        f"int, float")
    return float(np.float32(value))


def _integer(lowest):
    def coerce(value):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{value!r} has type {type(value).__name__}, but expected one of: "
                            f"int")
        if value < lowest:
            raise ValueError(f"Value out of range: {value}")
        return int(value)
    return coerce


_UINT = _integer(0)
_INT = _integer(-2 ** 63)


class _Enum:
    """A proto enum's wrapper (``LearnerConfig.GrowingMode``): ``Name``, ``Value``, ``keys``."""

    def __init__(self, **values):
        self._values = values

    def Name(self, number):
        for name, value in self._values.items():
            if value == number:
                return name
        raise ValueError(f"Enum has no name defined for value {number!r}")

    def Value(self, name):
        if name not in self._values:
            raise ValueError(f"Enum has no value defined for name {name!r}")
        return self._values[name]

    def keys(self):
        return list(self._values)

    def values(self):
        return list(self._values.values())

    def items(self):
        return list(self._values.items())


class _Message:
    """Base of the messages: ``_FIELDS`` maps a field to its coercer or message class,
    ``_ONEOFS`` a oneof to its fields."""

    _FIELDS = {}
    _ONEOFS = {}

    def __init__(self, **fields):
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_parent", None)
        for name, value in fields.items():
            if isinstance(self._FIELDS.get(name), type):
                getattr(self, name).CopyFrom(value)
            else:
                setattr(self, name, value)

    def __getattr__(self, name):
        kind = type(self)._FIELDS.get(name)
        if kind is None:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")
        if name in self._values:
            return self._values[name]
        if isinstance(kind, type):  # a sub-message: exists on access, present once changed
            child = kind()
            object.__setattr__(child, "_parent", (self, name))
            self._values[name] = child
            return child
        return 0.0 if kind is _float else 0

    def __setattr__(self, name, value):
        kind = type(self)._FIELDS.get(name)
        if kind is None:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")
        if isinstance(kind, type):
            raise AttributeError(f"Assignment not allowed to field \"{name}\" in protocol "
                                 f"message object.")
        self._values[name] = kind(value)
        self._mark(name)

    def _mark(self, name):
        """Records ``name`` as set: clears its oneof siblings, and marks the parents present."""
        present = self.__dict__.setdefault("_present", set())
        for fields in self._ONEOFS.values():
            if name in fields:
                for other in fields:
                    if other != name:
                        present.discard(other)
                        self._values.pop(other, None)
        present.add(name)
        if self._parent is not None:
            parent, field = self._parent
            parent._mark(field)

    def HasField(self, name):
        if name in self._ONEOFS:
            return self.WhichOneof(name) is not None
        if name not in self._FIELDS:
            raise ValueError(f"Protocol message {type(self).__name__} has no field {name}.")
        return name in self.__dict__.get("_present", ())

    def WhichOneof(self, oneof):
        if oneof not in self._ONEOFS:
            raise ValueError(f"Protocol message has no oneof \"{oneof}\" field.")
        for name in self._ONEOFS[oneof]:
            if name in self.__dict__.get("_present", ()):
                return name
        return None

    def ClearField(self, name):
        if name not in self._FIELDS:
            raise ValueError(f"Protocol message {type(self).__name__} has no \"{name}\" field.")
        self._values.pop(name, None)
        self.__dict__.get("_present", set()).discard(name)

    def CopyFrom(self, other):
        if type(other) is not type(self):
            raise TypeError(f"Parameter to CopyFrom() must be instance of same class: expected "
                            f"{type(self).__name__} got {type(other).__name__}.")
        for name in list(self._FIELDS):
            self.ClearField(name)
        for name in other.__dict__.get("_present", ()):
            value = other._values.get(name)
            if isinstance(self._FIELDS[name], type):
                getattr(self, name).CopyFrom(value)
                self._mark(name)
            else:
                setattr(self, name, value)

    def _set_fields(self):
        return [(n, self._values[n]) for n in self._FIELDS if n in self.__dict__.get("_present", ())]

    def __eq__(self, other):
        return type(other) is type(self) and self._set_fields() == other._set_fields()

    def __repr__(self):
        return str(self)

    def __str__(self):
        lines = []
        for name, value in self._set_fields():
            if isinstance(value, _Message):
                inner = str(value).rstrip("\n").splitlines()
                lines += [f"{name} {{"] + [f"  {line}" for line in inner] + ["}"]
            else:
                shown = np.float32(value) if isinstance(value, float) else value
                lines.append(f"{name}: {shown}")
        return "".join(line + "\n" for line in lines)


class TreeRegularizationConfig(_Message):
    """``l1``, ``l2`` and ``tree_complexity`` penalties of a tree."""
    _FIELDS = {"l1": _float, "l2": _float, "tree_complexity": _float}


class TreeConstraintsConfig(_Message):
    """``max_tree_depth`` (0: TF's default of 6), ``min_node_weight``,
    ``max_number_of_unique_feature_columns``."""
    _FIELDS = {"max_tree_depth": _UINT, "min_node_weight": _float,
               "max_number_of_unique_feature_columns": _INT}


class LearningRateFixedConfig(_Message):
    _FIELDS = {"learning_rate": _float}


class LearningRateLineSearchConfig(_Message):
    _FIELDS = {"max_learning_rate": _float, "num_steps": _INT}


class LearningRateDropoutDrivenConfig(_Message):
    _FIELDS = {"dropout_probability": _float, "probability_of_skipping_dropout": _float,
               "learning_rate": _float}


class LearningRateConfig(_Message):
    """One of ``fixed``, ``dropout`` or ``line_search`` (the ``tuner`` oneof)."""
    _FIELDS = {"fixed": LearningRateFixedConfig, "dropout": LearningRateDropoutDrivenConfig,
               "line_search": LearningRateLineSearchConfig}
    _ONEOFS = {"tuner": ("fixed", "dropout", "line_search")}


class AveragingConfig(_Message):
    _FIELDS = {"average_last_n_trees": _float, "average_last_percent_trees": _float}
    _ONEOFS = {"config": ("average_last_n_trees", "average_last_percent_trees")}


class LearnerConfig(_Message):
    """The boosted-trees learner's configuration, with its enums as class constants
    (``LearnerConfig.LAYER_BY_LAYER``, ``LearnerConfig.DIAGONAL_HESSIAN``, ...)."""

    PruningMode = _Enum(PRUNING_MODE_UNSPECIFIED=0, PRE_PRUNE=1, POST_PRUNE=2)
    GrowingMode = _Enum(GROWING_MODE_UNSPECIFIED=0, WHOLE_TREE=1, LAYER_BY_LAYER=2)
    MultiClassStrategy = _Enum(MULTI_CLASS_STRATEGY_UNSPECIFIED=0, TREE_PER_CLASS=1,
                               FULL_HESSIAN=2, DIAGONAL_HESSIAN=3)
    PRUNING_MODE_UNSPECIFIED, PRE_PRUNE, POST_PRUNE = 0, 1, 2
    GROWING_MODE_UNSPECIFIED, WHOLE_TREE, LAYER_BY_LAYER = 0, 1, 2
    MULTI_CLASS_STRATEGY_UNSPECIFIED, TREE_PER_CLASS, FULL_HESSIAN, DIAGONAL_HESSIAN = 0, 1, 2, 3

    _FIELDS = {"num_classes": _UINT, "feature_fraction_per_tree": _float,
               "feature_fraction_per_level": _float, "regularization": TreeRegularizationConfig,
               "constraints": TreeConstraintsConfig, "pruning_mode": _INT,
               "growing_mode": _INT, "learning_rate_tuner": LearningRateConfig,
               "multi_class_strategy": _INT, "averaging_config": AveragingConfig}
    _ONEOFS = {"feature_fraction": ("feature_fraction_per_tree", "feature_fraction_per_level")}
