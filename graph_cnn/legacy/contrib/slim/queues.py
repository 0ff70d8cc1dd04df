"""``slim.queues``: ``QueueRunners(session)``, a context in which the default graph's queue
runners run (daemon threads under one coordinator), stopped and joined on leaving it."""

import contextlib
import threading

import tensorflow as tf

v1 = tf.compat.v1

_running = threading.Lock()


class NestedQueueRunnerError(Exception):
    """A ``QueueRunners`` context was entered inside another (one may run at a time)."""


@contextlib.contextmanager
def QueueRunners(session):
    """Runs the queue runners of the default graph in ``session`` while the context lasts; on
    leaving, asks them to stop and joins them (closing ``session`` if one does not stop within
    120 s, as TF 1.15 did). An error a runner raised is raised here."""
    if not _running.acquire(blocking=False):
        raise NestedQueueRunnerError("QueueRunners cannot be nested")
    try:
        coord = v1.train.Coordinator()
        threads = [thread for runner in v1.get_collection(v1.GraphKeys.QUEUE_RUNNERS)
                   for thread in runner.create_threads(session, coord=coord, daemon=True,
                                                       start=True)]
        try:
            yield
        finally:
            coord.request_stop()
            try:
                coord.join(threads, stop_grace_period_secs=120)
            except RuntimeError:  # threads that did not stop: closing the session ends them
                session.close()
    finally:
        _running.release()
