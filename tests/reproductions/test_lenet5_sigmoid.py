"""Seed 002's first script read literally (lenet5_sigmoid_even_steps): every batch drawn, only
the even steps trained on."""

import pytest

from graph_cnn import reproductions
from graph_cnn.harness import train as train_module
from graph_cnn.harness.train import train


def _quick(pid, monkeypatch):
    """A quick run of ``pid``, counting the optimizer steps it takes."""
    steps = []
    original = train_module.Session.train_batch

    def counted(self, x, y, **options):
        steps.append(len(x))
        return original(self, x, y, **options)

    monkeypatch.setattr(train_module.Session, "train_batch", counted)
    result = train(reproductions.get(pid), "quick", 1, threads=1, log=lambda _: None,
                   progress=False)
    return result, len(steps)


@pytest.mark.smoke
def test_even_steps_trains_on_half_the_batches_in_the_same_order(monkeypatch):
    literal, literal_updates = _quick("lenet5_sigmoid_even_steps", monkeypatch)
    every, every_updates = _quick("lenet5_sigmoid", monkeypatch)
    steps = reproductions.get("lenet5_sigmoid_even_steps").quick.steps
    assert (literal_updates, every_updates) == (steps // 2, steps)
    assert [r["step"] for r in literal["records"]] == list(range(0, steps, 2))
    assert literal["status"] == "ok" and 0 <= literal["final"]["test_acc"] <= 1
    # same initial weights and first batch; by step 2 one update instead of two
    assert literal["records"][0]["train_loss"] == every["records"][0]["train_loss"]
    assert literal["records"][1]["train_loss"] != every["records"][1]["train_loss"]
