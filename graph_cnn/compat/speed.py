"""graph_cnn's speed arithmetic under the TF1 layers, kept apart from the API they emulate.

- Towers: a batch built as several slices sharing the variables. The towers' builders run in
  Python threads, one at a time and always in the same order, handing over at every
  :func:`cross_tower_sum`, as tf.distribute's MirroredStrategy runs its replicas' functions in
  threads that meet at ``merge_call``; the fixed order keeps op names and random seeds
  repeatable. Outside :func:`build_towers` every function here answers as for a single tower, so
  the layers work unchanged without towers.
- Batch norm's moments and normalisation over rows x (positions x channels), with the
  per-channel vectors tiled (:func:`batch_moments`, :func:`normalize`).
- The 2x2/2 average pool's gradient as a broadcast (:func:`avg_pool_2x2`).
Each gives TF1's numbers (the tests compare them with TensorFlow's own ops or float64).
"""

import threading

import tensorflow as tf

v1 = tf.compat.v1

_local = threading.local()  # .tower: (the _LockStep, this builder's index) while building


class _Aborted(Exception):
    """Raised in a tower's thread when another tower's builder failed."""


class _LockStep:
    """Turn-taking between the towers' builder threads; see the module docstring."""

    def __init__(self, towers, batch_fraction):
        self.towers, self.batch_fraction = towers, batch_fraction
        self.condition = threading.Condition()
        self.turn, self.parts, self.total, self.error = 0, [], None, None

    def _wait_for_turn(self, index):
        self.condition.wait_for(lambda: self.turn == index or self.error is not None)
        if self.error is not None:
            raise _Aborted()

    def _pass_turn(self, index):
        self.turn = (index + 1) % self.towers
        self.condition.notify_all()

    def exchange(self, index, tensor):
        """Each tower's ``tensor`` in, the sum over towers out (built by the last tower)."""
        with self.condition:
            if v1.get_default_graph()._get_control_flow_context() is not None:  # noqa: SLF001
                raise ValueError("cross_tower_sum inside tf.cond or a loop: the towers would "
                                 "build into each other's branch; call it outside")
            self.parts.append(tensor)
            if index == self.towers - 1:
                if len(self.parts) != self.towers:
                    raise ValueError("the towers' builders made different numbers of "
                                     "cross-tower sums")
                self.total, self.parts = tf.add_n(self.parts, name="cross_tower_sum"), []
            self._pass_turn(index)
            self._wait_for_turn(index)
            return self.total

    def run(self, index, build):
        try:
            with self.condition:
                self._wait_for_turn(index)
            _local.tower = (self, index)
            result = build()
            with self.condition:
                if self.parts:
                    raise ValueError("the towers' builders made different numbers of "
                                     "cross-tower sums")
                self._pass_turn(index)
            return result
        except BaseException as exc:
            with self.condition:
                if self.error is None and not isinstance(exc, _Aborted):
                    self.error = exc
                self.condition.notify_all()
            raise
        finally:
            _local.tower = None


def cross_tower_sum(tensor):
    """The sum of ``tensor`` over the towers being built (``tensor`` itself outside towers)."""
    state = getattr(_local, "tower", None)
    return tensor if state is None else state[0].exchange(state[1], tensor)


def index():
    """This builder's tower (0 outside towers); layers put their updates in tower 0 only."""
    state = getattr(_local, "tower", None)
    return 0 if state is None else state[1]


def batch_fraction():
    """The fraction of the towers' rows that are real examples (below 1 when a batch smaller than
    the towers was repeated to fill them), for batch norm's unbiased count; None outside towers."""
    state = getattr(_local, "tower", None)
    return None if state is None else state[0].batch_fraction


def build_towers(towers, build_tower, batch_fraction):
    """``[build_tower(i) for i in range(towers)]``, each call in its own thread taking turns at
    :func:`cross_tower_sum`; the first builder error is raised here. ``batch_fraction`` is the
    fraction of the towers' rows that are real examples (a tensor), for batch norm's count."""
    graph = v1.get_default_graph()
    graph.switch_to_thread_local()  # control-dependency and device stacks per builder thread
    lockstep = _LockStep(towers, batch_fraction)
    outputs, errors = [None] * towers, []

    def builder(i):
        try:
            with graph.as_default():
                outputs[i] = lockstep.run(i, lambda: build_tower(i))
        except _Aborted:
            pass
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=builder, args=(i,), name=f"tower{i}")
               for i in range(towers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return outputs


# Batch norm's arithmetic, tiled for few channels and summed over the towers.

def _per_channel_sum(flat, channels):
    """Per-channel sums of ``flat`` (rows x positions*channels): the rows first, then the
    positions. Each reduction runs along a long contiguous axis, so it is fast for few channels
    and accurate (one float32 sum over batch x height x width drifts by about 1e-3 relative)."""
    return tf.reduce_sum(tf.reshape(tf.reduce_sum(flat, 0), [-1, channels]), 0)


def batch_moments(flat, channels, positions):
    """Batch mean, biased variance and element count per channel, two-pass as ``tf.nn.moments``
    (the variance from the differences to the mean); sums over the towers being built."""
    with v1.name_scope("moments"):
        count = tf.cast(tf.shape(flat)[0] * positions, flat.dtype)
        sums = cross_tower_sum(tf.concat([_per_channel_sum(flat, channels), [count]], 0))
        count = sums[-1]
        mean = sums[:-1] / count
        centred = flat - tf.tile(tf.stop_gradient(mean), [positions])
        variance = cross_tower_sum(_per_channel_sum(tf.square(centred), channels)) / count
        return mean, variance, count


def normalize(flat, mean, variance, beta, gamma, epsilon, positions):
    """``tf.nn.batch_normalization``'s arithmetic (``x * inv + (beta - mean * inv)``), with the
    per-channel vectors tiled over the positions: broadcasting a vector of 6 or 12 channels
    along the last axis is several times slower in TensorFlow's CPU kernels."""
    inv = tf.math.rsqrt(variance + epsilon)
    if gamma is not None:
        inv *= gamma
    shift = beta - mean * inv if beta is not None else -mean * inv
    return flat * tf.tile(inv, [positions]) + tf.tile(shift, [positions])


# The 2x2 average pool's gradient as a broadcast.

@tf.custom_gradient
def avg_pool_2x2(x):
    """2x2/2 VALID average pooling whose gradient spreads ``dy / 4`` with a broadcast: the same
    numbers as ``AvgPoolGrad``, which oneDNN computes about twice as slowly for a few channels
    (LeNet's 512x24x24x6: 12% of a training step on one thread here)."""
    def grad(dy):
        _, height, width, channels = dy.shape.as_list()
        quarter = tf.reshape(dy * 0.25, [-1, height, 1, width, 1, channels])
        spread = tf.broadcast_to(quarter, [tf.shape(dy)[0], height, 2, width, 2, channels])
        return tf.reshape(spread, tf.shape(x))

    return tf.nn.avg_pool2d(x, 2, 2, "VALID"), grad
