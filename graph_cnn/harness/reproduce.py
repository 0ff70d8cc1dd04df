"""Run pipelines over seeds and record each run: the body of every reproduction script and of
``graph-cnn reproduce``. A matrix of runs is a list of :class:`~.schedule.RunRequest` that an
executor trains: :class:`Serial` (this process), :class:`Processes` (``--jobs``) or
:class:`~.ray_backend.RayTasks` (``--ray``); :func:`run_one` is one run, whichever process
trains it."""

import dataclasses
import os
import shutil
import sys
from pathlib import Path

from graph_cnn import fileio, quiet
from graph_cnn.errors import GraphCnnError
from graph_cnn.harness import devices, runs, schedule

DEFAULT_OUT = "runs"


def reproduce(pipeline, budget="quick", seeds=(1,), out=DEFAULT_OUT, data_dir=None,
              threads=None, log=print, progress=None, force=False):
    """Train ``pipeline`` (any Pipeline object, a changed one too) once per seed in this
    process; write ``result.json`` and a checkpoint per run. Every run's folder is checked
    before any work starts; a finished run is skipped (``force``: run again and replace it); an
    unfinished one continues from its last checkpoint. Returns the result dicts."""
    requests = schedule.matrix([pipeline.id], budget, seeds, out, data_dir=data_dir,
                               threads=threads, force=force)
    with _tidy(requests):
        runs.check_outputs(requests)
        return [run_one(r, pipeline, log, progress) for r in requests]


def run_one(request, pipeline=None, log=print, progress=None):
    """Train one request's run in this process (``pipeline``: the request's own by default),
    unless it finished before and is not forced; returns its result dict."""
    pipeline = pipeline or request.load()
    folder = request.folder
    log(f"== {pipeline.id} ({pipeline.title}), budget {request.budget}, seed {request.seed} "
        f"-> {folder}")
    result = runs.finished(folder)
    if result is not None and not request.force:
        log(f"== {pipeline.id} seed {request.seed}: skipped, finished earlier (add --force to "
            f"run it again)")
        return result
    try:
        with runs.claim(folder) as partial:
            result = _run(pipeline, request, partial, log, progress)
    except fileio.OutputError as exc:
        raise exc.resuming("run the same command again to resume") from exc
    final = result["final"]
    status = result["status"] + (", as expected" if result["status"] == "diverged"
                                 and pipeline.expected_divergence else "")
    log(f"== {pipeline.id} seed {request.seed}: {status}, test accuracy "
        f"{final['test_acc']:.4f}, {result['provenance']['seconds']:.0f}s")
    return result


def _run(pipeline, request, partial, log, progress):
    """One claimed run: train in ``partial`` (resuming what it holds), write ``result.json``,
    then rename ``partial`` to the run folder."""
    from graph_cnn.harness.train import resume_state, train

    budget, seed, threads = request.budget, request.seed, request.threads
    result = runs.finished(partial)
    if result is not None:  # complete, killed before it was renamed into place
        log("the run was complete; moved into place")
    else:
        resume = partial / runs.RESUME
        if resume_state(resume, pipeline, budget, seed, threads, request.force, log) is None:
            runs.empty(partial)  # starting: nothing of an earlier attempt is kept
        commit = runs.git_commit()  # of the code that trains, read before it starts
        result = train(pipeline, budget, seed, data_dir=request.data_dir, threads=threads,
                       log=log, progress=progress, checkpoint=partial / "model.ckpt",
                       artifacts=partial, resume=resume)
        result["provenance"] = runs.provenance(pipeline, budget, seed, result.pop("seconds"),
                                               commit, result.pop("threads"),
                                               result.pop("towers"))
        resumed_at = result.pop("resumed_at")
        if resumed_at:
            result["provenance"]["resumed_at"] = resumed_at
        fileio.write_json(partial / "result.json", result)
    shutil.rmtree(partial / runs.RESUME, ignore_errors=True)
    runs.publish(partial, request.folder)
    return result


def images_to_train(pipeline, budget_name):
    """Training images a run at ``budget_name`` goes through (see :mod:`.schedule`)."""
    return schedule.images_to_train(pipeline, budget_name)


def prepare_process(device=None, verbose=False):
    """Make this process ready to train on ``device`` (``--device``; None: what TensorFlow
    finds): the device's environment set before TensorFlow first looks for GPUs, TensorFlow
    imported without its start-up chatter (``verbose``: with it), the device checked."""
    devices.use(device)
    quiet.import_tensorflow(verbose=verbose)
    devices.resolve(device)


def _tidy(requests):
    """The runs folders and ``<out>/<id>`` folders of ``requests``, made as needed and removed
    again if a refused or failed command leaves them empty."""
    return fileio.removing_empty(*{Path(r.out) / r.pipeline for r in requests})


def run_matrix(requests, executor, log=print, progress=None):
    """Check every run's folder before any work starts, then train ``requests`` with
    ``executor`` (:class:`Serial`, :class:`Processes`, ``ray_backend.RayTasks``). Returns the
    runs that diverged, as "id seed N" strings (a diverged run is recorded, not a failure);
    raises GraphCnnError naming the runs that failed."""
    with _tidy(requests):
        runs.check_outputs(requests)
        return executor.run(requests, log=log, progress=progress)


class Executor:
    """How a matrix of runs is trained: ``run(requests, log, progress)`` trains each request
    (skipping finished runs unless forced), writes a line per run to ``log``, and returns the
    diverged runs as "id seed N" strings; a failed run raises GraphCnnError naming it (after
    the other runs ended). ``device`` and ``verbose`` are the command's, set on every
    request."""

    def __init__(self, device=None, verbose=False):
        self.device, self.verbose = devices.check(device), verbose

    def run(self, requests, log=print, progress=None):
        raise NotImplementedError


class Serial(Executor):
    """Every run in this process, one after another, in the matrix's order."""

    def run(self, requests, log=print, progress=None):
        prepare_process(self.device, self.verbose)
        diverged = []
        for request in requests:
            request = dataclasses.replace(request, device=self.device, verbose=self.verbose)
            if run_one(request, log=log, progress=progress)["status"] != "ok":
                diverged.append(request.label)
        return diverged


class Processes(Executor):
    """Every run in a process of its own (:mod:`.child`), ``jobs`` at a time (``jobs`` per GPU
    with ``device`` gpu), longest first, each with the request's threads (default: the CPUs
    shared out). Separate processes scale better than threads for these small graphs, and a
    process per run keeps each run's thread settings and seed exactly as in a serial run.

    SIGINT and SIGTERM sent to this process are forwarded to the running children, which it
    waits for; then it raises KeyboardInterrupt (SIGINT) or GraphCnnError (SIGTERM). A child's
    failure is one line in the summary (its last error line, not its traceback)."""

    def __init__(self, jobs=2, device=None, verbose=False):
        super().__init__(device, verbose)
        self.jobs = jobs

    def run(self, requests, log=print, progress=None):
        import concurrent.futures
        import queue
        import signal
        import subprocess
        import tempfile
        import threading
        import time

        device, gpus = devices.resolve(self.device)
        slots = self.jobs * gpus if device == "gpu" else self.jobs
        todo, skipped = schedule.plan(requests)
        threads = {r: schedule.threads_per_run(r.threads, slots) for r in requests}
        free = queue.SimpleQueue()
        workers = max(1, min(slots, len(todo)))  # a huge --jobs starts no idle threads
        for slot in range(workers):
            free.put(slot)
        lock, stop, signals, children = threading.Lock(), threading.Event(), [], {}
        start = time.perf_counter()
        verbose = self.verbose

        def one(request, show):
            slot = free.get()
            try:
                command, env = schedule.child_command(dataclasses.replace(
                    request, threads=threads[request], device=device, verbose=verbose))
                env = dict(os.environ, **env, **devices.environment(
                    device, slot % gpus if device == "gpu" else None))
                with tempfile.TemporaryFile("w+") as errors:
                    with lock:  # a signal handler either sees this child or stops it starting
                        if stop.is_set():
                            return None
                        # its own session: a terminal's Ctrl-C reaches the children only
                        # through this process, once
                        child = subprocess.Popen(command, stdout=subprocess.PIPE,
                                                 stderr=errors, text=True, env=env,
                                                 start_new_session=True)
                        children[child] = request
                    for line in child.stdout:
                        if verbose or not quiet.is_chatter(line):
                            show(f"[{request.pipeline} {request.seed}] {line.rstrip()}")
                    code = child.wait()
                    with lock:
                        del children[child]
                    if code == 0:
                        return schedule.read_outcome(request)
                    errors.seek(0)
                    # a child stopped by a signal
                    shutil.rmtree(runs.partial_dir(request.folder), ignore_errors=True)
                    return schedule.Outcome(request, "failed",
                                            note=schedule.failure(code, errors.read()))
            finally:
                free.put(slot)

        def forward(signum, frame):
            stop.set()
            signals.append(signum)
            with lock:  # the first signal is forwarded; a second one kills the children
                for child in children:
                    child.send_signal(signum if len(signals) == 1 else signal.SIGKILL)

        handled = (signal.SIGINT, signal.SIGTERM)
        main = threading.current_thread() is threading.main_thread()
        previous = {s: signal.signal(s, forward) for s in handled} if main else {}
        outcomes = []
        try:
            with schedule.Progress(len(todo), log, progress) as bar, \
                    concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
                futures = [pool.submit(one, request, bar.write) for request in todo]
                for future in concurrent.futures.as_completed(futures):
                    outcome = future.result()
                    if outcome is not None:
                        outcomes.append(outcome)
                        bar.done(outcome)
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
        if signals:
            stopped = [o.request.label for o in outcomes if o.status == "failed"]
            if signals[0] == signal.SIGINT:
                raise KeyboardInterrupt
            raise GraphCnnError(
                f"stopped by {signal.Signals(signals[0]).name}: {len(stopped)} run(s) stopped "
                f"({', '.join(stopped) or 'none'}), {len(todo) - len(outcomes)} not started; "
                f"finished runs are kept")
        each = sorted(set(threads.values()))
        how = (f"{self.jobs} per GPU on {gpus} GPU(s)" if device == "gpu"
               else f"{self.jobs} at a time") + (
            f" with {'/'.join(map(str, each))} thread(s) each")
        return schedule.summarize(outcomes, skipped, time.perf_counter() - start, how, log)


SMOKE_TEST = ("Quick budget: a smoke test of each pipeline (seconds, on a slice of the data), not "
              "the articles' figures; --budget full trains as the articles did.")


def summarise(pipelines, budget, diverged, log=print, warn=None):
    """The end of ``graph-cnn reproduce``: diverged runs, each as expected (the article's own
    account predicts it) or not (on stderr), and what a quick budget's figures are worth."""
    warn = warn or (lambda line: print(line, file=sys.stderr))
    by_id = {p.id: p for p in pipelines}
    expected = [d for d in diverged if by_id[d.split()[0]].expected_divergence]
    for pid in dict.fromkeys(d.split()[0] for d in expected):
        runs_of = [d for d in expected if d.split()[0] == pid]
        log(f"{', '.join(runs_of)} diverged, as expected: {by_id[pid].expected_divergence}")
    others = [d for d in diverged if d not in expected]
    if others:
        warn(f"graph-cnn: {len(others)} run(s) diverged (recorded as such): {', '.join(others)}")
    if budget == "quick":
        log(SMOKE_TEST)
