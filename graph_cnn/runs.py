"""Run directories: what one training run leaves behind, and where it came from.

``<out>/<id>/<budget>-seed<seed>/`` holds ``result.json`` (final figures, per-epoch or per-step
records, status, provenance: seed, budget, git commit, library versions, machine, seconds) and the
checkpoint ``model.ckpt``. Every file is written to a temporary name and renamed.
"""

import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "reproductions" / "results"


def write_text(path, text):
    """Write ``text`` to ``path`` atomically (temporary file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_json(path, obj):
    """``obj`` as JSON, atomically; a ``records`` list is written one record per line."""
    records = obj.get("records") if isinstance(obj, dict) else None
    if records is None:
        return write_text(path, json.dumps(obj, indent=1) + "\n")
    head = json.dumps({k: v for k, v in obj.items() if k != "records"}, indent=1)
    lines = ",\n".join("  " + json.dumps(r) for r in records)
    write_text(path, head[:-2] + ',\n "records": [\n' + lines + "\n ]\n}\n")


def git_commit():
    """HEAD of the checkout graph_cnn runs from, '+dirty' when it has uncommitted changes."""
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head or "unknown") + ("+dirty" if dirty else "")


def versions():
    import cv2
    import numpy
    import scipy
    import sklearn
    import tensorflow

    import graph_cnn
    return {"python": platform.python_version(), "tensorflow": tensorflow.__version__,
            "numpy": numpy.__version__, "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__, "opencv": cv2.__version__,
            "graph_cnn": graph_cnn.__version__}


def machine():
    """Platform, processor and CPU count: where a figure was measured."""
    return {"platform": platform.platform(), "processor": platform.machine(),
            "cpus": os.cpu_count()}


def peak_memory_mb():
    """This process's peak resident memory so far, in MB (None where the OS does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / (1 << 20 if sys.platform == "darwin" else 1 << 10), 1)


def provenance(pipeline, budget_name, seed, seconds, commit=None, threads=None, towers=None):
    """Where a run's figures come from. ``threads`` and ``towers`` matter to the last float bit:
    the same seed repeats exactly only with the same ones (and the same machine)."""
    budget = pipeline.budget(budget_name)
    return {
        "seed": seed, "budget": budget_name,
        "epochs": budget.epochs, "steps": budget.steps, "train_limit": budget.train_limit,
        "batch_size": pipeline.batch_size, "commit": commit or git_commit(), "versions": versions(),
        "machine": machine(), "threads": threads, "towers": towers,
        "seconds": round(seconds, 1), "peak_memory_mb": peak_memory_mb(),
        "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def run_dir(out, pipeline_id, budget_name, seed):
    return Path(out) / pipeline_id / f"{budget_name}-seed{seed}"


def load_results(out, budget_name=None):
    """Every ``result.json`` under ``out``, as dicts, grouped by pipeline id."""
    grouped = {}
    for path in sorted(Path(out).glob("*/*/result.json")):
        result = json.loads(path.read_text())
        if budget_name is None or result["budget"] == budget_name:
            grouped.setdefault(result["id"], []).append(result)
    return grouped
