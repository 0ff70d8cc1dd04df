"""``tf.contrib.opt`` as TF1 code used it: ``LazyAdamOptimizer`` (a sparse gradient moves only the
gathered rows' moments and values) and ``AdamWOptimizer`` (Adam with decoupled weight decay:
each step first shrinks the variables in ``decay_var_list`` by ``weight_decay * var``, not scaled
by the learning rate, as TF 1.15 did), on ``tf.compat.v1.train.AdamOptimizer``; and
``MovingAverageOptimizer`` (another optimizer's steps, each followed by an exponential moving
average of the variables, which ``swapping_saver`` saves under the variables' own names) and
``LARSOptimizer`` (momentum with a layer-wise trust ratio, dense gradients only as in TF 1.15).

Not emulated: the other optimizers of tf.contrib.opt ( ``ShampooOptimizer``, ``extend_with_decoupled_weight_decay`` for other
bases ...); each raises one line naming it.
"""

import tensorflow as tf

from graph_cnn.errors import not_provided

v1 = tf.compat.v1


def _sparse_adam(optimizer, grad, var, indices):
    """TF 1.15's lazy Adam step on the rows ``indices`` only (``grad`` already summed per row)."""
    beta1_power, beta2_power = optimizer._get_beta_accumulators()
    dtype = var.dtype.base_dtype
    beta1_power, beta2_power = tf.cast(beta1_power, dtype), tf.cast(beta2_power, dtype)
    lr = tf.cast(optimizer._lr_t, dtype) * tf.sqrt(1 - beta2_power) / (1 - beta1_power)
    beta1, beta2 = tf.cast(optimizer._beta1_t, dtype), tf.cast(optimizer._beta2_t, dtype)
    epsilon = tf.cast(optimizer._epsilon_t, dtype)
    m, v = optimizer.get_slot(var, "m"), optimizer.get_slot(var, "v")
    m_rows = beta1 * tf.gather(m, indices) + (1 - beta1) * grad
    v_rows = beta2 * tf.gather(v, indices) + (1 - beta2) * tf.square(grad)
    locking = optimizer._use_locking
    m_t = v1.scatter_update(m, indices, m_rows, use_locking=locking)
    v_t = v1.scatter_update(v, indices, v_rows, use_locking=locking)
    with tf.control_dependencies([m_t, v_t]):
        var_t = v1.scatter_sub(var, indices, lr * m_rows / (tf.sqrt(v_rows) + epsilon),
                               use_locking=locking)
    return tf.group(var_t, m_t, v_t)


class LazyAdamOptimizer(v1.train.AdamOptimizer):
    """Adam whose sparse updates (an embedding's ``IndexedSlices``) touch only the gathered rows:
    the other rows keep their moments and values, unlike ``AdamOptimizer``. Dense gradients are
    Adam's own. Repeated indices are summed first, as TF1's optimizers did."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="LazyAdam"):
        super().__init__(learning_rate, beta1, beta2, epsilon, use_locking, name)

    def _apply_sparse(self, grad, var):
        return _sparse_adam(self, grad.values, var, grad.indices)

    def _resource_apply_sparse(self, grad, handle, indices):
        return _sparse_adam(self, grad, handle, indices)


class AdamWOptimizer(v1.train.AdamOptimizer):
    """Adam with decoupled weight decay (Loshchilov and Hutter): before each Adam step a variable
    in ``decay_var_list`` (``minimize``/``apply_gradients``' argument; None: every variable
    updated) becomes ``var - weight_decay * var``; for a sparse gradient only its rows decay.
    ``weight_decay`` may be a tensor or a callable, as TF1 allowed."""

    def __init__(self, weight_decay, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="AdamW"):
        super().__init__(learning_rate, beta1, beta2, epsilon, use_locking, name)
        self._weight_decay = weight_decay
        self._decay_var_list = None

    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=1,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None, decay_var_list=None):
        self._decay_var_list = _refs(decay_var_list)
        return super().minimize(loss, global_step=global_step, var_list=var_list,
                                gate_gradients=gate_gradients,
                                aggregation_method=aggregation_method,
                                colocate_gradients_with_ops=colocate_gradients_with_ops,
                                name=name, grad_loss=grad_loss)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None, decay_var_list=None):
        if decay_var_list is not None:
            self._decay_var_list = _refs(decay_var_list)
        return super().apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def _prepare(self):
        weight_decay = self._weight_decay() if callable(self._weight_decay) else self._weight_decay
        self._weight_decay_t = tf.convert_to_tensor(weight_decay, name="weight_decay")
        super()._prepare()

    def _decays(self, var):
        return self._decay_var_list is None or var.ref() in self._decay_var_list

    def _decay(self, var):
        return tf.cast(self._weight_decay_t, var.dtype.base_dtype)

    def _apply_dense(self, grad, var):
        return self._after_dense_decay(var, lambda: super(AdamWOptimizer, self)._apply_dense(grad, var))

    def _resource_apply_dense(self, grad, var):
        return self._after_dense_decay(
            var, lambda: super(AdamWOptimizer, self)._resource_apply_dense(grad, var))

    def _after_dense_decay(self, var, step):
        if not self._decays(var):
            return step()
        with tf.control_dependencies([var.assign_sub(self._decay(var) * var,
                                                     use_locking=self._use_locking)]):
            return step()

    def _apply_sparse(self, grad, var):
        return self._after_sparse_decay(
            var, grad.indices, lambda: super(AdamWOptimizer, self)._apply_sparse(grad, var))

    def _resource_apply_sparse(self, grad, var, indices):
        return self._after_sparse_decay(
            var, indices, lambda: super(AdamWOptimizer, self)._resource_apply_sparse(grad, var, indices))

    def _after_sparse_decay(self, var, indices, step):
        if not self._decays(var):
            return step()
        decay = v1.scatter_add(var, indices, -self._decay(var) * tf.gather(var, indices),
                               use_locking=self._use_locking)
        with tf.control_dependencies([decay]):
            return step()


class MovingAverageOptimizer(v1.train.Optimizer):
    """``opt``'s update, then ``tf.train.ExponentialMovingAverage(average_decay, num_updates)``
    of the updated variables (after the update when ``sequential_update``, as TF 1.15 did).
    ``swapping_saver()`` writes each average under its variable's name (and the variable under
    the average's), so a model restored from it, for evaluation, holds the averages."""

    def __init__(self, opt, average_decay=0.9999, num_updates=None, sequential_update=True):
        super().__init__(opt._use_locking, "MovingAverage")
        self._optimizer = opt
        self._ema = v1.train.ExponentialMovingAverage(average_decay, num_updates=num_updates)
        self._sequential_update = sequential_update
        self._swapped_names = None

    def compute_gradients(self, *args, **kwargs):
        return self._optimizer.compute_gradients(*args, **kwargs)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        grads_and_vars = list(grads_and_vars)
        train_op = self._optimizer.apply_gradients(grads_and_vars, global_step=global_step,
                                                   name=name)
        var_list = [var for grad, var in grads_and_vars if grad is not None]
        with tf.control_dependencies([train_op] if self._sequential_update else []):
            average_op = self._ema.apply(var_list)
        self._swapped_names = {}
        for var in var_list:
            average = self._ema.average(var).op.name
            self._swapped_names[var.op.name] = average
            self._swapped_names[average] = var.op.name
        return tf.group(train_op, average_op, name="train_with_avg")

    def swapping_saver(self, var_list=None, name="swapping_saver", **kwargs):
        """A ``tf.train.Saver`` of ``var_list`` (default: every global variable) in which each
        averaged variable and its average trade checkpoint names."""
        if self._swapped_names is None:
            raise RuntimeError("Must call apply_gradients or minimize before creating the "
                               "swapping_saver()")
        if var_list is None:
            var_list = v1.global_variables()
        if not isinstance(var_list, dict):
            var_list = {var.op.name: var for var in var_list}
        swapped = {}
        for key, var in var_list.items():
            partner = self._swapped_names.get(key)
            swapped[key] = var_list.get(partner, var) if partner else var
        return v1.train.Saver(swapped, name=name, **kwargs)


class LARSOptimizer(v1.train.Optimizer):
    """Layer-wise adaptive rate scaling (You et al.): each variable's step is momentum on
    ``grad + weight_decay * var`` times ``learning_rate * eeta * |w| / (|g| + weight_decay * |w|
    + epsilon)`` (the trust ratio is 1 where either norm is 0); a variable whose name contains an
    entry of ``skip_list`` gets neither the ratio nor the decay."""

    def __init__(self, learning_rate, momentum=0.9, weight_decay=0.0001, eeta=0.001, epsilon=0.0,
                 name="LARSOptimizer", skip_list=None, use_nesterov=False):
        if momentum < 0.0:
            raise ValueError(f"momentum should be positive: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"weight_decay should be positive: {weight_decay}")
        super().__init__(use_locking=False, name=name)
        self._learning_rate, self._momentum = learning_rate, momentum
        self._weight_decay, self._eeta, self._epsilon = weight_decay, eeta, epsilon
        self._skip_list, self._use_nesterov = skip_list, use_nesterov

    def _create_slots(self, var_list):
        for var in var_list:
            self._zeros_slot(var, "momentum", self._name)

    def compute_lr(self, grad, var):
        """The scaled learning rate and the decayed gradient for ``var``."""
        scaled_lr = self._learning_rate
        if self._skip_list is None or not any(skip in var.name for skip in self._skip_list):
            w_norm, g_norm = tf.norm(var, ord=2), tf.norm(grad, ord=2)
            ratio = self._eeta * w_norm / (g_norm + self._weight_decay * w_norm + self._epsilon)
            ratio = tf.where(w_norm > 0, tf.where(g_norm > 0, ratio, 1.0), 1.0)
            scaled_lr = self._learning_rate * ratio
            grad = grad + self._weight_decay * var
        return scaled_lr, grad

    def _step(self, grad, var, apply):
        scaled_lr, grad = self.compute_lr(grad, var)
        dtype = var.dtype.base_dtype
        return apply(lr=tf.cast(1.0, dtype), grad=grad * scaled_lr,
                     momentum=tf.cast(self._momentum, dtype), use_locking=False,
                     use_nesterov=self._use_nesterov)

    def _apply_dense(self, grad, var):
        momentum = self.get_slot(var, "momentum")
        return self._step(grad, var, lambda **kw: tf.raw_ops.ApplyMomentum(
            var=var, accum=momentum, **kw))

    def _resource_apply_dense(self, grad, var):
        momentum = self.get_slot(var, "momentum")
        return self._step(grad, var, lambda **kw: tf.raw_ops.ResourceApplyMomentum(
            var=var.handle, accum=momentum.handle, **kw))


def _refs(variables):
    return None if variables is None else {v.ref() for v in variables}


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(not_provided(f"tf.contrib.opt.{name}"))
