"""What a run shows a person: training curves with the article's points, a confusion matrix,
feature-map grids, and TensorBoard event files (graph, scalars, feature maps)."""

import math
from pathlib import Path

import matplotlib.ticker
import numpy as np
import tensorflow as tf
from matplotlib.figure import Figure

from graph_cnn import fileio

v1 = tf.compat.v1


def _save(fig, path):
    """Save a figure atomically (a private temporary name, then a rename)."""
    path = Path(path)
    with fileio.atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, bbox_inches="tight")
    return path


FEW_POINTS = 30  # up to this many records a line also marks each point
SMOOTH_FROM = 200  # from this many records a line is drawn faint with its running mean over it


def curves(result, pipeline, path):
    """Save :func:`curves_figure` of a run at ``path``."""
    return _save(curves_figure(result, pipeline), path)


def curves_figure(result, pipeline):
    """Training loss, training accuracy and test accuracy against epochs (numbered as the
    article numbers them) or steps, with the article's reported figures drawn as crosses: each
    point marked when there are few, noisy per-batch lines smoothed when there are many, a loss
    spanning decades on a log scale, and a diverged run's last step marked with the reason."""
    records = result["records"]
    x_key = "epoch" if records and "epoch" in records[0] else "step"
    finite = [r for r in records if r.get("train_loss") is not None]
    x = [r[x_key] for r in finite]
    fig = Figure(figsize=(11, 4.2))  # no pyplot: no global backend or figure registry
    ax_loss, ax_acc = fig.subplots(1, 2, sharex=True)  # the article's points set both ranges
    _line(ax_loss, x, [r["train_loss"] for r in finite], "training loss (ours)")
    _line(ax_acc, x, [r["train_acc"] for r in finite], "training accuracy (ours)")
    tested = [r for r in finite if r.get("test_acc") is not None]
    _line(ax_acc, [r[x_key] for r in tested], [r["test_acc"] for r in tested],
          "test accuracy (ours)")
    for f in pipeline.figures:
        ax = ax_loss if f.metric == "train_loss" else ax_acc
        at = f.at if f.at is not None else (x[-1] if x else 0)
        ax.plot([at], [f.reported], "x", color="black", markersize=8)
    if pipeline.figures:
        ax_acc.plot([], [], "x", color="black", label="article's reported figures")
    ends = set(x)
    if result.get("status") == "diverged":
        ends.add(_mark_divergence((ax_loss, ax_acc), records, x_key, result.get("error") or ""))
    if len(ends) <= 2 and max(ends, default=0) - min(ends, default=0) <= 1 \
            and not pipeline.figures:  # a point or two: a unit margin, integer ticks
        ax_loss.set_xlim(min(ends, default=0) - 0.5, max(ends, default=0) + 0.5)
    losses_seen = [v for v in (r["train_loss"] for r in finite) if v > 0]
    if losses_seen and max(losses_seen) > 100 * min(losses_seen):
        ax_loss.set_yscale("log")
    low, high = ax_acc.get_ylim()
    ax_acc.set_ylim(max(low, 0), min(high, 1.005))  # accuracy never runs past 1
    x_label = (f"epoch (numbered from {pipeline.first_epoch}, as the article does)"
               if x_key == "epoch" else "step")
    for ax, name in ((ax_loss, "loss"), (ax_acc, "accuracy")):
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=6, integer=True))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(_step_label))
        ax.set_xlabel(x_label)
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
    fig.suptitle(f"{pipeline.id} ({result['budget']}, seed {result['seed']})")
    return fig


def _line(ax, x, y, label):
    """One measured series: points marked when few; faint with its running mean when many."""
    if not x:
        return
    if len(x) <= FEW_POINTS:
        ax.plot(x, y, marker="o", markersize=4, label=label)
        return
    if len(x) < SMOOTH_FROM:
        ax.plot(x, y, label=label)
        return
    window = max(len(x) // 50, 2)
    (raw,) = ax.plot(x, y, alpha=0.25, linewidth=0.8)
    mean = np.convolve(y, np.ones(window) / window, mode="valid")
    ax.plot(x[window - 1:], mean, color=raw.get_color(),
            label=f"{label}, mean of {window} records")


def _step_label(value, _position):
    """Tick labels that do not run together: 20k for 20,000, 2.5k for 2,500."""
    if abs(value) >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def _mark_divergence(axes, records, x_key, error):
    """A red line at the record where the run diverged on each axis, the reason in words above
    them; an axis with nothing finite recorded before says so instead of staying blank."""
    import textwrap

    last = next((r for r in reversed(records) if r.get("diverged")),
                records[-1] if records else None)
    at = last[x_key] if last else 0
    for ax in axes:
        if not any(len(line.get_xdata()) for line in ax.get_lines()):
            ax.text(0.5, 0.5, f"nothing finite recorded\nbefore {x_key} {at:,}",
                    transform=ax.transAxes, ha="center", va="center", color="tab:red")
        ax.axvline(at, color="tab:red", linestyle="--", linewidth=1.2,
                   label=f"diverged at {x_key} {at:,}")
    reason = error.split(": ", 1)[-1] if error else "a non-finite loss"
    fig = axes[0].figure
    fig.text(0.5, 0.93, textwrap.fill(f"diverged at {x_key} {at:,}: {reason}", 120),
             ha="center", va="top", color="tab:red", fontsize=9)
    fig.subplots_adjust(top=0.8)
    return at


def confusion(labels, predictions, path, title=""):
    """Save :func:`confusion_figure` of ``labels`` against ``predictions``; returns the counts."""
    matrix = np.zeros((10, 10), int)
    np.add.at(matrix, (labels, predictions), 1)
    _save(confusion_figure(matrix, title), path)
    return matrix


def confusion_figure(matrix, title=""):
    """The 10x10 counts with the errors made visible: off-diagonal cells coloured on a log scale
    of their own (one error shows as well in a 99% model as in a 50% one), the diagonal in grey
    with each digit's share right; the most frequent confusion named in the title."""
    from matplotlib.colors import LogNorm

    errors = np.where(np.eye(10, dtype=bool), 0, matrix)
    fig = Figure(figsize=(6.4, 5.4))
    ax = fig.subplots()
    diagonal = np.ma.masked_where(~np.eye(10, dtype=bool), matrix)
    ax.imshow(diagonal, cmap="Greys", vmin=0, vmax=max(matrix.max(), 1) * 2.5)
    off = np.ma.masked_where(errors == 0, errors)
    shown = ax.imshow(off, cmap="Reds", norm=LogNorm(vmin=0.5, vmax=max(errors.max(), 2)))
    bar = fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.04)
    bar.set_label("errors (count, log scale)")
    bar.ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1, 2, 5)))
    bar.ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    bar.ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    bar.ax.set_ylim(1, max(errors.max(), 2))
    totals = np.maximum(matrix.sum(1), 1)
    for i in range(10):
        for j in range(10):
            if i == j:
                ax.text(j, i, f"{matrix[i, j]}\n{matrix[i, j] / totals[i]:.1%}", ha="center",
                        va="center", fontsize=6)
            elif errors[i, j]:
                dark = np.log(errors[i, j]) > 0.6 * np.log(max(errors.max(), 2))
                ax.text(j, i, errors[i, j], ha="center", va="center", fontsize=7,
                        color="white" if dark else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xticks(np.arange(-0.5, 10), minor=True)
    ax.set_yticks(np.arange(-0.5, 10), minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.tick_params(which="minor", length=0)
    accuracy = np.trace(matrix) / max(matrix.sum(), 1)
    worst = ""
    if errors.any():
        true, predicted = np.unravel_index(errors.argmax(), errors.shape)
        worst = f"; most often {true} read as {predicted} ({errors.max()})"
    ax.set_title(f"{title or 'confusion matrix'}\naccuracy {accuracy:.4f}, "
                 f"{errors.sum():,} errors{worst}", fontsize=9)
    return fig


def evaluated_on(pipeline, budget_name, count):
    """Which test images a run's figures come from: all of them, or the budget's fixed sample."""
    if pipeline.budget(budget_name).test_limit is None:
        return f"all {count:,} test images"
    return f"{count:,} test images (a fixed sample of the 10,000)"


def grid(maps, columns=None):
    """(H, W, C) feature maps -> one uint8 image tiling the C maps, each scaled to 0-255."""
    h, w, c = maps.shape
    columns = columns or math.ceil(math.sqrt(c))
    rows = math.ceil(c / columns)
    out = np.zeros((rows * (h + 1) - 1, columns * (w + 1) - 1), np.uint8)
    for i in range(c):
        m = maps[:, :, i]
        span = m.max() - m.min()
        scaled = (m - m.min()) / span * 255 if span > 0 else np.zeros_like(m)
        r, col = divmod(i, columns)
        out[r * (h + 1):r * (h + 1) + h, col * (w + 1):col * (w + 1) + w] = scaled
    return out


SEED_004_DIGITS = (5, 0, 3)  # the digits seed 004 drew the feature maps of


def conv_layers(end_points):
    """Names of the end points that are conv layers' outputs (4-D, not pools or the input)."""
    return [n for n, t in end_points.items()
            if t.shape.rank == 4 and n != "reshape" and "pool" not in n]


def feature_maps(session, digits, inputs):
    """{(layer, digit): (H, W, C) array} for every conv layer; ``inputs`` prepared, one per
    digit. ``session`` is a training Session or an inference Run (both have t and end_points)."""
    layers = conv_layers(session.t["end_points"])
    outputs = session.end_points(inputs, layers) if layers else {}
    return {(layer, digit): outputs[layer][i] for layer in layers
            for i, digit in enumerate(digits)}


def feature_grids(session, digits, inputs):
    """{(layer, digit): uint8 grid} of :func:`feature_maps`, for TensorBoard's image tab."""
    return {key: grid(maps) for key, maps in feature_maps(session, digits, inputs).items()}


def first_of_each(labels, digits):
    labels = labels.argmax(1) if labels.ndim == 2 else labels
    return [int(np.flatnonzero(labels == d)[0]) for d in digits]


def write_run_artifacts(session, result, out_dir, events=None):
    """curves.png, confusion.png and TensorBoard events (graph, scalars, feature maps of test
    digits 5, 0 and 3) for a run whose session is still open. ``events``: the run's open
    :class:`EventLog`, which already holds the graph and scalars; it gets the feature maps and
    is closed (without it, a new event file gets everything)."""
    out_dir = fileio.ensure_folder(out_dir)
    feed, pipeline = session.feed, session.pipeline
    labels = feed.test_y.argmax(1) if feed.test_y.ndim == 2 else feed.test_y
    confusion(labels, session.predict(feed.test_x), out_dir / "confusion.png",
              f"{pipeline.id}, {result['budget']} budget: "
              f"{evaluated_on(pipeline, result['budget'], len(labels))}")
    curves(result, pipeline, out_dir / "curves.png")
    digits = [d for d in SEED_004_DIGITS if (labels == d).any()]
    picks = first_of_each(labels, digits)
    grids = feature_grids(session, digits, feed.test_x[picks])
    if events is None:
        tensorboard(out_dir, session.graph, result, grids)
    else:
        events.close(grids)


def save_feature_pngs(maps, images, out_dir):
    """:func:`features_figure` of each (layer, digit) of ``maps`` (from :func:`feature_maps`) as
    ``features_<layer>_digit<d>.png`` in ``out_dir``; ``images``: {digit: its uint8 28x28}."""
    out_dir = fileio.ensure_folder(out_dir)
    return [_save(features_figure(layer, digit, images[digit], m),
                  out_dir / f"features_{layer}_digit{digit}.png")
            for (layer, digit), m in maps.items()]


def features_figure(layer, digit, image, maps):
    """One conv layer's output for one test digit: the 28x28 input on the left, then each
    channel as its own tile (numbered, apart from the others, scaled to its own range, brighter
    is stronger), under a title naming the layer, the digit and the map size."""
    h, w, c = maps.shape
    columns = min(c, 8 if c > 16 else 4)
    rows = math.ceil(c / columns)
    tile = 0.75 if max(h, w) > 4 else 0.55
    fig = Figure(figsize=(2.6 + columns * tile, max(2.8, 0.7 + rows * tile * 1.12)))
    outer = fig.add_gridspec(1, 2, width_ratios=(2.2, columns * tile), wspace=0.08)
    ax_in = fig.add_subplot(outer[0])
    ax_in.imshow(image, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
    ax_in.set_title(f"input: test digit {digit}", fontsize=9)
    ax_in.set_xticks([])
    ax_in.set_yticks([])
    tiles = outer[1].subgridspec(rows, columns, wspace=0.15, hspace=0.35)
    for i in range(c):
        ax = fig.add_subplot(tiles[divmod(i, columns)])
        m = maps[:, :, i]
        flat = m.max() == m.min()
        ax.imshow(m, cmap="magma", interpolation="nearest", vmin=m.min(),
                  vmax=m.max() + flat)  # a flat (dead) channel drawn black
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"{i} flat" if flat else f"{i}", fontsize=6, pad=1.5)
    fig.suptitle(f"{layer}: {c} channels of {h}x{w} for test digit {digit} "
                 f"(each channel scaled to its own range)", fontsize=10)
    return fig


def _image_summary(tag, image):
    import cv2
    ok, png = cv2.imencode(".png", image)
    if not ok:
        raise ValueError(f"OpenCV could not encode the {tag} image")
    return v1.Summary.Value(tag=tag, image=v1.Summary.Image(
        encoded_image_string=png.tobytes(), height=image.shape[0], width=image.shape[1],
        colorspace=1))


class EventLog:
    """A run's TensorBoard event file, written as it trains: the graph (None for a resumed run,
    whose earlier file holds it), each record's scalars, the feature maps when it closes."""

    def __init__(self, run_dir, graph=None):
        self.writer = v1.summary.FileWriter(str(run_dir), graph=graph)

    def add(self, record):
        step = record.get("epoch", record.get("step"))
        values = [v1.Summary.Value(tag=key, simple_value=record[key])
                  for key in ("train_loss", "train_acc", "test_acc", "images_per_sec")
                  if record.get(key) is not None]
        self.writer.add_summary(v1.Summary(value=values), step)

    def flush(self):
        """Write what was added, so that ``tensorboard --logdir`` shows it now."""
        self.writer.flush()

    def close(self, grids=None):
        if grids:
            self.writer.add_summary(v1.Summary(value=[
                _image_summary(f"features/{layer}/digit_{digit}", image)
                for (layer, digit), image in grids.items()]), 0)
        self.writer.close()


def tensorboard(run_dir, graph, result, grids=None):
    """Event files in ``run_dir``: the graph, every record's scalars, feature-map images."""
    events = EventLog(run_dir, graph)
    for r in result["records"]:
        events.add(r)
    events.close(grids)
