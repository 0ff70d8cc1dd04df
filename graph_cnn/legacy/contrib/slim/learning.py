"""``slim.learning``: ``create_train_op`` and ``train``, slim's training loop on a
``tf.train.Supervisor``.

``train`` restores the latest checkpoint in ``logdir`` when there is one (else runs the
initializers and ``init_fn``), starts the queue runners, steps until the global step reaches
``number_of_steps``, saves checkpoints every ``save_interval_secs`` and at the end, writes
summaries every ``save_summaries_secs``, and returns the last step's loss.
"""

import contextlib
import time

import tensorflow as tf

v1 = tf.compat.v1

_USE_DEFAULT = 0
_USE_GLOBAL_STEP = 0


def add_gradients_summaries(grads_and_vars):
    """A histogram ``<var>_gradient`` and a scalar ``<var>_gradient_norm`` per gradient."""
    summaries = []
    for grad, var in grads_and_vars:
        if grad is None:
            v1.logging.info("Var %s has no gradient", var.op.name)
            continue
        values = grad.values if isinstance(grad, tf.IndexedSlices) else grad
        summaries.append(v1.summary.histogram(var.op.name + "_gradient", values))
        summaries.append(v1.summary.scalar(var.op.name + "_gradient_norm",
                                           tf.linalg.global_norm([values])))
    return summaries


def clip_gradient_norms(gradients_to_variables, max_norm):
    """Each gradient clipped to norm ``max_norm`` on its own (not by the global norm)."""
    clipped = []
    for grad, var in gradients_to_variables:
        if isinstance(grad, tf.IndexedSlices):
            grad = tf.IndexedSlices(tf.clip_by_norm(grad.values, max_norm), grad.indices,
                                    grad.dense_shape)
        elif grad is not None:
            grad = tf.clip_by_norm(grad, max_norm)
        clipped.append((grad, var))
    return clipped


def multiply_gradients(grads_and_vars, gradient_multipliers):
    """Gradients scaled by ``gradient_multipliers`` (keyed by variable or its op name)."""
    if not isinstance(grads_and_vars, list):
        raise ValueError("`grads_and_vars` must be a list.")
    if not gradient_multipliers:
        raise ValueError("`gradient_multipliers` is empty.")
    if not isinstance(gradient_multipliers, dict):
        raise ValueError("`gradient_multipliers` must be a dict.")
    multiplied = []
    for grad, var in grads_and_vars:
        key = (var if var in gradient_multipliers else
               var.op.name if var.op.name in gradient_multipliers else None)
        if key is not None:
            if grad is None:
                raise ValueError("Requested multiple of `None` gradient.")
            if isinstance(grad, tf.IndexedSlices):
                factor = tf.convert_to_tensor(gradient_multipliers[key], dtype=grad.dtype)
                grad = tf.IndexedSlices(grad.values * factor, grad.indices, grad.dense_shape)
            else:
                grad *= tf.convert_to_tensor(gradient_multipliers[key], dtype=grad.dtype)
        multiplied.append((grad, var))
    return multiplied


def create_train_op(total_loss, optimizer, global_step=_USE_GLOBAL_STEP, update_ops=None,
                    variables_to_train=None, clip_gradient_norm=0, summarize_gradients=False,
                    gate_gradients=v1.train.Optimizer.GATE_OP, aggregation_method=None,
                    colocate_gradients_with_ops=False, gradient_multipliers=None,
                    check_numerics=True):
    """A tensor that takes one optimizer step (after ``update_ops``, default ``UPDATE_OPS``) and
    returns ``total_loss``; the global step defaults to ``get_or_create_global_step()``."""
    if global_step is _USE_GLOBAL_STEP:
        global_step = v1.train.get_or_create_global_step()
    all_update_ops = set(v1.get_collection(v1.GraphKeys.UPDATE_OPS))
    update_ops = all_update_ops if update_ops is None else set(update_ops)
    if not all_update_ops.issubset(update_ops):
        v1.logging.warning("update_ops in create_train_op does not contain all the update_ops "
                           "in GraphKeys.UPDATE_OPS")
    if update_ops:
        with tf.control_dependencies(update_ops):
            barrier = tf.no_op(name="update_barrier")
        with tf.control_dependencies([barrier]):
            total_loss = tf.identity(total_loss)
    if variables_to_train is None:
        variables_to_train = v1.trainable_variables()
    if not variables_to_train:
        raise ValueError("create_train_op found no variables to train")
    grads = optimizer.compute_gradients(
        total_loss, variables_to_train, gate_gradients=gate_gradients,
        aggregation_method=aggregation_method,
        colocate_gradients_with_ops=colocate_gradients_with_ops)
    if gradient_multipliers:
        with tf.name_scope("multiply_grads"):
            grads = multiply_gradients(grads, gradient_multipliers)
    if clip_gradient_norm > 0:
        with tf.name_scope("clip_grads"):
            grads = clip_gradient_norms(grads, clip_gradient_norm)
    if summarize_gradients:
        with tf.name_scope("summarize_grads"):
            add_gradients_summaries(grads)
    grad_updates = optimizer.apply_gradients(grads, global_step=global_step)
    with tf.name_scope("train_op"):
        if check_numerics:
            total_loss = tf.debugging.check_numerics(total_loss, "LossTensor is inf or nan")
        with tf.control_dependencies([grad_updates]):
            train_op = tf.identity(total_loss)
    train_ops = v1.get_collection_ref(v1.GraphKeys.TRAIN_OP)
    if train_op not in train_ops:
        train_ops.append(train_op)
    return train_op


def train_step(sess, train_op, global_step, train_step_kwargs):
    """Runs ``train_op`` once; returns (loss, whether to stop), logging the loss when
    ``train_step_kwargs['should_log']`` is true."""
    start = time.time()
    total_loss, step = sess.run([train_op, global_step])
    elapsed = time.time() - start
    if "should_log" in train_step_kwargs and sess.run(train_step_kwargs["should_log"]):
        v1.logging.info("global step %d: loss = %.4f (%.3f sec/step)", step, total_loss, elapsed)
    should_stop = ("should_stop" in train_step_kwargs
                   and sess.run(train_step_kwargs["should_stop"]))
    return total_loss, should_stop


@contextlib.contextmanager
def _quiet_tensorflow():
    """Keeps TensorFlow's deprecation notice for the Supervisor that slim itself uses away
    from the user, who called ``slim.learning.train``."""
    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")
    try:
        yield
    finally:
        logger.setLevel(level)


def _wait_for_step(sess, global_step, step):
    while v1.train.global_step(sess, global_step) < step:
        time.sleep(1.0)


def train(train_op, logdir, train_step_fn=train_step, train_step_kwargs=_USE_DEFAULT,
          log_every_n_steps=1, graph=None, master="", is_chief=True, global_step=None,
          number_of_steps=None, init_op=_USE_DEFAULT, init_feed_dict=None,
          local_init_op=_USE_DEFAULT, init_fn=None, ready_op=_USE_DEFAULT,
          summary_op=_USE_DEFAULT, save_summaries_secs=600, summary_writer=_USE_DEFAULT,
          startup_delay_steps=0, saver=None, save_interval_secs=600, sync_optimizer=None,
          session_config=None, session_wrapper=None, trace_every_n_steps=None,
          ignore_live_threads=False):
    """slim's training loop (see the module docstring); returns the final loss."""
    if train_op is None:
        raise ValueError("train_op cannot be None.")
    if sync_optimizer is not None or trace_every_n_steps is not None:
        raise NotImplementedError("graph_cnn slim.learning.train supports neither "
                                  "sync_optimizer nor trace_every_n_steps")
    if logdir is None:
        if summary_op != _USE_DEFAULT:
            raise ValueError("Cannot provide summary_op because logdir=None")
        if saver is not None:
            raise ValueError("Cannot provide saver because logdir=None")
    if number_of_steps is not None and number_of_steps <= 0:
        raise ValueError("`number_of_steps` must be either None or a positive number.")
    graph = graph or v1.get_default_graph()
    with graph.as_default():
        if global_step is None:
            global_step = v1.train.get_or_create_global_step()
        saver = saver or v1.train.Saver()
        with tf.name_scope("init_ops"):
            if init_op == _USE_DEFAULT:
                init_op = v1.global_variables_initializer()
            if ready_op == _USE_DEFAULT:
                ready_op = v1.report_uninitialized_variables()
            if local_init_op == _USE_DEFAULT:
                local_init_op = tf.group(v1.local_variables_initializer(),
                                         v1.tables_initializer())
        if summary_op == _USE_DEFAULT:
            summary_op = v1.summary.merge_all()
        if summary_writer == _USE_DEFAULT:
            summary_writer = v1.train.Supervisor.USE_DEFAULT
        if train_step_kwargs == _USE_DEFAULT:
            with tf.name_scope("train_step"):
                train_step_kwargs = {"should_stop": (
                    tf.greater_equal(global_step, number_of_steps) if number_of_steps
                    else tf.constant(False))}
                if log_every_n_steps > 0:
                    train_step_kwargs["should_log"] = tf.equal(
                        tf.math.floormod(global_step, log_every_n_steps), 0)
    with _quiet_tensorflow():
        sv = v1.train.Supervisor(
            graph=graph, is_chief=is_chief, logdir=logdir, init_op=init_op,
            init_feed_dict=init_feed_dict, local_init_op=local_init_op, ready_op=ready_op,
            summary_op=summary_op, summary_writer=summary_writer, global_step=global_step,
            saver=saver, save_summaries_secs=save_summaries_secs,
            save_model_secs=save_interval_secs, init_fn=init_fn)
    if summary_writer is not None:
        train_step_kwargs["summary_writer"] = sv.summary_writer
    total_loss = None
    while True:
        try:
            with sv.managed_session(master, start_standard_services=False,
                                    config=session_config) as sess:
                if session_wrapper is not None:
                    sess = session_wrapper(sess)
                if is_chief and logdir:
                    sv.start_standard_services(sess)
                elif not is_chief and startup_delay_steps > 0:
                    _wait_for_step(sess, global_step,
                                   min(startup_delay_steps, number_of_steps or float("inf")))
                threads = sv.start_queue_runners(sess)
                try:
                    while not sv.should_stop():
                        total_loss, should_stop = train_step_fn(sess, train_op, global_step,
                                                                train_step_kwargs)
                        if should_stop:
                            sv.request_stop()
                            break
                except tf.errors.OutOfRangeError as exc:  # an input's epoch limit was reached
                    v1.logging.info("Caught OutOfRangeError. Stopping Training. %s", exc)
                if logdir and sv.is_chief:
                    sv.saver.save(sess, sv.save_path, global_step=sv.global_step)
                # managed_session closes the summary writer after this stop
                sv.stop(threads, close_summary_writer=False,
                        ignore_live_threads=ignore_live_threads)
            return total_loss
        except tf.errors.AbortedError:  # a distributed server restarted
            v1.logging.info("Retrying training!")
