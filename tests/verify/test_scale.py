"""The on-paper scaling of the committed table: longest-first packing onto N nodes."""

import json

import pytest

from graph_cnn.verify import scale


@pytest.mark.smoke
def test_longest_first_packing():
    assert scale.makespan([5, 4, 3, 3, 3], 2) == 10  # greedy, not the optimum 9: as scheduled
    assert scale.makespan([5, 4, 3, 3, 3], 5) == 5 and scale.makespan([2, 2], 1) == 4


def test_on_paper_stops_where_the_longest_run_is_the_wall(tmp_path):
    for i, seconds in enumerate([100, 40, 30, 30, 20, 20, 10]):
        folder = tmp_path / f"id{i}" / "full-seed1"
        folder.mkdir(parents=True)
        (folder / "result.json").write_text(json.dumps({"provenance": {"seconds": seconds}}))
    (tmp_path / "untimed" / "full-seed1").mkdir(parents=True)
    (tmp_path / "untimed" / "full-seed1" / "result.json").write_text("{}")
    report = scale.on_paper(tmp_path, slots_per_node=1)
    assert report["runs"] == 7 and report["total_seconds"] == 250
    assert report["longest_run"] == {"run": "id0/full-seed1", "seconds": 100}
    assert [r["wall_seconds"] for r in report["rows"]] == [250, 130, 100]
    assert report["stops_scaling_at_nodes"] == 3 and report["rows"][1]["speedup"] == 1.92


def test_committed_table_figure_is_the_one_in_scale_json():
    from graph_cnn.harness.runs import checkout, committed_results

    results = committed_results()
    saved = json.loads((checkout() / "reproductions" / "scale.json").read_text())["on_paper"]
    assert scale.on_paper(results, saved["slots_per_node"]) == saved
