"""Graph-construction regression tests: every pipeline's structure against its golden file."""

import json
from pathlib import Path

import pytest
from conftest import run_cli

from graph_cnn import reproductions
from graph_cnn.compat import layers
from graph_cnn.verify import golden

IDS = list(reproductions.pipelines())
GOLDEN = Path(__file__).parent / "golden"
BATCH_NORM_IDS = {"barter_selu_bn_aug", "barter_selu_bn_aug_noflip", "lenet_avgpool_bn"}


@pytest.fixture(scope="module")
def descriptions():
    return {pid: golden.describe(reproductions.get(pid)) for pid in IDS}


@pytest.mark.parametrize("pid", IDS)
def test_graph_matches_golden_file(descriptions, pid):
    path = golden.golden_path(pid, GOLDEN)
    assert path.exists(), f"no golden file for {pid}: python -m graph_cnn.verify.golden --write {pid}"
    expected = json.loads(path.read_text())
    actual = json.loads(golden.render(descriptions[pid]))
    for key in expected:
        assert actual[key] == expected[key], f"{pid}: {key} changed"
    assert actual.keys() == expected.keys()


@pytest.mark.parametrize("pid", IDS)
def test_named_tensors_and_update_ops(descriptions, pid):
    d = descriptions[pid]
    assert d["ops"]["InTopKV2"] == 1 and d["ops"]["Placeholder"] == 2
    has_bn = pid in BATCH_NORM_IDS
    assert (d["collections"]["UPDATE_OPS"] > 0) == has_bn
    assert ("PlaceholderWithDefault" in d["ops"]) == reproductions.get(pid).training_flag
    trainable = d["collections"]["TRAINABLE_VARIABLES"]
    # one update kernel per variable (KerasRMSprop's Keras 2 rule runs as ApplyAdam)
    applies = sum(d["ops"].get(t, 0) for t in ("ApplyAdam", "ApplyGradientDescent",
                                                "ApplyRMSProp"))
    assert applies == trainable
    assert sum(p for _, _, p in d["layers"]) == d["total_params"]


@pytest.mark.smoke
def test_chollet_convnet_matches_the_book():
    d = golden.describe(reproductions.get("chollet_convnet"))
    shapes = [shape[1:] for name, shape, _ in d["layers"]]
    assert shapes == [[26, 26, 32], [13, 13, 32], [11, 11, 64], [5, 5, 64], [3, 3, 64], [576],
                      [64], [10]]
    assert [p for _, _, p in d["layers"] if p] == [320, 18496, 36928, 36928, 650]
    assert d["total_params"] == 93322


@pytest.mark.smoke
def test_barter_shapes_follow_the_article():
    d = golden.describe(reproductions.get("barter_selu"))
    shapes = {name: shape[1:] for name, shape, _ in d["layers"]}
    assert shapes["pool1"] == [13, 13, 12] and shapes["pool2"] == [6, 6, 16]
    assert shapes["flatten"] == [576] and shapes["fc1"] == [288] and shapes["fc2"] == [144]


def _resized(original, extra):
    def build(*args, **kwargs):
        for key in ("filters", "units"):
            if key in kwargs:
                kwargs[key] += extra
                return original(*args, **kwargs)
        args = list(args)
        args[1] += extra
        return original(*args, **kwargs)
    return build


@pytest.mark.parametrize("layer", ["conv2d", "dense"])
def test_a_layer_changing_size_is_caught(monkeypatch, layer):
    monkeypatch.setattr(layers, layer, _resized(getattr(layers, layer), 1))
    caught = []
    for pid in IDS:
        try:
            d = json.loads(golden.render(golden.describe(reproductions.get(pid))))
        except ValueError:  # a shape no longer fits (e.g. the logits layer): caught too
            caught.append(pid)
            continue
        if d != json.loads(golden.golden_path(pid, GOLDEN).read_text()):
            caught.append(pid)
    uses = [pid for pid in IDS if any(op in json.loads(golden.golden_path(pid, GOLDEN).read_text())["ops"]
                                      for op in (["Conv2D"] if layer == "conv2d" else ["MatMul"]))]
    assert caught == uses and uses


def test_summary_command_prints_keras_like_table():
    result = run_cli("summary", "chollet_convnet")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "(None, 26, 26, 32)" in result.stdout and "Total params: 93,322" in result.stdout
