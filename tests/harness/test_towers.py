"""Towers: slices of a batch with shared variables, and batch norm's whole-batch statistics."""

from dataclasses import replace

import numpy as np
import pytest

from graph_cnn import reproductions
from graph_cnn.harness.spec import Budget
from graph_cnn.harness.train import train

MAIN_IDS = list(reproductions.pipelines(include_ablations=False))


@pytest.mark.smoke
def test_towers_split_the_batch_with_shared_variables_and_the_same_math(tmp_path):
    """Two towers hold the same variables as one (checkpoints load either way) and train to the
    same weights up to float rounding; a two-tower run repeats exactly with the same seed."""
    from graph_cnn.harness.graph import build_graph
    from graph_cnn.harness.train import Session, default_towers

    pipeline = replace(reproductions.get("barter_selu"), quick=Budget(epochs=1, train_limit=1000,
                                                                 test_limit=500))
    names = {}
    for towers in (1, 2):
        graph, _ = build_graph(pipeline, 1, towers=towers)
        names[towers] = [v.op.name for v in graph.get_collection("variables")]
    assert names[1] == names[2]
    weights, losses = [], []
    for towers in (1, 2, 2):
        session = Session(pipeline, pipeline.quick, 1, threads=2, towers=towers)
        losses.append([session.train_batch(x, y)[0]
                       for x, y in session.feed.epoch(np.random.RandomState(1))])
        weights.append(session.sess.run(session.t["model_variables"]))
        session.close()
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-5)
    for one, two, again in zip(*weights):
        np.testing.assert_allclose(one, two, atol=1e-5)
        assert (two == again).all()
    assert losses[1] == losses[2]
    # a batch smaller than the towers (a last partial batch of 1, one image to predict)
    session = Session(pipeline, pipeline.quick, 1, threads=2, towers=2)
    x, y = session.feed.test_x[:1], session.feed.test_y[:1]
    before = session.sess.run(session.t["model_variables"])
    loss, _ = session.train_batch(x, y)
    assert np.isfinite(loss) and session.predict(x).shape == (1,)
    one = Session(pipeline, pipeline.quick, 1, threads=1, towers=1)
    one.sess.run([v.assign(w) for v, w in zip(one.t["model_variables"], before)])
    assert one.train_batch(x, y)[0] == pytest.approx(loss, rel=1e-6)
    for a, b in zip(session.sess.run(session.t["model_variables"]),
                    one.sess.run(one.t["model_variables"])):
        np.testing.assert_allclose(a, b, atol=1e-6)
    session.close()
    one.close()
    assert default_towers(1) == 1 and default_towers(2) == 2 and default_towers(16) == 2
    result = train(pipeline, "quick", 1, threads=2, log=lambda _: None, progress=False)
    assert (result["threads"], result["towers"]) == (2, 2)


def test_batch_norm_towers_take_the_whole_batchs_statistics():
    """With towers, batch norm sums its statistics over them: the same losses, weights and
    moving averages as one tower, one set of updates, and a batch of one counted once."""
    from graph_cnn.harness.graph import build_graph
    from graph_cnn.harness.train import Session

    pipeline = replace(reproductions.get("lenet_avgpool_bn"), batch_size=64,
                       quick=Budget(epochs=1, train_limit=320, test_limit=500))
    built = {t: build_graph(pipeline, 1, towers=t)[0] for t in (1, 2)}
    assert ([v.op.name for v in built[1].get_collection("variables")]
            == [v.op.name for v in built[2].get_collection("variables")])
    assert len(built[2].get_collection("update_ops")) == len(
        built[1].get_collection("update_ops")) == 4
    sessions = [Session(pipeline, pipeline.quick, 1, threads=2, towers=t) for t in (1, 2)]
    start = sessions[0].sess.run(sessions[0].t["model_variables"])
    sessions[1].sess.run([v.assign(w) for v, w in zip(sessions[1].t["model_variables"], start)])
    batches = list(sessions[0].feed.epoch(np.random.RandomState(1)))
    batches.append((batches[0][0][:1], batches[0][1][:1]))  # a batch smaller than the towers
    losses = [[s.train_batch(x, y)[0] for x, y in batches] for s in sessions]
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-5)
    one, two = (s.sess.run(s.t["model_variables"]) for s in sessions)
    names = [v.op.name for v in sessions[0].t["model_variables"]]
    assert any("moving_variance" in n for n in names)
    for name, a, b in zip(names, one, two):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6, err_msg=name)
    assert sessions[0].test_accuracy() == sessions[1].test_accuracy()
    for s in sessions:
        s.close()


def test_towers_report_a_builder_error_and_unmatched_sums():
    import tensorflow as tf

    from graph_cnn.compat import speed as replica
    from graph_cnn.harness import towers

    def failing(X, training=None):
        raise RuntimeError("builder failed")

    def unmatched(X, training=None):
        if replica.index() == 0:
            replica.cross_tower_sum(tf.reduce_sum(X))
        return tf.reduce_sum(X, axis=[1, 2, 3], keepdims=False)[:, None], {}

    for model, message in ((failing, "builder failed"), (unmatched, "different numbers")):
        with tf.compat.v1.Graph().as_default():
            X = tf.compat.v1.placeholder(tf.float32, (None, 28, 28, 1))
            with pytest.raises((RuntimeError, ValueError), match=message):
                towers.build(model, X, None, 2)
