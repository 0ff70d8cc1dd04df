"""The diff as a picture (``graph-cnn compare --plot PATH``): one strip per figure that has runs,
grouped by article. A reported figure's strip is in units of its own tolerance, on one scale
shared by every such strip: the article's value at 0, the verdict band from -1 to 1, each of our
seeds as a dot with their mean as a bar, and the article's own framework run today
(``<id>@keras``, ``<id>@pytorch``) below ours; so a miss by 0.0004 and one by 0.5 look as different
as they are. Values past the scale sit at its edge as arrows with their distance written
beside; past 100% accuracy is shaded. A strip without a tolerance (a figure-less pipeline's final
test accuracy, or one run of a loss) shows the measured values themselves, accuracy axes ending
at 1.

It draws what :func:`graph_cnn.harness.compare.entries` hands it; every artist carries a ``gid``
(``band``, ``reported``, ``ours``, ``ours mean``, ``original``, ``original mean``, ``beyond``,
``impossible``), so a test can count what was drawn. Matplotlib's object API only (no pyplot).
"""

from pathlib import Path

import numpy as np
from matplotlib.ticker import MaxNLocator

from graph_cnn import fileio

COLOURS = {"reproduced": "#2b8a3e", "not reproduced": "#c92a2a"}
NEUTRAL = "#868e96"  # no figure reported, not judged (quick), or not run
OURS_Y, ORIGINAL_Y = 0.25, -0.25
SCALE_MIN, SCALE_MAX = 3.0, 8.0  # the shared scale, in tolerances: at least +-3, at most +-8


def in_tolerances(e):
    """Whether strip ``e`` is drawn in units of its tolerance (a reported figure with a band)."""
    return e["reported"] is not None and bool(e["tolerance"])


def _units(e, values):
    return (np.asarray(values, float) - e["reported"]) / e["tolerance"]


def shared_scale(entries):
    """Half-width of the shared scale: the farthest value in tolerances, between 3 and 8."""
    far = [abs(x) for e in entries if in_tolerances(e)
           for x in _units(e, e["seeds"] + e["original_seeds"])]
    return float(np.clip(max(far, default=0.0) * 1.1, SCALE_MIN, SCALE_MAX))


def _spread(y, n, width=0.1):
    """y positions for n dots around ``y``, so that equal values stay visible as separate dots."""
    return np.full(n, y) if n < 2 else y + np.linspace(-width, width, n)


def _dots(ax, xs, y, limit, colour, marker, gid, **style):
    """Dots at ``xs`` (``limit``: clip to +-limit, the clipped ones as arrows at the edge)."""
    xs = np.asarray(xs, float)
    ys = _spread(y, len(xs))
    inside = np.abs(xs) <= limit if limit else np.ones(len(xs), bool)
    if inside.any():
        ax.scatter(xs[inside], ys[inside], s=22, marker=marker, zorder=3, gid=gid, **style)
    for x, yy in zip(xs[~inside], ys[~inside]):
        edge = np.sign(x) * limit
        ax.scatter([edge], [yy], s=40, marker=">" if x > 0 else "<", color=colour, zorder=3,
                   gid="beyond")
        ax.text(edge - np.sign(x) * 0.15 * limit, yy, f"{x:+.0f}", fontsize=6.5, color=colour,
                ha="right" if x > 0 else "left", va="center")


def _mean_bar(ax, x, y, limit, colour, gid, lw):
    if x is not None and (not limit or abs(x) <= limit):
        ax.plot([x] * 2, [y - 0.2, y + 0.2], color=colour, lw=lw, zorder=2, gid=gid)


def _strip(ax, e, scale):
    """One figure's strip (see the module docstring)."""
    colour = COLOURS.get(e["verdict"], NEUTRAL)
    ours_style = dict(color=colour, edgecolors="white", linewidths=0.5)
    original_style = dict(facecolors="none", edgecolors="#495057", linewidths=0.9)
    if in_tolerances(e):
        limit = scale
        ax.axvspan(-1, 1, color=colour, alpha=0.18, lw=0, gid="band")
        ax.axvline(0, color="black", lw=1.4, gid="reported")
        ours, originals = _units(e, e["seeds"]), _units(e, e["original_seeds"])
        mean = None if e["measured_mean"] is None else _units(e, [e["measured_mean"]])[0]
        o_mean = None if e.get("original_mean") is None else _units(e, [e["original_mean"]])[0]
        low, high = -scale, scale
        if e["metric"].endswith("_acc") and (1 - e["reported"]) / e["tolerance"] < scale:
            ax.axvspan((1 - e["reported"]) / e["tolerance"], scale, color="#dee2e6", lw=0,
                       gid="impossible")  # past 100% accuracy
    else:
        limit = None
        ours, originals = np.asarray(e["seeds"], float), np.asarray(e["original_seeds"], float)
        mean, o_mean = e["measured_mean"], e.get("original_mean")
        values = np.concatenate([ours, originals])
        if e["reported"] is not None:  # a figure without a tolerance (one run of a loss)
            ax.axvline(e["reported"], color="black", lw=1.4, gid="reported")
            values = np.append(values, e["reported"])
        pad = max(float(np.ptp(values)) if len(values) else 0.0, 0.01) * 0.15
        low, high = float(values.min()) - pad, float(values.max()) + pad
        if e["metric"].endswith("_acc"):
            low, high = max(low, 0.0), min(high, 1.0)
    if len(ours):
        _dots(ax, ours, OURS_Y, limit, colour, "o", "ours", **ours_style)
        _mean_bar(ax, mean, OURS_Y, limit, colour, "ours mean", 2.5)
    if len(originals):
        _dots(ax, originals, ORIGINAL_Y, limit, "#495057", "D", "original", **original_style)
        _mean_bar(ax, o_mean, ORIGINAL_Y, limit, "#495057", "original mean", 2)
    ax.set_xlim(low, high)
    ax.set_ylim(-0.55, 0.55)
    ax.set_yticks([])
    ax.xaxis.set_major_locator(MaxNLocator(8, integer=limit is not None))
    ax.tick_params(axis="x", labelsize=7, length=2, pad=1)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    at = "end" if e["at"] == "end" else f"at {e['at']}"
    reported = "" if e["reported"] is None else f" (reported {e['reported']:g}" + (
        "" if e["difference"] is None else f", difference {e['difference']:+.4f}") + ")"
    ax.text(-0.01, 0.5, f"{e['id']}\n{e['what']}, {at}{reported}", transform=ax.transAxes,
            ha="right", va="center", fontsize=7.5)
    verdict = e["verdict"] + (f" ({e['diverged']} diverged)" if e.get("diverged") else "")
    ax.text(1.01, 0.72 if len(originals) else 0.5, verdict, transform=ax.transAxes,
            ha="left", va="center", fontsize=7.5, color=colour)
    if len(originals):
        ax.text(1.01, 0.22, f"{e['original']} today: {e['original_verdict']}",
                transform=ax.transAxes, ha="left", va="center", fontsize=7.5,
                color=COLOURS.get(e["original_verdict"], NEUTRAL))


def draw(entries, title=""):
    """The picture of ``entries`` (:func:`graph_cnn.harness.compare.entries`), one strip each,
    grouped by article, as a Figure."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    articles = list(dict.fromkeys(e["article"] for e in entries))
    counts = [sum(e["article"] == a for e in entries) for a in articles]
    scale = shared_scale(entries)
    fig = Figure(figsize=(11, 1.2 + 0.42 * len(entries) + 0.55 * len(articles)))
    head, *parts = fig.subfigures(len(articles) + 1, 1, squeeze=False,
                                  height_ratios=[1.6] + [c + 1.2 for c in counts])[:, 0]
    for part, article, count in zip(parts, articles, counts):
        axes = np.atleast_1d(part.subplots(count, 1))
        part.subplots_adjust(left=0.36, right=0.8, top=1 - 0.55 / (count + 1.2),
                             bottom=0.6 / (count + 1.2), hspace=0.9)
        part.suptitle(article, x=0.02, ha="left", fontsize=9, fontweight="bold")
        mine = [e for e in entries if e["article"] == article]
        for ax, e in zip(axes, mine):
            _strip(ax, e, scale)
        axes[-1].set_xlabel("(measured - reported) / tolerance" if in_tolerances(mine[-1])
                            else "measured", fontsize=7)
    handles = [Line2D([], [], color="black", lw=1.4, label="article's figure (0)"),
               Patch(color=COLOURS["reproduced"], alpha=0.3, label="reproduced band (±1)"),
               Patch(color=COLOURS["not reproduced"], alpha=0.3, label="not reproduced band"),
               Line2D([], [], ls="", marker="o", color=NEUTRAL, label="our seeds (bar: mean)"),
               Line2D([], [], ls="", marker="D", mfc="none", color="#495057",
                      label="original framework today"),
               Patch(color="#dee2e6", label="past 100% accuracy")]
    head.legend(handles=handles, loc="lower center", ncol=6, fontsize=7.5, frameon=False)
    head.suptitle(title + ("" if entries else ": no figure has runs to draw"), fontsize=10)
    return fig


def save(fig, path):
    """Write ``fig`` as a PNG at ``path`` atomically (a private temporary name, then a rename)."""
    path = Path(path)
    fileio.ensure_folder(path.parent)
    with fileio.atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=100, bbox_inches="tight")
    return path
