"""``tf.contrib.graph_editor``'s graph walks, what TF1 code (gradient checkpointing among it)
used to find the ops between tensors: ``get_backward_walk_ops`` and ``get_forward_walk_ops``.
Rewiring a graph (``reroute_ts``, ``sgv``, ``copy``...) is not provided; those names fail in one
line naming them."""

import tensorflow as tf

from graph_cnn.errors import not_provided


def _ops(seeds):
    """The ops of ``seeds``: ops, tensors or lists of them."""
    seeds = seeds if isinstance(seeds, (list, tuple, set)) else [seeds]
    return [seed.op if isinstance(seed, tf.Tensor) else seed for seed in seeds]


def _walk(seed_ops, nexts, inclusive, within_ops, within_ops_fn, stop_at_ts):
    seeds = _ops(seed_ops)
    within = set(_ops(within_ops)) if within_ops is not None else None
    stops = set(stop_at_ts if isinstance(stop_at_ts, (list, tuple, set)) else [stop_at_ts])

    def allowed(op):
        return ((within is None or op in within)
                and (within_ops_fn is None or within_ops_fn(op)))

    found, queue, seen = [], [op for op in seeds if allowed(op)], set()
    while queue:
        op = queue.pop(0)
        if op in seen:
            continue
        seen.add(op)
        found.append(op)
        queue.extend(nxt for nxt in nexts(op, stops) if nxt not in seen and allowed(nxt))
    return found if inclusive else [op for op in found if op not in seeds]


def get_backward_walk_ops(seed_ops, inclusive=True, within_ops=None, within_ops_fn=None,
                          stop_at_ts=(), control_inputs=False):
    """The ops ``seed_ops`` depend on, walking inputs (and control inputs if asked) back, not
    past the tensors ``stop_at_ts``; breadth first from the seeds, as TF1 listed them."""
    def inputs(op, stops):
        ops = [t.op for t in op.inputs if t not in stops]
        return ops + (list(op.control_inputs) if control_inputs else [])

    return _walk(seed_ops, inputs, inclusive, within_ops, within_ops_fn, stop_at_ts)


def get_forward_walk_ops(seed_ops, inclusive=True, within_ops=None, within_ops_fn=None,
                         stop_at_ts=(), control_outputs=None):
    """The ops that depend on ``seed_ops``, walking their outputs' consumers forward (and the
    ops that hold them as control inputs, where ``control_outputs`` is given)."""
    def consumers(op, stops):
        ops = [c for t in op.outputs if t not in stops for c in t.consumers()]
        return ops + (list(op._control_outputs) if control_outputs else [])

    return _walk(seed_ops, consumers, inclusive, within_ops, within_ops_fn, stop_at_ts)


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(not_provided(f"tf.contrib.graph_editor.{name}"))
