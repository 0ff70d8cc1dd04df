"""``slim.evaluation.evaluate_once``: restore a checkpoint, run the metric updates ``num_evals``
times, return ``final_op``'s value and write the summaries to ``logdir`` at the checkpoint's
global step.
"""

import tensorflow as tf

v1 = tf.compat.v1

_USE_DEFAULT = 0


def evaluate_once(master, checkpoint_path, logdir, num_evals=1, initial_op=None,
                  initial_op_feed_dict=None, eval_op=None, eval_op_feed_dict=None,
                  final_op=None, final_op_feed_dict=None, summary_op=_USE_DEFAULT,
                  summary_op_feed_dict=None, variables_to_restore=None, session_config=None,
                  hooks=None):
    """One evaluation of ``checkpoint_path`` (see the module docstring); local variables (the
    metrics' totals) start at zero and the queue runners run."""
    if summary_op == _USE_DEFAULT:
        summary_op = v1.summary.merge_all()
    global_step = v1.train.get_or_create_global_step() if summary_op is not None else None
    saver = v1.train.Saver(variables_to_restore) if variables_to_restore is not None else None
    scaffold = v1.train.Scaffold(init_op=initial_op, init_feed_dict=initial_op_feed_dict,
                                 saver=saver)
    creator = v1.train.ChiefSessionCreator(scaffold=scaffold,
                                           checkpoint_filename_with_path=checkpoint_path,
                                           master=master, config=session_config)
    final = None
    with v1.train.MonitoredSession(session_creator=creator, hooks=hooks) as session:
        try:
            for _ in range(num_evals):
                if eval_op is not None:
                    session.run(eval_op, eval_op_feed_dict)
        except tf.errors.OutOfRangeError:  # the input ran out of epochs before num_evals
            v1.logging.info("Input exhausted before %d evaluations", num_evals)
        if final_op is not None:
            final = session.run(final_op, final_op_feed_dict)
        if summary_op is not None:
            summary, step = session.run([summary_op, global_step], summary_op_feed_dict)
            writer = v1.summary.FileWriterCache.get(logdir)
            writer.add_summary(summary, step)
            writer.flush()
    return final
