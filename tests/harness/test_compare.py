"""The diff: verdicts, the epoch read, and the compare command."""

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
from conftest import ROOT, run_cli

from graph_cnn import reproductions
from graph_cnn.harness import compare
from graph_cnn.harness.spec import Figure

MAIN_IDS = list(reproductions.pipelines(include_ablations=False))


def _fake(values, metric="test_acc", at=3, epochs=(1, 2, 3)):
    return [dict(status="ok", final={metric: v},
                 records=[{"epoch": e, metric: v if e == at else 0.0} for e in epochs])
            for v in values]


def test_verdict_rule():
    mean, sd, n, tol, word = compare.verdict(0.99, np.array([0.989, 0.991, 0.990]), "test_acc")
    assert n == 3 and abs(mean - 0.99) < 1e-9 and word == "reproduced"
    assert abs(tol - 2 * np.sqrt(0.001 ** 2 + 0.99 * 0.01 / 10000)) < 1e-12
    assert compare.verdict(0.99, np.array([0.95, 0.951]), "test_acc")[4] == "not reproduced"
    assert compare.verdict(0.5, np.array([]), "train_loss")[4] == "not run"
    assert compare.verdict(0.02, np.array([0.0204, 0.0206]), "train_loss")[4] == "not reproduced"


def test_figure_rows_read_the_named_epoch_not_the_best():
    pipeline = replace(reproductions.get("chollet_dense"), figures=(
        Figure("test accuracy", "test_acc", 0.9, at=2),), claims=())
    results = {"chollet_dense": _fake([0.95, 0.95], at=3)}
    (row,) = compare.figure_rows({"chollet_dense": pipeline}, results)
    assert row["measured_mean"] == 0.0 and row["verdict"] == "not reproduced"
    assert {"id", "reported", "measured_mean", "measured_sd", "n", "verdict"} <= row.keys()


def test_compare_command_json_has_a_row_per_figure_and_claim(tmp_path):
    result = run_cli("compare", "--results", tmp_path, "--json", "--markdown",
                     tmp_path / "R.md")
    assert result.returncode == 0, result.stderr[-2000:]
    rows = json.loads(result.stdout)
    ablations = [r for r in rows if r.get("kind") == "ablation"]
    assert ablations and all(a["n"] == 0 for a in ablations)  # registered, not run
    rows = [r for r in rows if r.get("kind") != "ablation"]
    mains = reproductions.pipelines(include_ablations=False).values()
    figures = sum(max(1, len(p.figures)) for p in mains)
    claims = sum(len(p.claims) for p in mains)
    assert len(rows) == figures + claims
    assert all(r["verdict"] == "not run" for r in rows if "verdict" in r)
    assert "| chollet_convnet |" in (tmp_path / "R.md").read_text()


RESULTS = ROOT / "reproductions" / "results"


def _committed_tables():
    main = reproductions.pipelines(include_ablations=False)
    ablations = [pid for pid in reproductions.pipelines() if pid not in main]
    return compare.rows(main, compare.read(RESULTS, "full")[0], ablations)


def _words(text):
    return " ".join(text.split())


def test_text_table_fits_100_columns_and_cuts_nothing():
    figures, claims, ablations = _committed_tables()
    table = compare.text_table(figures, claims, ablations)
    assert max(map(len, table.splitlines())) <= 100
    flat = _words(table)
    texts = ([r["what"] for r in figures] + [r["cause"] for r in figures if r["cause"]]
             + [c["claim"] for c in claims] + [c["evidence"] for c in claims]
             + [a["id"] for a in ablations])
    assert all(_words(t) in flat for t in texts), [t for t in texts if _words(t) not in flat]
    causes = [r for r in figures if r["cause"]]
    assert causes and f"[{len(causes) + 1}]" in table  # numbered notes below the table


def test_a_registered_ablation_without_runs_shows_as_not_run():
    main = reproductions.pipelines(include_ablations=False)
    figures, claims, ablations = compare.rows(main, {}, ["lenet5_sigmoid_even_steps"])
    (row,) = ablations
    assert row["id"] == "lenet5_sigmoid_even_steps" and row["parent"] == "lenet5_sigmoid"
    assert row["n"] == 0
    line = next(x for x in compare.text_table(figures, claims, ablations).splitlines()
                if "lenet5_sigmoid_even_steps" in x)
    assert line.rstrip().endswith("not run")
    assert "| lenet5_sigmoid_even_steps | lenet5_sigmoid | end | - | not run |" in (
        compare.markdown(figures, claims, ablations))


def _fake_runs(folder, pid, budget, seeds):
    """Committed result.json files of ``pid`` copied into ``folder`` as ``budget`` runs."""
    for seed in seeds:
        result = json.loads((RESULTS / pid / f"full-seed{seed}" / "result.json").read_text())
        result["budget"] = budget
        target = folder / pid / f"{budget}-seed{seed}"
        target.mkdir(parents=True)
        (target / "result.json").write_text(json.dumps(result))


def _compare_in(cwd, *args):
    return subprocess.run([sys.executable, "-m", "graph_cnn", "compare", *args],
                          capture_output=True, text=True, timeout=300, cwd=cwd)


def test_compare_reads_the_users_runs_and_says_which(tmp_path):
    _fake_runs(tmp_path / "runs", "chollet_dense", "quick", (1, 2))
    done = _compare_in(tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    first = done.stdout.splitlines()[0]
    assert first.startswith("Compared: 2 quick-budget runs read from runs.")
    assert "smoke tests" in _words(done.stdout.split("\n\n")[0])
    row = next(x for x in done.stdout.splitlines() if x.startswith("  test accuracy") and
               " 2  " in x)
    assert "0.9780" in row  # chollet_dense's reported figure beside our 2 runs
    _fake_runs(tmp_path / "runs", "chollet_dense", "full", (3,))
    both = _compare_in(tmp_path)
    assert _words(both.stdout).startswith("Compared: 1 full-budget run read from runs. It "
                                          "also holds 2 quick-budget runs (--budget quick).")
    (tmp_path / "nothing").mkdir()  # an empty runs folder; a missing one is an error
    empty = _compare_in(tmp_path, "--results", tmp_path / "nothing")
    assert empty.returncode == 0 and empty.stdout.startswith("No runs in ")


def test_compare_committed_names_the_committed_results(tmp_path):
    done = _compare_in(tmp_path, "--committed", "--markdown", tmp_path / "R.md", "--plot",
                       tmp_path / "pictures" / "diff.png")
    assert done.returncode == 0, done.stderr[-2000:]
    count = sum(json.loads(p.read_text())["budget"] == "full"
                for p in RESULTS.glob("*/*/result.json"))
    assert _words(done.stdout).startswith(f"Compared: {count} full-budget runs read from "
                                          f"{RESULTS} (the committed results).")
    assert "](pictures/diff.png)" in (tmp_path / "R.md").read_text()
    assert (tmp_path / "pictures" / "diff.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_committed_results_md_is_what_compare_makes_of_the_committed_runs(tmp_path):
    """reproductions/RESULTS.md is regenerated, not edited: the same command on the committed
    runs writes it again to the byte."""
    done = _compare_in(tmp_path, "--committed", "--markdown", tmp_path / "RESULTS.md", "--plot",
                       tmp_path / "diff.png")
    assert done.returncode == 0, done.stderr[-2000:]
    committed = ROOT / "reproductions" / "RESULTS.md"
    assert (tmp_path / "RESULTS.md").read_text() == committed.read_text()


def test_one_run_shows_its_mean_alone_everywhere():
    pipeline = replace(reproductions.get("chollet_dense"), claims=())
    tables = compare.rows({"chollet_dense": pipeline},
                          {"chollet_dense": _fake([0.979], at=5, epochs=(1, 2, 3, 4, 5))})
    (row,) = tables[0]
    assert row["n"] == 1 and row["measured_sd"] is None and row["tolerance"] > 0
    for text in (compare.text_table(*tables), compare.markdown(*tables)):
        assert "0.9790" in text and "± -" not in text and "0.9790 ±" not in text


def test_quick_runs_are_smoke_tests_not_verdicts():
    """A quick budget marks what it did not reach, gives no full-budget cause and answers no
    claim; the picture leaves out figures without values."""
    main = reproductions.pipelines(include_ablations=False)
    one_epoch = [dict(status="ok", final={"test_acc": v},
                      records=[dict(epoch=1, test_acc=v, train_acc=v, train_loss=1 - v)])
                 for v in (0.5, 0.6)]
    results = {"lenet_avgpool": one_epoch, "lenet_avgpool_bn": one_epoch,
               "chollet_convnet": one_epoch}
    figures, claims, _ = compare.rows(main, results, budget="quick")
    by_figure = {(r["id"], r["what"]): r for r in figures}
    assert by_figure[("lenet_avgpool", "test accuracy")]["verdict"] == "not reached (quick)"
    assert by_figure[("barter_selu", "test accuracy")]["verdict"] == "not run"
    reached = [r for r in figures if r["n"]]
    assert reached and all(r["verdict"] == "reached (quick)" for r in reached)
    assert not any(r["cause"] for r in figures)
    assert all(c["holds"] is None and c["evidence"] == compare.QUICK_NOTE for c in claims)
    assert "not run" not in {r["verdict"] for r in figures if r["id"] in results}
    drawn = compare.entries(main, results, "quick")
    assert {e["id"] for e in drawn} == {"chollet_convnet"} and all(e["seeds"] for e in drawn)
    table = compare.text_table(figures, claims)
    assert "not run" not in "".join(x for x in table.splitlines() if "chollet_convnet" in x)
    assert table.count("not judged (quick)") == len(claims) and "Notes" not in table
    line = compare.verdict_line(figures, claims, "quick")
    assert line.startswith("Smoke test (quick budget): 3 of 10 pipelines ran;")
    assert "none judged" in line


def test_verdict_line_is_counted_from_the_rows():
    def figure(verdict, cause=""):
        return dict(id="x", reported=0.5, verdict=verdict, cause=cause, n=1)

    figures = [figure("reproduced"), figure("not reproduced", "why"), figure("not run"),
               dict(figure("no figure reported"), reported=None)]
    claims = [dict(holds=True), dict(holds=False), dict(holds=None)]
    assert compare.verdict_line(figures, claims) == (
        "1 of 3 reported figures reproduced, 1 not, each with a checked cause, 1 not run; "
        "2 of 3 claims answered (1 hold, 1 do not).")
    figures.append(figure("not reproduced"))
    assert ", 1 of them with a checked cause" in compare.verdict_line(figures, claims)


def test_causes_quote_the_results_through_templates():
    results = {"a": _fake([0.5, 0.7]), "b": _fake([0.9]), "c": [dict(r, status="diverged")
                                                              for r in _fake([0.1])]}
    text = "{a test_acc 3 pm} {a+b test_acc 3 n} {a+b test_acc end max} {b test_acc 3 mean}"
    assert compare.render(text, results) == "0.6000 ± 0.1414 3 0.9000 0.9000"
    assert compare.render("{c test_acc 3 min}", results) == "(no runs of c)"
    # every cause of every pipeline renders on the committed results with nothing missing
    for p in reproductions.pipelines().values():
        for cause in p.causes.values():
            rendered = compare.render(cause, compare.read(RESULTS, "full")[0])
            assert "{" not in rendered and "(no runs of" not in rendered, p.id


def test_a_cause_for_a_figure_not_reported_is_refused():
    import pytest
    with pytest.raises(ValueError, match="causes for figures it does not report"):
        replace(reproductions.get("lenet_avgpool"), figures=())


def test_list_names_each_article_by_its_short_title():
    from graph_cnn.harness import spec
    from graph_cnn.reproductions.articles import ARTICLES

    text = spec.listing(reproductions.pipelines(), reproductions.pipelines(False))
    headers = [line[:-1] for line in text.splitlines() if line.endswith(":")]
    assert set(headers) == {p.article for p in reproductions.pipelines().values()}
    assert {a.short for a in ARTICLES} <= {s for h in headers for s in h.split(" + ")}
    assert "seed" not in text.lower()


def test_compare_committed_works_without_a_checkout(monkeypatch):
    """Outside a checkout, --committed reads the summary shipped with the package."""
    from graph_cnn.harness import results as results_lib
    from graph_cnn.harness import runs as runs_lib

    monkeypatch.setattr(runs_lib, "committed_results", lambda: None)
    assert compare.committed_folder() == results_lib.COMMITTED_SUMMARY
    lines = []
    compare.report(reproductions.pipelines(False), reproductions.pipelines(),
                   compare.committed_folder(), committed=True, out=lines.append)
    first = " ".join(lines[0].split())  # wrapped at 100 columns where the path is long
    assert "(the committed results)" in first and "reported figures reproduced" in first
