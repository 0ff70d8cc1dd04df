"""``graph-cnn reproduce ... --ray [ADDRESS]``: the run matrix as Ray tasks, one per (id, seed).

Each task declares the CPUs it trains with (its TensorFlow threads) and, on GPUs, its share of
one GPU; it trains its :class:`~.schedule.RunRequest` in a process of its own, exactly as
``--jobs`` does (see :mod:`.child`), into a private temporary folder on its node, and returns
that run folder as a tar archive. The driver unpacks it under ``--out`` atomically (a temporary
name beside it, then a rename), so workers need no shared file system. A worker or node lost
mid-run makes Ray run the task again (``max_retries``); an exception in the run itself is not
retried and is reported as that run's failure. The code travels with the job (``py_modules``:
this graph_cnn package), so workers run the driver's code and record the driver's commit.

Addresses: ``local`` (``--ray`` alone) starts a Ray of its own on 127.0.0.1 and stops it at the
end; ``auto`` or ``HOST:PORT`` joins a running cluster (``ray start``), which must answer within
:data:`ANSWER_SECONDS` before any work starts. A cluster that stops answering mid-run (its head
lost) for :data:`LOST_SECONDS` ends the command in one line naming the runs not finished; they
run again, locally or on the next ``--ray`` run. Ray's own log lines show only with
``--verbose``.
"""

import contextlib
import dataclasses
import io
import json
import logging
import os
import secrets
import shutil
import stat
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from graph_cnn import fileio
from graph_cnn.errors import GraphCnnError
from graph_cnn.harness import devices, runs, schedule
from graph_cnn.harness.reproduce import Executor

LOCAL = "local"
MAX_RETRIES = 3  # attempts after the first when a worker or node is lost
ANSWER_SECONDS = 5  # a cluster's head must answer within this before work starts
LOST_SECONDS = 15  # a head that does not answer for this long mid-run is lost
# Ray's C++ core ends the driver's process when the head is gone this long (its default: 60 s);
# longer, so that a lost cluster is noticed and said by us
RECONNECT_SECONDS = 600


def require_ray():
    """Fail with one line when Ray is not installed (without importing it: Ray reads some
    settings when imported, see :func:`loopback_only`)."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        raise GraphCnnError("--ray needs Ray: pip install 'graph_cnn[ray]' (or pip install ray)")


def is_loopback(address):
    """Whether ``address`` (None or "local": a Ray of our own) is on this machine's loopback."""
    if address in (None, LOCAL):
        return True
    host = address.rsplit(":", 1)[0].strip("[]") if ":" in address else address
    return host == "localhost" or host == "::1" or host.startswith("127.")


def check_address(address):
    """Refuse an ``--ray`` value that is not an address (a pipeline id after a bare --ray)."""
    if address not in (None, LOCAL, "auto") and (":" not in address or not address.rsplit(
            ":", 1)[1].isdigit()):
        raise GraphCnnError(f"--ray takes HOST:PORT, 'auto' or nothing, not {address!r} (to name "
                            f"pipeline ids, put them before --ray)")


def answers(address, timeout=ANSWER_SECONDS):
    """Whether a Ray head answers at HOST:PORT within ``timeout`` seconds: a TCP connection and
    an HTTP/2 (gRPC) handshake with its GCS server."""
    import socket

    import grpc

    host, port = address.rsplit(":", 1)
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except (OSError, ValueError):
        return False
    channel = grpc.insecure_channel(address)
    try:
        grpc.channel_ready_future(channel).result(timeout=timeout)
        return True
    except grpc.FutureTimeoutError:
        return False
    finally:
        channel.close()


def _no_cluster(address):
    return GraphCnnError(f"no Ray cluster answers at {address}; start one with `ray start "
                         f"--head` or drop --ray")


def _head_address(address):
    """HOST:PORT of the cluster ``address`` names ('auto': RAY_ADDRESS, else the cluster this
    machine started last), checked to answer; a one-line error otherwise."""
    if address == "auto":
        from ray._private import services

        try:
            address = services.canonicalize_bootstrap_address("auto")
        except (ConnectionError, ValueError):
            address = None
        if address is None:
            raise GraphCnnError("--ray auto: no Ray cluster started on this machine and no "
                                "RAY_ADDRESS; start one with `ray start --head` or drop --ray")
    if not answers(address):
        raise _no_cluster(address)
    return address


@contextlib.contextmanager
def _environ(**values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


LOOPBACK_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}


@contextlib.contextmanager
def loopback_only():
    """Ray on Linux turns 127.0.0.1 into the machine's network address and listens on every
    interface; its single-machine mode (its default on macOS and Windows) keeps every server on
    127.0.0.1. Switched on while this process starts or joins a Ray on the loopback, for it and
    the servers it starts (the variable is read when ray is imported; the constant is set too in
    case it was imported before)."""
    with _environ(**LOOPBACK_ENV):
        from ray._private import ray_constants

        saved = ray_constants.ENABLE_RAY_CLUSTER
        ray_constants.ENABLE_RAY_CLUSTER = False
        try:
            yield
        finally:
            ray_constants.ENABLE_RAY_CLUSTER = saved


@contextlib.contextmanager
def private_token():
    """A token of its own for a local Ray, unless the user chose how Ray authenticates: no other
    process can join it, and nothing is written to ~/.ray. Ray reads these variables when it is
    imported (its configuration is read again here in case it was imported before)."""
    if "RAY_AUTH_MODE" in os.environ or "RAY_AUTH_TOKEN" in os.environ:
        yield
        return
    with _environ(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=secrets.token_hex(32)):
        try:
            from ray._raylet import Config
        except ImportError:  # a Ray without token authentication: nothing to refresh
            pass
        else:
            Config.initialize("")
        yield


@contextlib.contextmanager
def _stderr_hidden(hide=True):
    """File descriptor 2 sent to /dev/null in the block (``hide``): Ray's C++ core logs a line or
    two at start-up whatever its log level (its errors still come as Python exceptions)."""
    if not hide:
        yield
        return
    sys.stderr.flush()
    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@contextlib.contextmanager
def connected(address, verbose=False):
    """Ray initialised for this process (``address``: "local", "auto" or HOST:PORT, which must
    answer first); yields (ray, the folder of a local Ray's logs or None when joined, the
    head's HOST:PORT or None) and shuts Ray down on leaving. Ray's log lines are hidden unless
    ``verbose``."""
    require_ray()
    package = Path(__file__).resolve().parents[1]
    options = {"runtime_env": {"py_modules": [str(package)]},
               "logging_level": logging.INFO if verbose else logging.ERROR,
               "log_to_driver": verbose}
    quiet = {} if verbose else {"RAY_BACKEND_LOG_LEVEL": "fatal"}  # its C++ core's lines
    temp = head = None
    with contextlib.ExitStack() as stack:
        if is_loopback(address):
            stack.enter_context(loopback_only())
        stack.enter_context(_environ(RAY_gcs_rpc_server_reconnect_timeout_s=str(
            RECONNECT_SECONDS), **quiet))
        import ray

        try:
            if address in (None, LOCAL):
                temp = tempfile.mkdtemp(prefix="graph_cnn-ray-")
                stack.enter_context(private_token())
                with _stderr_hidden(not verbose):
                    ray.init(address="local", include_dashboard=False, _temp_dir=temp,
                             **options)
            else:
                head = _head_address(address)
                with _stderr_hidden(not verbose):
                    ray.init(address=head, **options)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            if temp:
                shutil.rmtree(temp, ignore_errors=True)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise GraphCnnError(f"cannot start or join Ray at {address}: {first}") from None
        try:
            yield ray, temp, head
        finally:
            ray.shutdown()


def pack(folder):
    """A run folder as tar bytes (names relative to the folder)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path in sorted(Path(folder).rglob("*")):
            tar.add(path, arcname=str(path.relative_to(folder)), recursive=False)
    return buffer.getvalue()


def unpack(data, folder):
    """Write a packed run folder to ``folder`` the way a local run leaves it: extracted under a
    temporary name beside it, checked (plain files and folders inside it, result.json present),
    then renamed into place; nothing is left half-written."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".ray", dir=folder.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            for member in tar.getmembers():
                name = Path(member.name)
                if (name.is_absolute() or ".." in name.parts
                        or not (member.isfile() or member.isdir())):
                    raise GraphCnnError(f"a packed run for {folder} holds {member.name!r}, "
                                        f"which is not a plain file inside it")
            tar.extractall(tmp, filter="data")
        if not (tmp / "result.json").is_file():
            raise GraphCnnError(f"a packed run for {folder} has no result.json")
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod((stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO) & ~umask)  # as mkdir leaves it
        shutil.rmtree(folder, ignore_errors=True)  # an unfinished leftover (finished are skipped)
        tmp.rename(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class Attempts:
    """Where each run's attempts started (an actor on the driver's node): a run started on more
    than one node was retried after a worker or node was lost."""

    def __init__(self):
        self.nodes = {}

    def started(self, key, node):
        self.nodes.setdefault(key, []).append(node)

    def of(self, key):
        return self.nodes.get(key, [])


class RunFailed(Exception):
    """A run's process failed on its worker; the message is its one line."""


RUN_PREFIX = "graph_cnn-run-"


def _sweep_orphans():
    """Remove this node's run folders left by workers that died (a node or worker killed, a
    job stopped mid-run): their names carry the worker's process id."""
    for folder in Path(tempfile.gettempdir()).glob(f"{RUN_PREFIX}*-*"):
        pid = folder.name[len(RUN_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists() and sys.platform.startswith(
                "linux"):
            shutil.rmtree(folder, ignore_errors=True)


def train_run(request, commit, attempts):
    """The body of a Ray task: one request (as JSON) trained in a process of its own (as
    ``--jobs`` trains it) into a private folder on this node, returned packed."""
    import subprocess

    import ray

    node = ray.get_runtime_context().get_node_id()
    request = schedule.RunRequest.from_json(request)
    if attempts is not None:
        ray.get(attempts.started.remote(request.label, node))
    package_root = str(Path(__file__).resolve().parents[2])  # this job's graph_cnn
    _sweep_orphans()
    with tempfile.TemporaryDirectory(prefix=f"{RUN_PREFIX}{os.getpid()}-") as tmp:
        request = dataclasses.replace(request, out=tmp, force=False)
        command, env = schedule.child_command(request)
        env = dict(os.environ, **env, **devices.environment(request.device))
        env["PYTHONPATH"] = os.pathsep.join(
            [package_root] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True, env=env, cwd=tmp, check=False)
        if done.returncode != 0:
            raise RunFailed(schedule.failure(done.returncode, done.stderr))
        folder = request.folder
        if commit:  # the code ran is the driver's, shipped with the job
            result = json.loads((folder / "result.json").read_text())
            result["provenance"]["commit"] = commit
            fileio.write_json(folder / "result.json", result)
        return {"node": node, "archive": pack(folder)}


def _one_line(exc):
    cause = getattr(exc, "cause", None) or exc
    if isinstance(cause, RunFailed):
        return str(cause)
    text = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {text[0]}" if text else type(cause).__name__


def _device(device, resources, jobs):
    """(device, GPUs per task) on the cluster: None is gpu when the cluster has GPUs."""
    gpus = int(resources.get("GPU", 0))
    if devices.check(device) == "gpu" and not gpus:
        raise GraphCnnError("--device gpu: the Ray cluster has no GPU")
    device = device or ("gpu" if gpus else "cpu")
    return device, (1 / jobs if device == "gpu" else 0)


class RayTasks(Executor):
    """Every run as a Ray task at ``address`` (see the module), longest first, each with its
    request's threads as CPUs (default 1) and ``1/jobs`` of a GPU with ``device`` gpu; runs
    finished before are skipped unless forced. One line per run as it lands under its
    ``out``."""

    def __init__(self, address=LOCAL, jobs=1, device=None, verbose=False,
                 max_retries=MAX_RETRIES):
        super().__init__(device, verbose)
        check_address(address)
        self.address, self.jobs, self.max_retries = address, jobs, max_retries

    def run(self, requests, log=print, progress=None):
        todo, skipped = schedule.plan(requests)
        todo = [dataclasses.replace(r, threads=r.threads or 1, verbose=False) for r in todo]
        threads = max((r.threads for r in todo), default=1)
        commit = runs.git_commit()
        start = time.perf_counter()
        address, retries = self.address, self.max_retries
        with connected(address, self.verbose) as (ray, temp, head):
            from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

            resources = ray.cluster_resources()
            device, gpu_share = _device(self.device, resources, self.jobs)
            nodes = [n for n in ray.nodes() if n.get("Alive")]
            if todo and resources.get("CPU", 0) < threads:
                raise GraphCnnError(f"each run needs {threads} CPU(s) (--threads) and the Ray "
                                    f"cluster has {resources.get('CPU', 0):g}")
            log(f"== Ray at {address}: {resources.get('CPU', 0):g} CPU(s)"
                + (f", {resources.get('GPU', 0):g} GPU(s)" if resources.get("GPU") else "")
                + f" on {len(nodes)} node(s); {len(todo)} runs, {threads} CPU(s) each"
                + (f" and 1/{self.jobs} GPU" if gpu_share else "")
                + f", up to {retries} retries")
            here = ray.get_runtime_context().get_node_id()
            attempts = ray.remote(num_cpus=0, scheduling_strategy=NodeAffinitySchedulingStrategy(
                here, soft=False))(Attempts).remote()
            task = ray.remote(train_run)
            refs = {}
            for request in todo:
                request = dataclasses.replace(request, device=device)
                ref = task.options(num_cpus=request.threads, num_gpus=gpu_share,
                                   max_retries=retries, retry_exceptions=False,
                                   name=f"graph_cnn {request.label}").remote(
                    request.to_json(), commit, attempts)
                refs[ref] = request
            outcomes, pending = [], list(refs)
            try:
                with schedule.Progress(len(todo), log, progress) as bar:
                    silent_since = None
                    while pending:
                        ready, pending = ray.wait(pending, num_returns=1, timeout=2)
                        if ready:
                            outcome = _land(ray, refs[ready[0]], ready[0], attempts)
                            outcomes.append(outcome)
                            bar.done(outcome)
                        silent_since = _check_head(head, silent_since, [refs[r] for r in pending])
            except _Lost:
                raise
            except BaseException:
                for ref in pending:
                    ray.cancel(ref)  # interrupts the task: its process and folder are cleaned up
                ray.wait(pending, num_returns=len(pending), timeout=30)  # before the job ends
                raise
            if temp and any(o.status == "failed" for o in outcomes):
                log(f"== Ray's logs are kept in {temp}")
                temp = None
        if temp:
            shutil.rmtree(temp, ignore_errors=True)
        how = f"Ray tasks at {address} with {threads} CPU(s) each"
        return schedule.summarize(outcomes, skipped, time.perf_counter() - start, how, log)


class _Lost(GraphCnnError):
    """The cluster's head stopped answering mid-run."""


def _check_head(head, silent_since, unfinished):
    """Raise :class:`_Lost` naming the ``unfinished`` runs when the joined cluster's head (None:
    a Ray of our own) has not answered for LOST_SECONDS; returns since when it has not."""
    if head is None or answers(head, timeout=2):
        return None
    silent_since = silent_since or time.monotonic()
    if time.monotonic() - silent_since < LOST_SECONDS:
        return silent_since
    raise _Lost(f"the Ray cluster at {head} stopped answering; {len(unfinished)} run(s) not "
                f"finished: {', '.join(r.label for r in unfinished)} (the finished ones are "
                f"kept: run the same command again, with or without --ray, to train the rest)")


def _land(ray, run, ref, attempts):
    """A finished task's run unpacked under its ``out``, as its Outcome."""
    tried = lambda: ray.get(attempts.of.remote(run.label))
    try:
        reply = ray.get(ref)
    except ray.exceptions.RayTaskError as exc:  # the run itself failed: not retried
        return schedule.Outcome(run, "failed", note=_one_line(exc))
    except ray.exceptions.RayError as exc:  # its worker or node lost more often than retried
        return schedule.Outcome(run, "failed", note=f"{type(exc).__name__} after "
                                                    f"{len(tried())} attempt(s)")
    try:
        unpack(reply["archive"], run.folder)
    except (GraphCnnError, OSError, tarfile.TarError) as exc:
        return schedule.Outcome(run, "failed", note=f"unpacking: {exc}")
    nodes = tried()
    note = f"node {reply['node'][:8]}"
    if len(nodes) > 1:
        note += (f", attempt {len(nodes)}: retried after losing the worker on node(s) "
                 f"{', '.join(n[:8] for n in nodes[:-1])}")
    return schedule.read_outcome(run, note)
