"""How the run matrix scales past one machine: measured and on paper (``reproductions/scale.json``).

``python -m graph_cnn.verify.scale paper [--results DIR] [--slots S] [--save PATH]``: the wall
time of every committed run (``provenance.seconds`` of each result.json) packed onto N nodes of
S runs at a time each, longest run first onto the slot that frees first (what ``--jobs`` and
``--ray`` do), for N = 1, 2, ... until the longest single run is the wall: past that, more nodes
change nothing.

``python -m graph_cnn.verify.scale measure [ID ...] [--budget quick|full] [--seeds N] [--save
PATH]``: the same matrix trained here five ways, each timed from the command's start to its end:
serially in this process (``--threads 1``), one and two processes at a time (``--jobs``), and
as Ray tasks on a loopback cluster of one and of two one-CPU nodes (``ray start``, see
:mod:`.ray_cluster`), each compared with the serial runs (records, final figures, status: the
same numbers expected); the overhead per run is Ray's wall time less that of as many processes at
a time, divided by the runs. The cluster is started before the clock starts, as a running
cluster would be.
"""

import argparse
import heapq
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from graph_cnn import fileio
from graph_cnn.harness import runs


def makespan(seconds, slots):
    """Wall time of runs of ``seconds`` on ``slots`` slots, longest first onto the slot that
    frees first (greedy LPT)."""
    free = [0.0] * max(1, slots)
    for s in sorted(seconds, reverse=True):
        heapq.heapreplace(free, free[0] + s)  # free[0] is the smallest: the first to free
    return max(free)


def committed_seconds(results):
    """(label, seconds) of every run under ``results`` with a recorded time."""
    found = []
    for path in sorted(Path(results).glob("*/*/result.json")):
        seconds = json.loads(path.read_text()).get("provenance", {}).get("seconds")
        if seconds is not None:
            found.append((f"{path.parent.parent.name}/{path.parent.name}", float(seconds)))
    return found


def on_paper(results, slots_per_node=2, max_nodes=64):
    """The committed table packed onto 1, 2, ... nodes until the longest run is the wall."""
    found = committed_seconds(results)
    seconds = [s for _, s in found]
    longest = max(found, key=lambda item: item[1])
    rows, nodes = [], 1
    while nodes <= max_nodes:
        wall = makespan(seconds, nodes * slots_per_node)
        rows.append({"nodes": nodes, "slots": nodes * slots_per_node, "wall_seconds": round(wall),
                     "wall_hours": round(wall / 3600, 2),
                     "speedup": round(makespan(seconds, slots_per_node) / wall, 2)})
        if wall <= longest[1] + 1e-6:
            break
        nodes += 1
    return {"runs": len(found), "total_seconds": round(sum(seconds)),
            "total_hours": round(sum(seconds) / 3600, 2), "slots_per_node": slots_per_node,
            "longest_run": {"run": longest[0], "seconds": longest[1]},
            "stops_scaling_at_nodes": rows[-1]["nodes"], "rows": rows}


def _timed(command, env=None):
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", **(env or {})))
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"scale: {' '.join(map(str, command))} failed: "
                         f"{done.stderr.strip().splitlines()[-1:]}")
    return wall


def _training_seconds(out):
    return [json.loads(p.read_text())["provenance"]["seconds"]
            for p in sorted(Path(out).glob("*/*/result.json"))]


def differing_runs(a, b, timing=("seconds", "images_per_sec")):
    """Runs under ``a`` whose records (timing aside), final figures or status differ from, or
    are missing in, ``b``."""
    def load(path):
        result = json.loads(path.read_text())
        return (result["status"], result["final"],
                [{k: v for k, v in r.items() if k not in timing} for r in result["records"]])

    differ = []
    for path in sorted(Path(a).glob("*/*/result.json")):
        other = Path(b) / path.relative_to(a)
        if not other.is_file() or load(path) != load(other):
            differ.append(f"{path.parent.parent.name}/{path.parent.name}")
    return differ


def measure(ids, budget, seeds, log=print):
    """The five ways of training the matrix (see the module), timed here."""
    from graph_cnn.verify.ray_cluster import LocalCluster

    matrix = (ids or ["--all"]) + ["--budget", budget, "--seeds", str(seeds)]
    base = [sys.executable, "-m", "graph_cnn", "reproduce", *matrix]
    parallel = ("from graph_cnn import reproductions; from graph_cnn.harness import reproduce, "
                "schedule; import sys; ids = sys.argv[1:] or list(reproductions.pipelines("
                "False)); reproduce.run_matrix(schedule.matrix(ids, {budget!r}, range(1, {seeds} "
                "+ 1), {out!r}, registry='graph_cnn.reproductions', threads=1), "
                "reproduce.Processes(jobs=1))")
    rows = []
    with tempfile.TemporaryDirectory(prefix="graph_cnn-scale-") as tmp:
        def row(name, slots, wall, out):
            trained = _training_seconds(out)
            differ = differing_runs(f"{tmp}/serial", out)
            rows.append({"how": name, "slots": slots, "runs": len(trained),
                         "wall_seconds": round(wall, 1),
                         "training_seconds": round(sum(trained), 1),
                         "differing_from_serial": differ,
                         "load_average": [round(x, 2) for x in os.getloadavg()]})
            log(f"{name}: {wall:.0f}s wall, {len(trained)} runs, {sum(trained):.0f}s training, "
                f"{len(differ)} differing from the serial runs")

        out = f"{tmp}/serial"
        row("serial in one process (--threads 1)", 1,
            _timed(base + ["--threads", "1", "--out", out]), out)
        out = f"{tmp}/processes1"
        row("one process at a time (--jobs 1 in processes)", 1, _timed(
            [sys.executable, "-c", parallel.format(budget=budget, seeds=seeds, out=out)] + ids),
            out)
        out = f"{tmp}/jobs2"
        row("--jobs 2", 2, _timed(base + ["--jobs", "2", "--out", out]), out)
        for nodes in (1, 2):
            cluster = LocalCluster(Path(tmp) / f"cluster{nodes}")
            try:
                for _ in range(nodes):
                    cluster.add_node(cpus=1)
                out = f"{tmp}/ray{nodes}"
                row(f"--ray on {nodes} one-CPU node(s)", nodes, _timed(
                    base + ["--ray", cluster.address, "--out", out], cluster.env), out)
            finally:
                cluster.stop()
    by = {r["how"]: r for r in rows}
    one, two = by["--ray on 1 one-CPU node(s)"], by["--ray on 2 one-CPU node(s)"]
    runs_n = two["runs"]
    overhead = {
        "ray_1_node_vs_1_process": round(
            (one["wall_seconds"] - by["one process at a time (--jobs 1 in processes)"]
             ["wall_seconds"]) / runs_n, 1),
        "ray_2_nodes_vs_jobs_2": round((two["wall_seconds"] - by["--jobs 2"]["wall_seconds"])
                                       / runs_n, 1)}
    return {"matrix": " ".join(matrix), "rows": rows, "overhead_seconds_per_run": overhead,
            "commit": runs.git_commit(), "machine": runs.machine()}


def _save(path, key, value):
    path = Path(path)
    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = value
    fileio.write_json(path, data)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m graph_cnn.verify.scale",
                                     description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("paper", help="the committed table packed onto N nodes")
    p.add_argument("--results", default=str(runs.committed_results() or "reproductions/results"))
    p.add_argument("--slots", type=int, default=2, help="runs at a time per node (default 2)")
    p.add_argument("--save", metavar="PATH")
    p = sub.add_parser("measure", help="the matrix trained here five ways, timed")
    p.add_argument("ids", nargs="*")
    p.add_argument("--budget", default="quick", choices=("quick", "full"))
    p.add_argument("--seeds", type=int, default=1)
    p.add_argument("--save", metavar="PATH")
    args = parser.parse_args(argv)
    if args.what == "paper":
        report = on_paper(args.results, args.slots)
        for row in report["rows"]:
            print(f"{row['nodes']:3d} node(s), {row['slots']:3d} slots: "
                  f"{row['wall_hours']:6.2f} h  (x{row['speedup']})")
        print(f"{report['runs']} runs, {report['total_hours']} h of training; the longest, "
              f"{report['longest_run']['run']}, {report['longest_run']['seconds']:.0f}s, is the "
              f"wall from {report['stops_scaling_at_nodes']} node(s) on")
        key = "on_paper"
    else:
        report = measure(args.ids, args.budget, args.seeds)
        print(json.dumps(report["overhead_seconds_per_run"]))
        key = f"measured_{args.budget}"
    if args.save:
        _save(args.save, key, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
