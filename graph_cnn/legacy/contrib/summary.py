"""``tf.contrib.summary``, TF 1.x's summaries written by ops (what became TF2's ``tf.summary``),
on ``tf.compat.v2.summary``: in graph mode ``create_file_writer`` gives a writer whose
``as_default()`` and ``always_record_summaries()`` (or ``record_summaries_every_n_global_steps``)
make ``scalar`` ... ops collected in ``all_summary_ops()``, run after ``initialize(session=...)``.

As in contrib, ``step`` defaults to the global step (created if missing). Not emulated: events
hold TF2's tensor summaries with TensorBoard plugin metadata (TensorBoard shows them alike)
rather than contrib's ``simple_value`` records, and ``create_db_writer`` (SQLite) is absent.
"""

import tensorflow as tf

_v1, _v2 = tf.compat.v1, tf.compat.v2

SummaryWriter = _v2.summary.SummaryWriter
all_summary_ops = _v1.summary.all_v2_summary_ops
create_file_writer = _v2.summary.create_file_writer
create_noop_writer = _v2.summary.create_noop_writer
initialize = _v1.summary.initialize
flush = _v2.summary.flush
graph = _v2.summary.graph
should_record_summaries = _v2.summary.should_record_summaries
summary_scope = _v2.summary.experimental.summary_scope


def always_record_summaries():
    """A context in which summary ops record at every step."""
    return _v2.summary.record_if(True)


def never_record_summaries():
    """A context in which summary ops record nothing."""
    return _v2.summary.record_if(False)


def record_summaries_every_n_global_steps(n, global_step=None):
    """A context in which summary ops record when the global step is a multiple of ``n``."""
    if global_step is None:
        global_step = _v1.train.get_or_create_global_step()
    with tf.device("cpu:0"):
        should = tf.equal(tf.math.floormod(global_step, n), 0)
    return _v2.summary.record_if(should)


def _step(step):
    return _v1.train.get_or_create_global_step() if step is None else step


def _tag(name, family):
    return f"{family}/{name}" if family else name


def scalar(name, tensor, family=None, step=None):
    """A scalar summary op (``tag`` is ``family/name``), written when recording is on."""
    return _v2.summary.scalar(_tag(name, family), tf.convert_to_tensor(tensor), step=_step(step))


def histogram(name, tensor, family=None, step=None):
    """A histogram summary op of ``tensor``'s values."""
    return _v2.summary.histogram(_tag(name, family), tensor, step=_step(step))


def image(name, tensor, bad_color=None, max_images=3, family=None, step=None):
    """An image summary op of a ``[batch, height, width, channels]`` batch (at most
    ``max_images``); ``bad_color`` is not emulated."""
    del bad_color
    return _v2.summary.image(_tag(name, family), tensor, step=_step(step), max_outputs=max_images)


def audio(name, tensor, sample_rate, max_outputs, family=None, step=None):
    """An audio summary op of a ``[batch, frames, channels]`` batch."""
    return _v2.summary.audio(_tag(name, family), tensor, sample_rate, step=_step(step),
                             max_outputs=max_outputs)


def generic(name, tensor, metadata=None, family=None, step=None):
    """A summary op of any ``tensor``, with optional ``SummaryMetadata``."""
    return _v2.summary.write(_tag(name, family), tensor, step=_step(step), metadata=metadata)
