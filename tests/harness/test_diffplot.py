"""The diff as a picture: drawn from the runs, one strip per figure with values, every seed a
dot, in units of each figure's tolerance."""

import numpy as np
import pytest
from conftest import ROOT

from graph_cnn import reproductions
from graph_cnn.harness import compare, diffplot

MAIN = reproductions.pipelines(include_ablations=False)


def _run(value, metric="test_acc", at=19, status="ok"):
    records = [{"epoch": e, metric: value if e == at else 0.5} for e in range(at + 1)]
    return dict(status=status, final={metric: value}, records=records)


def _points(fig, gid):
    """Each axes' dots of ``gid`` as x values, in strip order."""
    return [[float(x) for x, _ in c.get_offsets()] for ax in _strips(fig)
            for c in ax.collections if c.get_gid() == gid]


def _strips(fig):
    return [ax for sub in fig.subfigs for ax in sub.axes]


def _units(row, values):
    return sorted((np.array(values) - row["reported"]) / row["tolerance"])


def test_every_seed_is_a_dot_where_its_value_is():
    barter = [0.989, 0.9905, 0.991]
    dense, keras = [0.978, 0.979], [0.975, 0.976, 0.977, 0.98]
    results = {"barter_selu": [_run(v) for v in barter] + [_run(None, status="diverged")],
               "chollet_dense": [_run(v, at=5) for v in dense],
               "chollet_dense@keras": [_run(v, at=5) for v in keras]}
    fig = diffplot.draw(compare.entries(MAIN, results))
    rows = [r for r in compare.figure_rows(MAIN, results) if r["n"]]
    assert len(_strips(fig)) == len(rows) == 2  # one strip per figure with values
    ours, originals = _points(fig, "ours"), _points(fig, "original")
    assert sum(map(len, ours)) == len(barter) + len(dense)  # the diverged run has no value
    assert sorted(ours[0]) == pytest.approx(_units(rows[0], barter))
    assert sorted(ours[1]) == pytest.approx(_units(rows[1], dense))
    assert sorted(originals[0]) == pytest.approx(_units(rows[1], keras)) and len(originals) == 1
    # the band is reported +- tolerance, i.e. -1 to 1, coloured by the verdict
    band = next(p for p in _strips(fig)[0].patches if p.get_gid() == "band")
    assert (band.get_x(), band.get_x() + band.get_width()) == pytest.approx((-1, 1))
    colour = diffplot.COLOURS[rows[0]["verdict"]]
    assert np.allclose(band.get_facecolor()[:3], _rgb(colour))
    # one scale for every strip, so a small miss looks small beside a large one
    assert {ax.get_xlim() for ax in _strips(fig)} == {(-diffplot.SCALE_MIN, diffplot.SCALE_MIN)}


def test_a_value_past_the_scale_is_an_arrow_at_its_edge():
    results = {"lenet_avgpool": [_run(v, at=50) for v in (0.95, 0.951, 0.952)],
               "lenet_avgpool@pytorch": [_run(0.5, at=50)]}
    (entry,) = compare.entries(MAIN, results)
    fig = diffplot.draw([entry])
    (strip,) = _strips(fig)
    scale = diffplot.shared_scale([entry])
    assert scale == diffplot.SCALE_MAX
    assert len(_points(fig, "ours")[0]) == 3 and len(_points(fig, "beyond")[0]) == 1
    assert _points(fig, "beyond")[0] == [-scale]
    assert strip.get_xlim() == (-scale, scale)


def _rgb(hex_colour):
    return [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]


def test_the_picture_is_saved_as_a_png(tmp_path):
    path = diffplot.save(diffplot.draw([]), tmp_path / "d" / "diff.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in path.parent.iterdir()] == ["diff.png"]


def test_the_picture_draws_one_strip_per_figure_with_values_and_every_seed():
    main = reproductions.pipelines(include_ablations=False)
    drawn = compare.entries(main, compare.read(ROOT / "reproductions" / "results", "full")[0])
    fig = diffplot.draw(drawn)
    strips = [ax for sub in fig.subfigs[1:] for ax in sub.axes]
    assert len(strips) == len(drawn) and len(fig.subfigs) == 1 + len({e["article"] for e in drawn})

    def count(ax, gid):
        return sum(len(c.get_offsets()) for c in ax.collections if c.get_gid() == gid)

    scale = diffplot.shared_scale(drawn)
    for ax, e in zip(strips, drawn):
        assert count(ax, "ours") + count(ax, "original") + count(ax, "beyond") == (
            len(e["seeds"]) + len(e["original_seeds"])), e["what"]
        low, high = ax.get_xlim()
        if diffplot.in_tolerances(e):
            assert (low, high) == (-scale, scale)  # one scale, in tolerances, for every figure
            assert sum(p.get_gid() == "band" for p in ax.patches) == 1
        elif e["metric"].endswith("_acc"):
            assert high <= 1.0
        ceiling = (1 - e["reported"]) / e["tolerance"] if diffplot.in_tolerances(e) else None
        if ceiling is not None and e["metric"].endswith("_acc") and ceiling < scale:
            assert any(p.get_gid() == "impossible" for p in ax.patches)  # past 100% shaded
