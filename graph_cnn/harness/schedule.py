"""The run matrix as data and as a schedule, shared by every executor (this process, ``--jobs``
processes, ``--ray`` tasks): one :class:`RunRequest` per (pipeline, seed) run, which runs to train
and in which order (longest first), how many threads each gets, the command line of a run's own
process, and one outcome line per run with a summary at the end.

A run is finished when its folder holds ``result.json`` (written last, and the folder itself is
renamed into place complete); finished runs are skipped unless forced.
"""

import dataclasses
import functools
import importlib
import json
import os
import signal
import sys

from graph_cnn.errors import GraphCnnError
from graph_cnn.harness import runs

PARENT = "GRAPH_CNN_PARENT_PID"  # the process that started a run's process (see .child)


def images_to_train(pipeline, budget_name):
    """Training images a run at ``budget_name`` goes through: the cost runs are ordered by
    (longest first)."""
    from graph_cnn.data.augment import augmented_count

    budget = pipeline.budget(budget_name)
    if not budget.epochs:
        return budget.steps * pipeline.batch_size
    n = budget.train_limit or (55000 if pipeline.data == "input_data" else 60000)
    return budget.epochs * (augmented_count(n, pipeline.flip) if pipeline.augment else n)


@dataclasses.dataclass(frozen=True)
class RunRequest:
    """One (pipeline, seed) run as data: everything a process needs to train it, as JSON for a
    run's own process (:mod:`.child`) or a Ray task. ``registry`` names the module whose
    ``get(id)`` gives the pipeline (the caller's choice: the command line names
    ``graph_cnn.reproductions``), so that the harness knows no particular article; ``threads``
    None is every CPU; ``device`` as ``--device``; ``force`` trains a finished run again;
    ``verbose`` shows TensorFlow's start-up lines."""
    pipeline: str
    budget: str
    seed: int
    out: str
    registry: str = None
    data_dir: str = None
    threads: int = None
    device: str = None
    force: bool = False
    verbose: bool = False

    def to_json(self):
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text):
        """The request in ``text``; a one-line GraphCnnError for anything else."""
        try:
            fields = json.loads(text)
            return cls(**fields)
        except (ValueError, TypeError) as exc:
            raise GraphCnnError(f"not a run request ({exc}): {text[:80]!r}") from None

    def load(self):
        """The pipeline, from the registry module."""
        if not self.registry:
            raise GraphCnnError(f"the request for {self.label} names no pipeline registry")
        return _registry(self.registry).get(self.pipeline)

    @property
    def label(self):
        return f"{self.pipeline} seed {self.seed}"

    @property
    def folder(self):
        return runs.run_dir(self.out, self.pipeline, self.budget, self.seed)

    @property
    def cost(self):
        return images_to_train(self.load(), self.budget)


@functools.cache
def _registry(name):
    return importlib.import_module(name)


def matrix(pipeline_ids, budget, seeds, out, **fields):
    """The requests of every (pipeline, seed) run, pipeline by pipeline; ``fields`` as
    :class:`RunRequest`'s."""
    return [RunRequest(pid, budget, seed, str(out), **fields) for pid in pipeline_ids
            for seed in seeds]


def child_command(request):
    """The command line and environment entries of ``request``'s own process started by this
    one: ``python -m graph_cnn.harness.child REQUEST`` (see :mod:`.child`)."""
    return [sys.executable, "-m", "graph_cnn.harness.child", request.to_json()], {
        PARENT: str(os.getpid())}


def tensorflow_chatter(line):
    """TensorFlow's start-up log lines (``I0000 00:00:...``, absl's warning, CPU features)."""
    return ((line[:1] in "IWE" and line[1:5].isdigit()) or line.startswith(
        ("WARNING: All log messages", "To enable the following", "This TensorFlow binary")))


def failure(code, stderr_text):
    """One line for a run's process that failed: how it ended and its last error line (a
    traceback's last line, or the command's one-line error), not TensorFlow's chatter."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    lines = [line.strip() for line in stderr_text.splitlines()
             if line.strip() and not tensorflow_chatter(line)]
    return f"exit {code}" + (f": {lines[-1]}" if lines else "")


def finished(folder):
    """The rule for a finished run, the same for local and Ray runs: its result.json exists."""
    return (folder / "result.json").is_file()


def plan(requests):
    """(requests to train, longest first; requests of runs finished before, skipped). A forced
    request is trained again."""
    done = [r for r in requests if not r.force and finished(r.folder)]
    todo = [r for r in requests if r not in done]
    return sorted(todo, key=lambda r: -r.cost), done  # stable: ties keep the matrix order


def threads_per_run(threads, slots, cpus=None):
    """TensorFlow threads for each of ``slots`` runs side by side: ``threads`` when given, else
    the CPUs shared out (at least 1)."""
    if threads:
        return threads
    return max(1, (cpus or os.cpu_count() or 1) // slots)


@dataclasses.dataclass
class Outcome:
    """How one run ended: ``ok`` or ``diverged`` (both recorded in result.json), ``failed`` (no
    result), ``skipped`` (finished before). ``note`` says where it ran or why it failed."""
    request: RunRequest
    status: str
    test_acc: float = None
    seconds: float = None
    note: str = ""

    def line(self):
        text = f"{self.request.label}: {self.status}"
        if self.test_acc is not None:
            text += f", test accuracy {self.test_acc:.4f}"
        if self.seconds is not None:
            text += f", {self.seconds:.0f}s training"
        return text + (f" ({self.note})" if self.note else "")


def read_outcome(request, note=""):
    """The outcome recorded in ``request``'s result.json (failed when there is none)."""
    path = request.folder / "result.json"
    try:
        result = json.loads(path.read_text())
    except (OSError, ValueError):
        return Outcome(request, "failed", note=note or f"no readable {path}")
    return Outcome(request, result.get("status", "ok"), result.get("final", {}).get("test_acc"),
                   result.get("provenance", {}).get("seconds"), note)


class Progress:
    """One line per finished run: a tqdm bar over the matrix above them on a terminal, plain
    lines otherwise. ``write`` prints any other line without breaking the bar."""

    def __init__(self, total, log=print, show=None):
        from tqdm import tqdm

        self.total, self.count, self.log = total, 0, log
        show = sys.stderr.isatty() if show is None else show
        self.bar = tqdm(total=total, unit="run", desc="runs", file=sys.stderr, leave=False,
                        disable=not show or total == 0)

    def write(self, line):
        if self.bar.disable:
            self.log(line)
        else:
            self.bar.write(line, file=sys.stdout)

    def done(self, outcome):
        self.count += 1
        self.write(f"[{self.count}/{self.total}] {outcome.line()}")
        self.bar.update(1)

    def close(self):
        self.bar.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def summarize(outcomes, skipped, wall, how, log=print):
    """The closing lines: runs, wall time, how they ran, the runs skipped and the failures,
    one line each. Returns the diverged runs ("id seed N"); raises GraphCnnError naming the
    failed ones."""
    log(f"== {len(outcomes)} runs, {how}: {wall:.0f}s wall"
        + (f"; {len(skipped)} finished before, skipped (result.json present): "
           f"{', '.join(r.label for r in skipped)}" if skipped else ""))
    failed = sorted((o for o in outcomes if o.status == "failed"),
                    key=lambda o: (o.request.pipeline, o.request.seed))  # not in the order they ended
    for outcome in failed:
        log(f"== failed: {outcome.line()}")
    if failed:
        raise GraphCnnError(f"{len(failed)} of {len(outcomes)} run(s) failed: "
                            f"{', '.join(o.request.label for o in failed)}")
    return [o.request.label for o in outcomes if o.status == "diverged"]
