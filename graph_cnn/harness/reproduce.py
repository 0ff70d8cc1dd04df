"""Run a pipeline over seeds and record each run: the body of every reproduction script and of
``graph-cnn reproduce``."""

import shutil
import sys

from graph_cnn import fileio
from graph_cnn import quiet
from graph_cnn.errors import GraphCnnError
from graph_cnn.harness import child as child_process
from graph_cnn.harness import devices, runs, schedule

DEFAULT_OUT = "runs"


def reproduce(pipeline, budget="quick", seeds=(1,), out=DEFAULT_OUT, data_dir=None,
              threads=None, log=print, progress=None, force=False):
    """Train ``pipeline`` once per seed; write ``result.json`` and a checkpoint per run. Every
    run's folder is checked before any work starts; a finished run is skipped (``force``: run
    again and replace it); an unfinished one continues from its last checkpoint. Returns the
    result dicts."""
    runs.check_outputs(out, [pipeline.id], budget, seeds, force)
    results = []
    for seed in seeds:
        folder = runs.run_dir(out, pipeline.id, budget, seed)
        log(f"== {pipeline.id} ({pipeline.title}), budget {budget}, seed {seed} -> {folder}")
        result = runs.finished(folder)
        if result is not None and not force:
            log(f"== {pipeline.id} seed {seed}: skipped, finished earlier (add --force to run it "
                f"again)")
        else:
            try:
                with runs.claim(folder) as partial:
                    result = _run(pipeline, budget, seed, folder, partial, data_dir, threads, log,
                                  progress, force)
            except fileio.OutputError as exc:
                raise exc.resuming("run the same command again to resume") from exc
            final = result["final"]
            status = result["status"] + (", as expected" if result["status"] == "diverged"
                                         and pipeline.expected_divergence else "")
            log(f"== {pipeline.id} seed {seed}: {status}, test accuracy "
                f"{final['test_acc']:.4f}, {result['provenance']['seconds']:.0f}s")
        results.append(result)
    return results


def _run(pipeline, budget, seed, folder, partial, data_dir, threads, log, progress, force):
    """One claimed run: train in ``partial`` (resuming what it holds), write ``result.json``,
    then rename ``partial`` to ``folder``."""
    from graph_cnn.harness.train import resume_state, train

    result = runs.finished(partial)
    if result is not None:  # complete, killed before it was renamed into place
        log("the run was complete; moved into place")
    else:
        resume = partial / runs.RESUME
        if resume_state(resume, pipeline, budget, seed, threads, force, log) is None:
            runs.empty(partial)  # starting: nothing of an earlier attempt is kept
        commit = runs.git_commit()  # of the code that trains, read before it starts
        result = train(pipeline, budget, seed, data_dir=data_dir, threads=threads, log=log,
                       progress=progress, checkpoint=partial / "model.ckpt", artifacts=partial,
                       resume=resume)
        result["provenance"] = runs.provenance(pipeline, budget, seed, result.pop("seconds"),
                                               commit, result.pop("threads"),
                                               result.pop("towers"))
        resumed_at = result.pop("resumed_at")
        if resumed_at:
            result["provenance"]["resumed_at"] = resumed_at
        fileio.write_json(partial / "result.json", result)
    shutil.rmtree(partial / runs.RESUME, ignore_errors=True)
    runs.publish(partial, folder)
    return result


def images_to_train(pipeline, budget_name):
    """Training images a run at ``budget_name`` goes through (see :mod:`.schedule`)."""
    return schedule.images_to_train(pipeline, budget_name)




def run_parallel(pipelines, budget, seeds, out, data_dir=None, threads=None, jobs=2, log=print,
                 device=None, force=False, progress=None, verbose=False):
    """Every (pipeline, seed) run in its own ``graph-cnn reproduce`` process, ``jobs`` at a time
    (``jobs`` per GPU with ``device`` gpu), longest first, each with ``threads`` TensorFlow
    threads (default: the CPUs shared out); runs finished before are skipped unless ``force``.
    Separate processes scale better than threads for these small graphs, and a process per run
    keeps each run's thread settings and seed exactly as in a serial run.

    SIGINT and SIGTERM sent to this process are forwarded to the running children, which it
    waits for; then it raises KeyboardInterrupt (SIGINT) or GraphCnnError (SIGTERM). A child's
    failure is one line in the summary (its last error line, not its traceback). Returns the
    diverged runs; raises GraphCnnError naming the failed ones."""
    import concurrent.futures
    import os
    import queue
    import signal
    import subprocess
    import tempfile
    import threading
    import time

    device, gpus = devices.resolve(device)
    slots = jobs * gpus if device == "gpu" else jobs
    todo, skipped = schedule.plan(pipelines, budget, seeds, out, force)
    threads = schedule.threads_per_run(threads, slots)
    free = queue.SimpleQueue()
    for slot in range(slots):
        free.put(slot)
    lock, stop, signals, children = threading.Lock(), threading.Event(), [], {}
    start = time.perf_counter()

    def one(run, show):
        slot = free.get()
        try:
            command, env = child_process.command(schedule.reproduce_arguments(
                run.pipeline.id, budget, run.seed, out, threads, data_dir, force)
                + (["--verbose"] if verbose else []))
            env = dict(os.environ, **env, **devices.environment(
                device, slot % gpus if device == "gpu" else None))
            with tempfile.TemporaryFile("w+") as errors:
                with lock:  # a signal handler either sees this child or stops it starting
                    if stop.is_set():
                        return None
                    # its own session: a terminal's Ctrl-C reaches the children only through
                    # this process, once
                    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors,
                                             text=True, env=env, start_new_session=True)
                    children[child] = run
                for line in child.stdout:
                    if line.rstrip() != SMOKE_TEST and (
                            verbose or not quiet.is_chatter(line)):
                        show(f"[{run.pipeline.id} {run.seed}] {line.rstrip()}")
                code = child.wait()
                with lock:
                    del children[child]
                if code == 0:
                    return schedule.read_outcome(run, out)
                errors.seek(0)
                partial = run.folder(out).with_name(run.folder(out).name + ".partial")
                shutil.rmtree(partial, ignore_errors=True)  # a child stopped by a signal
                return schedule.Outcome(run, "failed",
                                        note=child_process.failure(code, errors.read()))
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
                concurrent.futures.ThreadPoolExecutor(max_workers=slots) as pool:
            futures = [pool.submit(one, run, bar.write) for run in todo]
            for future in concurrent.futures.as_completed(futures):
                outcome = future.result()
                if outcome is not None:
                    outcomes.append(outcome)
                    bar.done(outcome)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if signals:
        stopped = [o.run.label for o in outcomes if o.status == "failed"]
        if signals[0] == signal.SIGINT:
            raise KeyboardInterrupt
        raise GraphCnnError(
            f"stopped by {signal.Signals(signals[0]).name}: {len(stopped)} run(s) stopped "
            f"({', '.join(stopped) or 'none'}), {len(todo) - len(outcomes)} not started; "
            f"finished runs are kept")
    how = (f"{jobs} per GPU on {gpus} GPU(s)" if device == "gpu" else f"{jobs} at a time") + (
        f" with {threads} thread(s) each")
    return schedule.summarize(outcomes, skipped, time.perf_counter() - start, how, log)


def run_matrix(pipelines, budget, seeds, out=DEFAULT_OUT, data_dir=None, threads=None, jobs=1,
               log=print, ray=None, device=None, force=False, verbose=False):
    """Every (pipeline, seed) run: in this process one after another; with ``jobs`` > 1 side by
    side in separate processes; with ``ray`` (an address, "auto", or "local" for a Ray of its
    own) as Ray tasks. Returns the runs that diverged, as "id seed N" strings (a diverged run is
    recorded, not a failure)."""
    runs.check_outputs(out, [p.id for p in pipelines], budget, seeds, force)
    if ray is not None:
        from graph_cnn.harness.ray_backend import run_ray

        return run_ray(pipelines, budget, seeds, out, address=ray, data_dir=data_dir,
                       threads=threads, jobs=jobs, device=device, force=force, log=log)
    if jobs > 1:
        return run_parallel(pipelines, budget, seeds, out, data_dir, threads, jobs, log=log,
                            device=device, force=force, verbose=verbose)
    if device is not None:
        devices.use(devices.resolve(device)[0])
    diverged = []
    for pipeline in pipelines:
        for result in reproduce(pipeline, budget, seeds, out, data_dir, threads, log=log,
                                force=force):
            if result["status"] != "ok":
                diverged.append(f"{pipeline.id} seed {result['seed']}")
    return diverged


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
