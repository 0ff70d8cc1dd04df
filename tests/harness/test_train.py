"""The training loop: determinism, divergence, the training flag."""

from dataclasses import replace

import numpy as np
import pytest

from graph_cnn import reproductions
from graph_cnn.harness.optimizers import adam, sgd
from graph_cnn.harness.spec import Budget
from graph_cnn.harness.train import train

MAIN_IDS = list(reproductions.pipelines(include_ablations=False))


def test_same_seed_repeats_and_other_seed_differs():
    pipeline = reproductions.get("chollet_dense")
    runs = [train(pipeline, "quick", seed, threads=1, log=lambda _: None, progress=False)
            for seed in (5, 5, 6)]
    assert runs[0]["records"] == [dict(r, seconds=runs[0]["records"][i]["seconds"],
                                       images_per_sec=runs[0]["records"][i]["images_per_sec"])
                                  for i, r in enumerate(runs[1]["records"])]
    assert runs[0]["final"] == runs[1]["final"]
    assert runs[0]["final"] != runs[2]["final"]


@pytest.mark.smoke
def test_nan_loss_stops_the_run_with_a_clear_message():
    pipeline = replace(reproductions.get("lenet5_sigmoid"), optimizer=lambda: sgd(1e3),
                       quick=Budget(steps=50, test_limit=500))
    lines = []
    result = train(pipeline, "quick", 1, log=lines.append, progress=False)
    assert result["status"] == "diverged"
    assert "the loss became nan at step" in result["error"]
    assert len(result["records"]) < 25  # stopped, not run to the end
    assert any("the run is stopped" in line for line in lines)


def test_batch_norm_model_trains_with_flag_and_evaluates_without(tmp_path):
    import tensorflow as tf

    pipeline = replace(reproductions.get("lenet_avgpool_bn"), optimizer=adam,
                       quick=Budget(epochs=2, train_limit=10240, test_limit=1000))
    result = train(pipeline, "quick", 1, log=lambda _: None, progress=False,
                   checkpoint=tmp_path / "model.ckpt")
    # evaluation with the flag off uses the moving statistics the update ops trained
    assert result["status"] == "ok" and result["final"]["test_acc"] > 0.8
    moving_mean = tf.train.load_variable(str(tmp_path / "model.ckpt"), "bn1/moving_mean")
    assert np.abs(moving_mean).max() > 0.01
