"""Run directories: what one training run leaves behind, and where it came from.

``<out>/<id>/<budget>-seed<seed>/`` holds ``result.json`` (final figures, per-epoch or per-step
records, status, provenance: seed, budget, git commit, library versions, machine, seconds) and the
checkpoint ``model.ckpt``. Every file is written to a temporary name and renamed.

A run trains in ``<run>.partial/``, which one process at a time holds (:func:`claim`) and which
keeps the resume state of an unfinished run; it is renamed to ``<run>`` when the run is complete.
"""

import contextlib
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from graph_cnn import fileio
from graph_cnn.errors import GraphCnnError

_CHECKOUT = Path(__file__).resolve().parents[2]  # the repository, when run from a checkout


def checkout():
    """The git checkout graph_cnn runs from, or None for an installed wheel."""
    return _CHECKOUT if (_CHECKOUT / ".git").exists() else None


def committed_results():
    """The checkout's committed full-budget results, or None outside a checkout."""
    repo = checkout()
    folder = repo / "reproductions" / "results" if repo else None
    return folder if folder and folder.is_dir() else None


def git_commit():
    """HEAD of the checkout graph_cnn runs from, '+dirty' when it has uncommitted changes; the
version for an installed wheel."""
    repo = checkout()
    if repo is None:
        import graph_cnn
        return f"graph_cnn {graph_cnn.__version__} (installed, no git checkout)"
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=10, check=False).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               timeout=10, check=False).stdout.strip()
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


def check_run_folder(folder):
    """Refuse in one line a folder that is not a finished run's (no result.json or checkpoint)
    before any work is done with it; returns it as a Path."""
    folder = Path(folder)
    if not (folder / "result.json").is_file() or not (folder / "model.ckpt.index").is_file():
        raise GraphCnnError(f"{folder}: not a run folder (needs result.json and model.ckpt); "
                            f"'graph-cnn reproduce ID' writes one")
    return folder


def run_dir(out, pipeline_id, budget_name, seed):
    return Path(out) / pipeline_id / f"{budget_name}-seed{seed}"


def partial_dir(folder):
    """Where the run of ``folder`` trains until it is complete."""
    folder = Path(folder)
    return folder.with_name(folder.name + ".partial")


RESUME = "resume"  # the resume state's subfolder
# what graph-cnn writes in a partial folder: a folder holding anything else is not its own
OWN_NAMES = (RESUME, "result.json", "checkpoint", "model.ckpt.*", "events.out.tfevents.*",
             "*.png", ".*.tmp*")


def ours(partial):
    """Whether ``partial`` holds only what graph-cnn writes there (an empty one too)."""
    import fnmatch

    return all(any(fnmatch.fnmatchcase(p.name, pattern) for pattern in OWN_NAMES)
               for p in Path(partial).iterdir())


def finished(folder):
    """The result of the finished run in ``folder``, or None when it holds none (no readable
    ``result.json`` with an id)."""
    try:
        result = json.loads((Path(folder) / "result.json").read_text())
    except (OSError, ValueError):
        return None
    return result if isinstance(result, dict) and "id" in result else None


def check_outputs(requests):
    """Check, before any work starts, that the folder of every requested run
    (:class:`~.schedule.RunRequest`) can be written, making the folders ``<out>/<id>``. Raises a
    one-line :class:`GraphCnnError` for a file where a folder goes (``--out``, a path under a
    file, ``<run>`` or ``<run>.partial``), a folder that cannot be written, a ``<run>.partial``
    graph-cnn did not make, or (unless forced) a ``<run>`` folder holding no finished run."""
    for out in dict.fromkeys(Path(r.out) for r in requests):
        if out.exists() and not out.is_dir():
            raise GraphCnnError(f"--out {out} is a file, not a folder; give --out a folder")
    by_parent = {}
    for request in requests:
        by_parent.setdefault(request.folder.parent, []).append(request)
    for parent, group in by_parent.items():
        fileio.ensure_folder(parent, "the runs folder")
        if any(r.force or finished(r.folder) is None for r in group):
            _check_writable(parent)  # (runs all finished and skipped leave the folder as it is)
        for request in group:
            folder = request.folder
            partial = partial_dir(folder)
            for path, what in ((folder, "the run folder"),
                               (partial, "the folder of the unfinished run")):
                if path.exists() and not path.is_dir():
                    raise GraphCnnError(f"{path} is a file where {what} goes; move it away and "
                                        f"run the same command again")
            if partial.is_dir() and not ours(partial):
                raise GraphCnnError(f"{partial} exists and was not made by graph-cnn; move it "
                                    f"away and run the same command again")
            if folder.is_dir() and not request.force and finished(folder) is None and any(
                    folder.iterdir()):
                raise GraphCnnError(f"{folder} exists but holds no finished run (no readable "
                                    f"result.json); move it away, or add --force to replace it")


def _check_writable(folder):
    try:
        fileio.probe_writable(folder)
    except OSError as exc:
        raise GraphCnnError(f"cannot write in {folder} ({exc.strerror}); give --out a folder "
                            f"you can write to") from exc


@contextlib.contextmanager
def claim(folder):
    """Hold ``<run>.partial`` (made if missing) for this process: an exclusive lock on the folder
    itself, which follows it when it is renamed to the run folder and ends when the process
    does, killed or not. Another process holding it: a one-line error. Yields the partial
    folder, removed on leaving if it is empty then (a run that failed before it saved
    anything). (Without ``fcntl``, on Windows, nothing is locked.)"""
    try:
        import fcntl
    except ImportError:
        fcntl = None
    partial = partial_dir(folder)
    while True:
        fileio.ensure_folder(partial)
        if fcntl is None:
            yield partial
            return
        try:
            fd = os.open(partial, os.O_RDONLY)
        except FileNotFoundError:  # renamed to the run folder by the process that held it
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise GraphCnnError(f"another graph-cnn process is training {folder} (it holds "
                                f"{partial}); wait for it to end, or give another --out") from None
        try:
            same = os.stat(partial).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # locked a folder that was renamed meanwhile: try the new one
    try:
        yield partial
    finally:
        with contextlib.suppress(OSError):  # renamed into place, or holding resume state
            partial.rmdir()
        os.close(fd)


def empty(partial):
    """Remove everything in a claimed partial folder (a run starting over)."""
    for path in Path(partial).iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def publish(partial, folder):
    """Rename the complete ``partial`` to ``folder``, replacing a finished run there (--force):
    the old one is moved to a private name first and removed once the new one is in place."""
    old = None
    if folder.exists():
        old = fileio.temporary_name(folder)
        os.replace(folder, old)
    os.replace(partial, folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)

