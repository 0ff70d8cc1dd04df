"""``slim.parallel_reader``: several readers fill one common queue from a queue of file names,
all through queue runners (``tf.compat.v1.train.start_queue_runners`` or ``slim.queues``
starts them); ``parallel_read`` builds the whole chain, ``single_pass_read`` reads each file once
with one reader, ``get_data_files`` expands file patterns.
"""

import tensorflow as tf

v1 = tf.compat.v1


class ParallelReader(v1.ReaderBase):
    """``num_readers`` readers made by ``reader_class(**reader_kwargs)`` that enqueue their
    ``(key, value)`` records into ``common_queue`` (two string components); ``read`` dequeues
    from it. Reader state (``serialize_state``, ``reset`` ...) is not served, as in TF 1.15."""

    def __init__(self, reader_class, common_queue, num_readers=4, reader_kwargs=None):
        if len(common_queue.dtypes) != 2 or not all(
                d.is_compatible_with(tf.string) for d in common_queue.dtypes):
            raise TypeError("common_queue.dtypes must be [tf.string, tf.string]")
        self._readers = [reader_class(**(reader_kwargs or {})) for _ in range(num_readers)]
        self._common_queue = common_queue

    @property
    def num_readers(self):
        return len(self._readers)

    @property
    def common_queue(self):
        return self._common_queue

    def _start_readers(self, queue):
        """Each reader reads from ``queue`` into the common queue, on a queue runner."""
        enqueue_ops = [self._common_queue.enqueue(reader.read(queue)) for reader in self._readers]
        v1.train.add_queue_runner(v1.train.QueueRunner(self._common_queue, enqueue_ops))

    def read(self, queue, name=None):
        """The next ``(key, value)`` record any reader read from the file names in ``queue``."""
        self._start_readers(queue)
        return self._common_queue.dequeue(name=name)

    def read_up_to(self, queue, num_records, name=None):
        """Up to ``num_records`` records (fewer at the end of the input)."""
        self._start_readers(queue)
        return self._common_queue.dequeue_up_to(num_records, name)

    def num_records_produced(self, name=None):
        return tf.add_n([r.num_records_produced() for r in self._readers], name=name)

    def num_work_units_completed(self, name=None):
        return tf.add_n([r.num_work_units_completed() for r in self._readers], name=name)


def parallel_read(data_sources, reader_class, num_epochs=None, num_readers=4, reader_kwargs=None,
                  shuffle=True, dtypes=None, capacity=256, min_after_dequeue=128, seed=None,
                  scope=None):
    """``(key, value)`` of the next record of ``data_sources`` (files or patterns), read by
    ``num_readers`` readers into a common queue of ``capacity``: a ``RandomShuffleQueue`` keeping
    ``min_after_dequeue`` when ``shuffle`` (the file order is shuffled too), else a FIFO queue in
    file order. ``num_epochs`` (None: forever) ends the input with ``OutOfRangeError`` and needs
    ``local_variables_initializer``."""
    data_files = get_data_files(data_sources)
    with v1.name_scope(scope, "parallel_read"):
        filename_queue = v1.train.string_input_producer(
            data_files, num_epochs=num_epochs, shuffle=shuffle, seed=seed, name="filenames")
        dtypes = dtypes or [tf.string, tf.string]
        if shuffle:
            common_queue = v1.RandomShuffleQueue(capacity=capacity,
                                                 min_after_dequeue=min_after_dequeue,
                                                 dtypes=dtypes, seed=seed, name="common_queue")
        else:
            common_queue = v1.FIFOQueue(capacity=capacity, dtypes=dtypes, name="common_queue")
        v1.summary.scalar(f"fraction_of_{capacity}_full",
                          tf.cast(common_queue.size(), tf.float32) * (1.0 / capacity))
        return ParallelReader(reader_class, common_queue, num_readers=num_readers,
                              reader_kwargs=reader_kwargs).read(filename_queue)


def single_pass_read(data_sources, reader_class, reader_kwargs=None, scope=None):
    """``(key, value)`` of the next record, each file of ``data_sources`` read once, in order,
    by one reader."""
    data_files = get_data_files(data_sources)
    with v1.name_scope(scope, "single_pass_read"):
        filename_queue = v1.train.string_input_producer(
            data_files, num_epochs=1, shuffle=False, capacity=1, name="filenames")
        return reader_class(**(reader_kwargs or {})).read(filename_queue)


def get_data_files(data_sources):
    """The files of ``data_sources``: a path, a glob pattern (``*``, ``?``, ``[``), or a list or
    tuple of them; ``ValueError`` when none is found."""
    if isinstance(data_sources, (list, tuple)):
        data_files = [f for source in data_sources for f in get_data_files(source)]
    elif any(c in data_sources for c in "*?["):
        data_files = v1.gfile.Glob(data_sources)
    else:
        data_files = [data_sources]
    if not data_files:
        raise ValueError(f"No data files found in {data_sources}")
    return data_files
