"""The benchmark's workers run and report a rate (a smoke test: no timing is asserted)."""

import subprocess
import sys

import pytest

from graph_cnn import bench


@pytest.mark.parametrize("kind", ["ours", "keras"])
def test_bench_worker_reports_images_per_second(kind):
    done = subprocess.run([sys.executable, "-m", "graph_cnn.bench", "--worker", kind,
                           "chollet_dense", "--batches", str(bench.WARMUP + 2)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert float(done.stdout.strip().splitlines()[-1]) > 0


def test_uncovered_pipelines_are_said_not_measured():
    (row,) = bench.run(["barter_selu"])
    assert row["graph_cnn_ips"] is None and "no tf.keras/PyTorch twin" in row["note"]
