"""What a run's pictures draw, counted on their matplotlib Figures: curves (a diverged run says
where and why, step axes readable, accuracy capped at 1), the confusion matrix (errors visible)
and the feature-map grids (input beside numbered channel tiles)."""

from types import SimpleNamespace

import numpy as np
import pytest

from graph_cnn.harness import artifacts
from graph_cnn.harness.spec import Figure as Reported


def _pipeline(figures=(), first_epoch=1):
    return SimpleNamespace(id="toy", figures=figures, first_epoch=first_epoch)


def _result(records, status="ok", error=None):
    return {"budget": "full", "seed": 3, "status": status, "error": error, "records": records}


def _texts(fig):
    """Every text drawn but the figure's title."""
    return [t.get_text() for t in fig.texts if t.get_text() != fig.get_suptitle()] + [
        t.get_text() for ax in fig.axes for t in ax.texts]


def _tick_labels(ax):
    """The x tick labels shown (within the axis' range)."""
    ax.figure.draw_without_rendering()
    low, high = ax.get_xlim()
    return [t.get_text() for t in ax.get_xticklabels() if low <= t.get_position()[0] <= high]


def _red_vertical_lines(ax):
    return [line for line in ax.get_lines() if line.get_color() == "tab:red"
            and len(set(line.get_xdata())) == 1 and len(line.get_xdata()) == 2]


@pytest.mark.smoke
def test_a_diverged_run_says_where_and_why():
    error = "toy: the loss became nan at step 1; the run is stopped (lower the learning rate)"
    records = [{"step": 0, "train_loss": 1423.8, "train_acc": 0.105},
               {"step": 1, "train_loss": None, "train_acc": 0.225, "diverged": True}]
    fig = artifacts.curves_figure(_result(records, "diverged", error), _pipeline())
    ax_loss, ax_acc = fig.axes
    for ax in (ax_loss, ax_acc):
        (line,) = _red_vertical_lines(ax)
        assert line.get_xdata()[0] == 1
        low, high = ax.get_xlim()
        assert low < 0 and high > 1  # the last finite point and the divergence both in view
        assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "diverged at step 1"
    said = " ".join(_texts(fig))
    assert "diverged at step 1: the loss became nan at step 1" in said
    assert "lower the learning rate" in said


@pytest.mark.smoke
def test_a_run_diverged_at_once_is_no_empty_plot():
    records = [{"step": 0, "train_loss": None, "train_acc": 0.1, "diverged": True}]
    fig = artifacts.curves_figure(_result(records, "diverged", "the loss became inf at step 0"),
                                  _pipeline())
    for ax in fig.axes:
        assert [t.get_text() for t in ax.texts] == ["nothing finite recorded\nbefore step 0"]
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["diverged at step 0"]
        assert len(_red_vertical_lines(ax)) == 1


def test_an_ok_run_has_no_divergence_marks_and_no_empty_legend():
    records = [{"epoch": e, "train_loss": 1 / e, "train_acc": 0.9, "test_acc": 0.95}
               for e in (1, 2, 3)]
    fig = artifacts.curves_figure(_result(records), _pipeline())
    ax_loss, ax_acc = fig.axes
    assert not _red_vertical_lines(ax_loss) and not _texts(fig)
    assert [len(line.get_xdata()) for line in ax_acc.get_lines()] == [3, 3]
    assert [t.get_text() for t in ax_acc.get_legend().get_texts()] == [
        "training accuracy (ours)", "test accuracy (ours)"]


@pytest.mark.smoke
def test_long_step_axes_read_in_thousands_and_noisy_lines_get_a_mean():
    rng = np.random.RandomState(0)
    steps = range(0, 20001, 2)
    records = [{"step": s, "train_loss": 1600.0 if s == 0 else 10 + rng.rand() * 30,
                "train_acc": min(1.0, 0.9 + rng.rand() * 0.2)} for s in steps]
    pipeline = _pipeline([Reported("final accuracy", "train_acc", 0.99)])
    fig = artifacts.curves_figure(_result(records), pipeline)
    ax_loss, ax_acc = fig.axes
    labels = _tick_labels(ax_loss)
    assert 3 <= len(labels) <= 7 and labels[-1] == "20k"
    assert all(label == "0" or label.endswith("k") for label in labels)
    assert ax_loss.get_yscale() == "log"  # 1600 at first, 10-40 after: decades apart
    raw, mean = ax_loss.get_lines()
    assert len(raw.get_xdata()) == len(records) and len(mean.get_xdata()) < len(records)
    assert raw.get_alpha() < 1 and mean.get_alpha() is None
    assert ax_acc.get_ylim()[1] <= 1.005  # accuracy axes stop at 1
    assert [t.get_text() for t in ax_acc.get_legend().get_texts()][-1] == (
        "article's reported figures")


@pytest.mark.smoke
def test_confusion_shows_the_errors_of_a_good_model():
    labels = np.repeat(np.arange(10), 100)
    predictions = labels.copy()
    predictions[[400, 401, 402]] = 9  # three 4s read as 9
    predictions[[700]] = 1
    matrix = np.zeros((10, 10), int)
    np.add.at(matrix, (labels, predictions), 1)
    fig = artifacts.confusion_figure(matrix, "toy")
    ax, bar = fig.axes
    diagonal, errors = ax.get_images()
    assert errors.get_array().count() == 2  # only the two error cells coloured, log scale
    assert errors.norm.__class__.__name__ == "LogNorm" and errors.norm.vmax == 3
    assert diagonal.get_array().count() == 10
    cell_texts = [t.get_text() for t in ax.texts]
    assert len(cell_texts) == 12 and "3" in cell_texts and "1" in cell_texts
    assert "97\n97.0%" in cell_texts and "99\n99.0%" in cell_texts
    assert "accuracy 0.9960, 4 errors; most often 4 read as 9 (3)" in ax.get_title()
    assert "log scale" in bar.get_ylabel()


@pytest.mark.smoke
@pytest.mark.parametrize("shape", [(26, 26, 32), (3, 3, 64), (5, 5, 6)])
def test_feature_figure_is_a_titled_grid_with_the_input(shape):
    rng = np.random.RandomState(1)
    maps = rng.rand(*shape).astype(np.float32)
    maps[:, :, 2] = 0.5  # a dead channel
    image = (rng.rand(28, 28) * 255).astype(np.uint8)
    fig = artifacts.features_figure("conv2d_2", 5, image, maps)
    h, w, c = shape
    assert len(fig.axes) == 1 + c
    assert [len(ax.get_images()) for ax in fig.axes] == [1] * (1 + c)
    assert fig.axes[0].get_title() == "input: test digit 5"
    assert fig.axes[0].get_images()[0].get_array().shape == (28, 28)
    titles = [ax.get_title() for ax in fig.axes[1:]]
    assert titles[2] == "2 flat" and titles[:2] == ["0", "1"] and titles[-1] == str(c - 1)
    assert all(ax.get_images()[0].get_array().shape == (h, w) for ax in fig.axes[1:])
    assert fig.get_suptitle().startswith(f"conv2d_2: {c} channels of {h}x{w} for test digit 5")
    tiles = [ax.get_position() for ax in fig.axes[1:3]]
    assert tiles[1].x0 - tiles[0].x1 > 0.005  # gaps between the tiles


def test_feature_pngs_are_written_per_layer_and_digit(tmp_path):
    maps = {("conv2d", 5): np.random.rand(4, 4, 3), ("conv2d", 0): np.random.rand(4, 4, 3)}
    images = {5: np.zeros((28, 28), np.uint8), 0: np.zeros((28, 28), np.uint8)}
    paths = artifacts.save_feature_pngs(maps, images, tmp_path)
    assert sorted(p.name for p in paths) == ["features_conv2d_digit0.png",
                                             "features_conv2d_digit5.png"]
    assert all(p.stat().st_size > 2000 for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
