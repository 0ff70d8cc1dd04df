"""result.json through one validating loader: damaged files named and skipped, seeds counted
from the seed field, and compare on the committed results."""

import json
import shutil

import pytest
from conftest import ROOT, run_cli
from stderr_lines import user_lines

from graph_cnn import reproductions
from graph_cnn.errors import GraphCnnError
from graph_cnn.harness import results

COMMITTED = ROOT / "reproductions" / "results"
MAINS = reproductions.pipelines(include_ablations=False)


def test_compare_json_and_table_on_the_committed_results():
    as_json = run_cli("compare", "--results", COMMITTED, "--json")
    assert as_json.returncode == 0, as_json.stderr[-2000:]
    # the committed files are all valid: no warning, only compare's headline on stderr
    assert [l for l in user_lines(as_json.stderr) if l.startswith("graph-cnn")] == []
    rows = json.loads(as_json.stdout)
    for p in MAINS.values():
        figures = [r for r in rows if r["id"] == p.id and "verdict" in r]
        claims = [r for r in rows if r["id"] == p.id and "claim" in r]
        assert len(figures) == max(1, len(p.figures)) and len(claims) == len(p.claims), p.id
        assert all(r["n"] + r["diverged"] >= 1 and r["verdict"] != "not run"
                   for r in figures), p.id
    assert any(isinstance(r.get("holds"), bool) for r in rows)  # NumPy booleans made plain
    table = run_cli("compare", "--results", COMMITTED)
    assert table.returncode == 0, table.stderr[-2000:]
    first_words = {line.split()[0] for line in table.stdout.splitlines() if line.strip()}
    assert set(MAINS) <= first_words


def _copy_runs(dst, pid="chollet_dense", seeds=(1, 2, 3)):
    for seed in seeds:
        shutil.copytree(COMMITTED / pid / f"full-seed{seed}", dst / pid / f"full-seed{seed}")
    return dst


DAMAGES = {
    "empty": lambda text: "",
    "truncated": lambda text: text[: len(text) // 2],
    "list": lambda text: "[]",
    "missing key": lambda text: json.dumps({k: v for k, v in json.loads(text).items()
                                            if k != "final"}),
    "wrong type": lambda text: json.dumps(dict(json.loads(text), records={"epoch": 1})),
    "seed disagrees": lambda text: json.dumps(dict(json.loads(text), seed=7)),
    "not utf-8": lambda text: "\udcff",
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_read_names_the_damaged_file_in_one_line(tmp_path, damage):
    path = _copy_runs(tmp_path, seeds=(1,)) / "chollet_dense" / "full-seed1" / "result.json"
    text = DAMAGES[damage](path.read_text())
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(results.ResultError) as caught:
        results.read(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path))
    assert "graph-cnn reproduce chollet_dense --budget full --first-seed 1" in message


def test_read_accepts_and_normalises_a_valid_file():
    result = results.read(COMMITTED / "chollet_dense" / "full-seed2" / "result.json")
    assert result["id"] == "chollet_dense" and result["seed"] == 2


def test_compare_skips_damaged_files_and_counts_a_copied_seed_once(tmp_path):
    runs = _copy_runs(tmp_path / "runs", seeds=(1, 2, 3, 4))
    damaged = {}
    for seed, damage in zip((2, 3, 4), ("truncated", "list", "missing key")):
        path = runs / "chollet_dense" / f"full-seed{seed}" / "result.json"
        path.write_text(DAMAGES[damage](path.read_text()))
        damaged[path] = path.read_bytes()
    shutil.copytree(runs / "chollet_dense" / "full-seed1", runs / "chollet_dense" /
                    "full-seed1-copy")
    copy = runs / "chollet_dense" / "full-seed1-copy" / "result.json"
    empty = runs / "chollet_convnet" / "full-seed1" / "result.json"
    empty.parent.mkdir(parents=True)
    empty.write_text("")
    damaged[empty] = b""

    result = run_cli("compare", "--results", runs, "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    warnings = [l for l in user_lines(result.stderr) if l.startswith("graph-cnn: warning")]
    assert len(warnings) == len(damaged) + 1
    for path in [*damaged, copy]:
        assert sum(str(path) in line for line in warnings) == 1, path
    assert any("again, already read from" in w and str(copy) in w for w in warnings)
    (row,) = [r for r in json.loads(result.stdout) if r["id"] == "chollet_dense"
              and "verdict" in r]
    assert row["n"] == 1  # seed 1 once; 2, 3, 4 damaged
    assert all(path.read_bytes() == data for path, data in damaged.items())  # nothing touched

    strict = run_cli("compare", "--results", runs, "--strict")
    assert strict.returncode == 1 and strict.stdout == ""
    (line,) = user_lines(strict.stderr)
    assert line.startswith("graph-cnn: error: ") and "result.json" in line


def test_load_reports_the_copy_not_the_original(tmp_path):
    runs = _copy_runs(tmp_path, seeds=(1,))
    shutil.copytree(runs / "chollet_dense" / "full-seed1", runs / "chollet_dense" / "a-copy")
    warned = []
    loaded = results.load(runs, "full", warn=warned.append)
    assert [r["seed"] for r in loaded["chollet_dense"]] == [1]
    (message,) = warned
    assert message.startswith(str(runs / "chollet_dense" / "a-copy"))
    with pytest.raises(results.ResultError):
        results.load(runs, "full", strict=True)


def test_compare_on_a_missing_results_folder_is_an_error(tmp_path):
    missing = tmp_path / "no-such-runs"
    result = run_cli("compare", "--results", missing)
    assert result.returncode == 1 and result.stdout == ""
    (line,) = user_lines(result.stderr)
    assert line.startswith(f"graph-cnn: error: {missing}: no such folder")
    assert not missing.exists()
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(GraphCnnError, match="is not a folder"):
        results.load(a_file)


def test_the_packaged_summary_is_the_committed_results():
    """graph_cnn/harness/committed_results.json.gz is what 'python -m graph_cnn.harness.results'
    makes of reproductions/results, and compare reads the same tables from either."""
    from graph_cnn.harness import compare

    grouped = results.load(COMMITTED, "full", strict=True)
    assert results.COMMITTED_SUMMARY.read_bytes() == results.summary_bytes(grouped), (
        "regenerate it: python -m graph_cnn.harness.results")
    summary = results.load(results.COMMITTED_SUMMARY)
    ablations = [pid for pid in reproductions.pipelines() if pid not in MAINS]
    tables = [compare.rows(MAINS, source, ablations) for source in (grouped, summary)]
    assert compare.to_json(*tables[0]) == compare.to_json(*tables[1])
    assert compare.text_table(*tables[0]) == compare.text_table(*tables[1])
    assert compare.entries(MAINS, grouped) == compare.entries(MAINS, summary)


def test_a_damaged_summary_is_named_in_one_line(tmp_path):
    bad = tmp_path / "committed_results.json.gz"
    bad.write_bytes(b"not gzip")
    with pytest.raises(results.ResultError, match="not a readable results summary"):
        results.load(bad)
