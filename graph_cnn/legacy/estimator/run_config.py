"""``RunConfig``: where and how often an ``Estimator`` saves, as TF1's ``run_config.py``."""

import copy
import json
import os

import tensorflow as tf

v1 = tf.compat.v1
_USE_DEFAULT = object()


class RunConfig:
    """Where and how often an ``Estimator`` saves; local runs only (no ``TF_CONFIG`` cluster)."""

    _REPLACEABLE = ("model_dir", "tf_random_seed", "save_summary_steps",
                    "save_checkpoints_steps", "save_checkpoints_secs", "session_config",
                    "keep_checkpoint_max", "keep_checkpoint_every_n_hours",
                    "log_step_count_steps", "train_distribute", "device_fn", "protocol",
                    "eval_distribute", "experimental_distribute",
                    "experimental_max_worker_delay_secs", "session_creation_timeout_secs",
                    "checkpoint_save_graph_def")
    _UNSUPPORTED = ("train_distribute", "device_fn", "protocol", "eval_distribute",
                    "experimental_distribute", "experimental_max_worker_delay_secs")

    def __init__(self, model_dir=None, tf_random_seed=None, save_summary_steps=100,
                 save_checkpoints_steps=_USE_DEFAULT, save_checkpoints_secs=_USE_DEFAULT,
                 session_config=None, keep_checkpoint_max=5, keep_checkpoint_every_n_hours=10000,
                 log_step_count_steps=100, train_distribute=None, device_fn=None, protocol=None,
                 eval_distribute=None, experimental_distribute=None,
                 experimental_max_worker_delay_secs=None, session_creation_timeout_secs=7200,
                 checkpoint_save_graph_def=True):
        if save_checkpoints_steps is _USE_DEFAULT and save_checkpoints_secs is _USE_DEFAULT:
            save_checkpoints_steps, save_checkpoints_secs = None, 600
        elif save_checkpoints_secs is _USE_DEFAULT:
            save_checkpoints_secs = None
        elif save_checkpoints_steps is _USE_DEFAULT:
            save_checkpoints_steps = None
        elif save_checkpoints_steps is not None and save_checkpoints_secs is not None:
            raise ValueError("`save_checkpoints_steps` and `save_checkpoints_secs` cannot be "
                             "both set.")
        if json.loads(os.environ.get("TF_CONFIG") or "{}").get("cluster"):
            raise NotImplementedError("TF_CONFIG names a cluster: graph_cnn's RunConfig runs "
                                      "locally only")
        self._values = dict(
            model_dir=None if model_dir is None else os.fspath(model_dir),
            tf_random_seed=tf_random_seed, save_summary_steps=save_summary_steps,
            save_checkpoints_steps=save_checkpoints_steps,
            save_checkpoints_secs=save_checkpoints_secs, session_config=session_config,
            keep_checkpoint_max=keep_checkpoint_max,
            keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours,
            log_step_count_steps=log_step_count_steps, train_distribute=train_distribute,
            device_fn=device_fn, protocol=protocol, eval_distribute=eval_distribute,
            experimental_distribute=experimental_distribute,
            experimental_max_worker_delay_secs=experimental_max_worker_delay_secs,
            session_creation_timeout_secs=session_creation_timeout_secs,
            checkpoint_save_graph_def=checkpoint_save_graph_def)
        self._validate()

    def _validate(self):
        values = self._values
        for name in self._UNSUPPORTED:
            if values[name] is not None:
                raise NotImplementedError(f"RunConfig({name}=...) is not supported: graph_cnn's "
                                          f"Estimator trains locally in one process")
        checks = {
            "model_dir": (lambda d: d, "model_dir should be non-empty"),
            "save_summary_steps": (lambda n: n >= 0, "save_summary_steps should be >= 0"),
            "save_checkpoints_steps": (lambda n: n >= 0, "save_checkpoints_steps should be >= 0"),
            "save_checkpoints_secs": (lambda n: n >= 0, "save_checkpoints_secs should be >= 0"),
            "session_config": (lambda c: isinstance(c, v1.ConfigProto),
                               "session_config must be instance of ConfigProto"),
            "keep_checkpoint_max": (lambda n: n >= 0, "keep_checkpoint_max should be >= 0"),
            "keep_checkpoint_every_n_hours": (lambda n: n > 0,
                                              "keep_checkpoint_every_n_hours should be > 0"),
            "log_step_count_steps": (lambda n: n > 0, "log_step_count_steps should be > 0"),
            "tf_random_seed": (lambda s: isinstance(s, int), "tf_random_seed must be integer."),
            "session_creation_timeout_secs": (lambda s: s > 0,
                                              "session_creation_timeout_secs should be > 0"),
        }
        for name, (ok, message) in checks.items():
            if values[name] is not None and not ok(values[name]):
                raise ValueError(message)

    def replace(self, **kwargs):
        """A copy with the named properties changed."""
        for name in kwargs:
            if name not in self._REPLACEABLE:
                raise ValueError(f"{name} property is not allowed to be replaced")
        if kwargs.get("model_dir") is not None:
            kwargs["model_dir"] = os.fspath(kwargs["model_dir"])
        new = copy.deepcopy(self)
        new._values.update(kwargs)
        steps, secs = new._values["save_checkpoints_steps"], new._values["save_checkpoints_secs"]
        if "save_checkpoints_steps" in kwargs and "save_checkpoints_secs" in kwargs:
            if steps is not None and secs is not None:
                raise ValueError("`save_checkpoints_steps` and `save_checkpoints_secs` cannot "
                                 "be both set.")
        elif "save_checkpoints_steps" in kwargs and steps is not None:
            new._values["save_checkpoints_secs"] = None
        elif "save_checkpoints_secs" in kwargs and secs is not None:
            new._values["save_checkpoints_steps"] = None
        new._validate()
        return new

    cluster_spec = property(lambda self: v1.train.ClusterSpec({}))
    is_chief = property(lambda self: True)
    master = property(lambda self: "")
    evaluation_master = property(lambda self: "")
    num_ps_replicas = property(lambda self: 0)
    num_worker_replicas = property(lambda self: 1)
    task_type = property(lambda self: "worker")
    task_id = property(lambda self: 0)
    global_id_in_cluster = property(lambda self: 0)
    service = property(lambda self: None)

    def __repr__(self):
        return f"RunConfig({', '.join(f'{k}={v!r}' for k, v in self._values.items())})"


for _name in RunConfig._REPLACEABLE:
    setattr(RunConfig, _name, property(lambda self, name=_name: self._values[name]))
del _name
