"""``slim.prefetch_queue``: a queue that assembled batches wait in, filled by queue runner
threads, so that a training step dequeues a ready batch instead of waiting for one."""

import tensorflow as tf

v1 = tf.compat.v1


def prefetch_queue(tensors, capacity=8, num_threads=1, dynamic_pad=False, shared_name=None,
                   name=None):
    """A FIFO queue (padding when ``dynamic_pad``) of up to ``capacity`` copies of ``tensors``
    (a list, or a dict: then ``dequeue()`` gives a dict too), filled by ``num_threads`` threads
    of a queue runner; ``dequeue()`` gives tensors of the same dtypes and shapes."""
    if isinstance(tensors, dict):
        names = sorted(tensors)
        tensor_list = [tensors[n] for n in names]
    else:
        names = None
        tensor_list = list(tensors)
    with v1.name_scope(name, "prefetch_queue", tensor_list):
        queue_class = v1.PaddingFIFOQueue if dynamic_pad else v1.FIFOQueue
        queue = queue_class(capacity=capacity, dtypes=[t.dtype for t in tensor_list],
                            shapes=[t.shape for t in tensor_list], names=names,
                            shared_name=shared_name)
        enqueue = queue.enqueue(tensors)
        v1.train.add_queue_runner(v1.train.QueueRunner(queue, [enqueue] * num_threads))
        v1.summary.scalar(f"fraction_of_{capacity}_full",
                          tf.cast(queue.size(), tf.float32) * (1.0 / capacity))
        return queue
