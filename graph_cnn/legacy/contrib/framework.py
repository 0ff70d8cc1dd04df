"""``tf.contrib.framework``: the argument scopes slim is built on, the global-step helpers, the
variable filters and checkpoint readers TF1 code imported from it, with TF1's semantics.

The global-step helpers are ``tf.train``'s, which they became in TF 1.x (``create_global_step``
raises if the graph already has one, ``get_global_step`` returns None when it has none); the
variable helpers are slim's (:mod:`graph_cnn.legacy.contrib.slim.variables`), which TF1 took
from here. ``list_variables`` and ``load_variable`` read a checkpoint file or the newest one in
a folder.
"""

import re
import types

import tensorflow as tf
from tensorflow.python.util import nest as _tf_nest
from tensorflow.python.util.deprecation import (  # noqa: F401  (TF1 code marked its own with them)
    deprecated,
    deprecated_arg_values,
    deprecated_args,
)

from graph_cnn.errors import not_provided
from graph_cnn.legacy.contrib import _paths
from graph_cnn.legacy.contrib.layers import (  # noqa: F401  # noqa: F401
    add_arg_scope,
    arg_scope,
    arg_scoped_arguments,
    current_arg_scope,
    has_arg_scope,
)
from graph_cnn.legacy.contrib.slim import variables  # noqa: F401  (framework.python.ops.variables)
from graph_cnn.legacy.contrib.slim.variables import (  # noqa: F401
    add_model_variable,
    assign_from_checkpoint_fn,
    get_local_variables,
    get_model_variables,
    get_trainable_variables,
    get_variables,
    get_variables_by_name,
    get_variables_to_restore,
    model_variable,
    variable,
)

v1 = tf.compat.v1


class _Nest(types.ModuleType):
    """``tf.contrib.framework.nest``: TF 1.15's ``nest`` module (``flatten``, ``pack_sequence_as``,
    ``map_structure``, ``assert_same_structure`` ...), with ``is_sequence``, its TF1 name for
    ``is_nested``."""

    is_sequence = staticmethod(_tf_nest.is_nested)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return getattr(_tf_nest, name)
        except AttributeError:
            raise AttributeError(not_provided(f"tf.contrib.framework.nest.{name}")) from None


nest = _Nest("tensorflow.contrib.framework.nest")

get_or_create_global_step = v1.train.get_or_create_global_step
get_global_step = v1.train.get_global_step
create_global_step = v1.train.create_global_step
assert_global_step = v1.train.assert_global_step
list_variables = v1.train.list_variables
load_variable = v1.train.load_variable
load_checkpoint = v1.train.load_checkpoint
init_from_checkpoint = v1.train.init_from_checkpoint
is_tensor = tf.is_tensor


def assert_or_get_global_step(graph=None, global_step_tensor=None):
    """``global_step_tensor`` checked to be a global step, else the graph's (None if none)."""
    if global_step_tensor is None:
        return get_global_step(graph)
    assert_global_step(global_step_tensor)
    return global_step_tensor


def get_variables_by_suffix(suffix, scope=None):
    """The global variables whose names end with ``suffix``."""
    return get_variables(scope=scope, suffix=suffix)


def get_unique_variable(var_op_name):
    """The one global variable whose op is named ``var_op_name``; ValueError if none or
    several."""
    candidates = get_variables(scope=var_op_name)
    if not candidates:
        raise ValueError(f"Couldn't find variable {var_op_name}")
    for candidate in candidates:
        if candidate.op.name == var_op_name:
            return candidate
    raise ValueError(f"Variable {var_op_name} does not uniquely identify a variable")


def local_variable(initial_value, validate_shape=True, name=None, use_resource=None):
    """A non-trainable variable in ``LOCAL_VARIABLES`` (metric counters, epochs)."""
    return v1.Variable(initial_value, trainable=False,
                       collections=[v1.GraphKeys.LOCAL_VARIABLES],
                       validate_shape=validate_shape, name=name, use_resource=use_resource)


def global_variable(initial_value, validate_shape=True, name=None, use_resource=None):
    """A non-trainable variable in ``GLOBAL_VARIABLES``."""
    return v1.Variable(initial_value, trainable=False,
                       collections=[v1.GraphKeys.GLOBAL_VARIABLES],
                       validate_shape=validate_shape, name=name, use_resource=use_resource)


def filter_variables(var_list, include_patterns=None, exclude_patterns=None,
                     reg_search=True):
    """The variables of ``var_list`` whose names match an include pattern (all when None) and
    no exclude pattern; ``reg_search`` uses ``re.search``, otherwise ``re.match``."""
    find = re.search if reg_search else re.match

    def matches(name, patterns):
        return any(find(pattern, name) for pattern in patterns)

    return [var for var in var_list
            if (include_patterns is None or matches(var.name, include_patterns))
            and not (exclude_patterns and matches(var.name, exclude_patterns))]


def assign_from_checkpoint(model_path, var_list, ignore_missing_vars=False):
    """(assign_op, feed_dict) that load ``var_list`` (a list, or a dict by checkpoint name)
    from the checkpoint ``model_path``."""
    reader = v1.train.NewCheckpointReader(model_path)
    by_name = var_list if isinstance(var_list, dict) else {v.op.name: v for v in var_list}
    assigns, feed = [], {}
    for name, var in sorted(by_name.items()):
        if not reader.has_tensor(name):
            if ignore_missing_vars:
                v1.logging.warning("Variable %s missing in checkpoint %s", name, model_path)
                continue
            raise ValueError(f"Checkpoint is missing variable [{name}]")
        value = reader.get_tensor(name)
        placeholder = v1.placeholder(var.dtype.base_dtype, value.shape,
                                     name="placeholder/" + var.op.name)
        assigns.append(var.assign(placeholder))
        feed[placeholder] = value.reshape(var.get_shape().as_list() or value.shape)
    return tf.group(*assigns), feed


def assign_from_values(var_names_to_values):
    """(assign_op, feed_dict) that set each global variable named in ``var_names_to_values``."""
    assigns, feed = [], {}
    for name in sorted(var_names_to_values):
        found = v1.get_collection(v1.GraphKeys.GLOBAL_VARIABLES, name + "$")
        found = [v for v in found if v.op.name == name]
        if not found:
            raise ValueError(f"Variable {name} wasn't found")
        var = found[0]
        placeholder = v1.placeholder(var.dtype.base_dtype, var.get_shape(),
                                     name="placeholder/" + var.op.name)
        assigns.append(var.assign(placeholder))
        feed[placeholder] = var_names_to_values[name]
    return tf.group(*assigns), feed


def assign_from_values_fn(var_names_to_values):
    """A function of a session that runs :func:`assign_from_values`'s assignment."""
    assign_op, feed = assign_from_values(var_names_to_values)
    return lambda session: session.run(assign_op, feed)


# TF1's tf.contrib.framework.python... paths (graph_cnn.legacy.contrib._paths)
python = _paths.tree(__name__, {
    "ops": {"arg_scope": _paths.SHADOWED, **_paths.files("variables", "ops", "audio_ops", "checkpoint_ops",
                        "critical_section_ops", "embedding_ops", "prettyprint_ops", "script_ops",
                        "sort_ops")},
    "framework": _paths.files("checkpoint_utils", "tensor_util", "experimental", "graph_util")})
