"""Commands that use TensorFlow print nothing of TensorFlow's on stderr without --verbose: no
start-up lines, no deprecation notices (``export``'s are in tests/tools/test_tools.py, beside
its trained run)."""

import subprocess
import sys

from conftest import ROOT, run_cli

# bench's workers are separate processes whose stderr bench keeps; what a user could see comes
# from the bench command's own process, run here with the timing stubbed (seconds, not minutes)
_BENCH = """
import sys
from graph_cnn import cli
from graph_cnn.verify import bench
bench.measure = lambda kind, pid, batches: 1000.0
sys.exit(cli.main(["bench", "chollet_dense"] + sys.argv[1:]))
"""


def test_equivalence_writes_nothing_on_stderr():
    result = run_cli("equivalence", "chollet_dense", "--steps", "1")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "PASS" in result.stdout
    assert result.stderr == ""


def test_bench_writes_nothing_on_stderr():
    result = subprocess.run([sys.executable, "-c", _BENCH], capture_output=True, text=True,
                            timeout=300, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines()[1].split()[:2] == ["chollet_dense", "1000"]
    assert result.stderr == ""
