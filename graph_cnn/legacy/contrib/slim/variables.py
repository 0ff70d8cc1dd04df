"""slim's variable helpers: ``variable`` and ``model_variable`` (which also joins
``MODEL_VARIABLES``), both under ``arg_scope``, and the collection filters ``get_variables``,
``get_model_variables``, ``get_variables_to_restore`` ... as ``tf.contrib.framework`` had them.
"""

import functools

import tensorflow as tf

from graph_cnn.legacy.contrib import layers as contrib_layers

v1 = tf.compat.v1

get_or_create_global_step = v1.train.get_or_create_global_step
get_global_step = v1.train.get_global_step


@contrib_layers.add_arg_scope
def variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=True,
             collections=None, caching_device=None, device=None, partitioner=None,
             custom_getter=None, use_resource=None):
    """``get_variable`` in ``collections`` (default ``GLOBAL_VARIABLES``), placed on ``device``."""
    collections = list(dict.fromkeys(
        collections if collections is not None else [v1.GraphKeys.GLOBAL_VARIABLES]))
    getter = v1.get_variable
    if custom_getter is not None:
        getter = functools.partial(custom_getter, reuse=v1.get_variable_scope().reuse)
    with v1.device(device or ""):
        return getter(name, shape=shape, dtype=dtype, initializer=initializer,
                      regularizer=regularizer, trainable=trainable, collections=collections,
                      caching_device=caching_device, partitioner=partitioner,
                      use_resource=use_resource)


@contrib_layers.add_arg_scope
def model_variable(name, shape=None, dtype=tf.float32, initializer=None, regularizer=None,
                   trainable=True, collections=None, caching_device=None, device=None,
                   partitioner=None, custom_getter=None, use_resource=None):
    """``variable`` that always joins ``GLOBAL_VARIABLES`` and ``MODEL_VARIABLES`` as well."""
    collections = list(collections or []) + [v1.GraphKeys.GLOBAL_VARIABLES,
                                             v1.GraphKeys.MODEL_VARIABLES]
    return variable(name, shape=shape, dtype=dtype, initializer=initializer,
                    regularizer=regularizer, trainable=trainable, collections=collections,
                    caching_device=caching_device, device=device, partitioner=partitioner,
                    custom_getter=custom_getter, use_resource=use_resource)


def add_model_variable(var):
    """Adds ``var`` to ``MODEL_VARIABLES`` unless it is there."""
    if var not in v1.get_collection(v1.GraphKeys.MODEL_VARIABLES):
        v1.add_to_collection(v1.GraphKeys.MODEL_VARIABLES, var)


def get_variables(scope=None, suffix=None, collection=v1.GraphKeys.GLOBAL_VARIABLES):
    """The variables of ``collection`` whose names start with ``scope`` (a regex, or a
    ``VariableScope``) and end with ``suffix``."""
    if isinstance(scope, v1.VariableScope):
        scope = scope.name
    if suffix is not None:
        scope = (scope or "") + ".*" + (suffix if ":" in suffix else suffix + ":")
    return v1.get_collection(collection, scope)


def get_model_variables(scope=None, suffix=None):
    """``get_variables`` over ``MODEL_VARIABLES``."""
    return get_variables(scope, suffix, v1.GraphKeys.MODEL_VARIABLES)


def get_trainable_variables(scope=None, suffix=None):
    """``get_variables`` over ``TRAINABLE_VARIABLES``."""
    return get_variables(scope, suffix, v1.GraphKeys.TRAINABLE_VARIABLES)


def get_local_variables(scope=None, suffix=None):
    """``get_variables`` over ``LOCAL_VARIABLES``."""
    return get_variables(scope, suffix, v1.GraphKeys.LOCAL_VARIABLES)


def get_variables_by_name(given_name, scope=None):
    """The global variables called ``given_name`` in any scope."""
    return get_variables(scope=scope, suffix=f"/{given_name}:|^{given_name}:")


def get_variables_to_restore(include=None, exclude=None):
    """The global variables under the ``include`` scopes (default all) and not under any of the
    ``exclude`` scopes."""
    for name, value in (("include", include), ("exclude", exclude)):
        if value is not None and not isinstance(value, (list, tuple)):
            raise TypeError(f"{name} is provided but is not a list or a tuple.")
    if include is None:
        candidates = get_variables()
    else:
        candidates = [var for scope in include for var in get_variables(scope)]
    excluded = {var for scope in exclude or () for var in get_variables(scope)}
    return [var for var in candidates if var not in excluded]


def assign_from_checkpoint_fn(model_path, var_list, ignore_missing_vars=False,
                              reshape_variables=False):
    """A function of a session restoring ``var_list`` (a list, or a dict by checkpoint name)
    from ``model_path``; with ``ignore_missing_vars``, those the checkpoint lacks are skipped
    (None when it holds none of them)."""
    if not var_list:
        raise ValueError("var_list cannot be empty")
    if ignore_missing_vars:
        reader = tf.train.load_checkpoint(model_path)
        by_name = var_list if isinstance(var_list, dict) else {v.op.name: v for v in var_list}
        var_list = {name: var for name, var in by_name.items() if reader.has_tensor(name)}
        for name in set(by_name) - set(var_list):
            v1.logging.warning("Variable %s missing in checkpoint %s", name, model_path)
        if not var_list:
            v1.logging.warning("No Variables to restore")
            return None
    saver = v1.train.Saver(var_list, reshape=reshape_variables)
    return lambda session: saver.restore(session, model_path)
