"""``tf.contrib.learn.python.learn.monitored_session``: TF1 moved it to ``tf.train``; these are
``tf.compat.v1.train``'s own classes."""

from tensorflow.compat.v1.train import (  # noqa: F401
    ChiefSessionCreator,
    MonitoredSession,
    Scaffold,
    SessionCreator,
    SingularMonitoredSession,
    WorkerSessionCreator,
)
