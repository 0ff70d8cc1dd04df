"""``graph-cnn legacy NOTEBOOK.ipynb``: a TF1 notebook executed unchanged in a real Jupyter kernel
with graph_cnn's TF1 layer installed (nbclient and ipykernel: ``pip install graph_cnn[notebook]``).
The executed notebook, outputs included, is written beside it as ``NAME.executed.ipynb``; the
notebook itself is never changed.

Cells are numbered as the notebook counts them (1 for its first cell, markdown included, as
``legacy --check`` does); the layer is loaded as a kernel extension, so no cell is added and the
execution counts are the notebook's own. A run that stops (a cell raised, Ctrl-C, SIGTERM from a
time limit, the per-cell ``timeout``, the kernel died) says so in one line, and the executed copy
clears every code cell this execution did not run and marks it in its metadata, so a stopped run
never looks finished. The kernel's start-up chatter is hidden unless ``verbose``.
"""

import asyncio
import contextlib
import os
import re
import signal
import sys
import tempfile
import types
import warnings
from pathlib import Path

from graph_cnn.errors import GraphCnnError

SETUP = "%load_ext graph_cnn.legacy"  # what a user types to load the layer in an open kernel
EXTENSION = "graph_cnn.legacy"  # loaded by the kernel at start-up (IPython's --ext)
MARK = "graph_cnn_legacy"  # the metadata key marking cells this execution did not run
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# the kernel's own start-up lines that say nothing about the notebook
_KERNEL_CHATTER = re.compile(r"\[IPKernelApp\] WARNING \| Kernel is running over TCP")
# how each stop is told, and its exit code (130 and 143: the shell's codes for SIGINT, SIGTERM)
_SIGNALS = {"SIGINT": ("stopped by Ctrl-C", 130),
            "SIGTERM": ("stopped by SIGTERM (a time limit such as timeout(1), or kill)", 143)}


def executed_path(path):
    path = Path(path)
    return path.with_name(path.stem + ".executed.ipynb")


def _client_class():
    """nbclient's client, told which signal stopped it, and cleaning the kernel up once (nbclient
    alone kills the kernel on a signal, then fails an assertion cleaning it up again)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    class Client(NotebookClient):
        stopped_by = None
        reached = ()

        @contextlib.asynccontextmanager
        async def async_setup_kernel(self, **kwargs):
            async with super().async_setup_kernel(**kwargs):
                loop = asyncio.get_event_loop()
                for sig in (signal.SIGINT, signal.SIGTERM):
                    with contextlib.suppress(RuntimeError, NotImplementedError):
                        loop.add_signal_handler(sig, self._stop, sig)
                yield

        def _stop(self, sig):
            self.stopped_by = signal.Signals(sig).name
            self.shutdown_kernel = "immediate"
            asyncio.ensure_future(self._async_cleanup_kernel())

        async def _async_cleanup_kernel(self):
            if self.km is not None:
                with contextlib.suppress(Exception):
                    await super()._async_cleanup_kernel()
                self.km = self.kc = None

        async def _async_check_alive(self):
            if self.kc is None:
                raise DeadKernelError("Kernel died")
            await super()._async_check_alive()

    return Client


def _first_line(text):
    lines = _ANSI.sub("", str(text)).strip().splitlines()
    return lines[0].strip() if lines else ""


def _error_of(cell):
    """``Name: message`` of the error a cell raised, without IPython's colour codes."""
    for output in cell.get("outputs", ()):
        if output.get("output_type") == "error":
            return ": ".join(filter(None, (_first_line(output.get("ename", "")),
                                           _first_line(output.get("evalue", "")))))
    return ""


def _mark_not_run(nb, reached, stopped, reason):
    """Clear and mark every code cell this execution did not run, and the one it stopped in."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if index not in reached:
            cell.outputs, cell.execution_count = [], None
            cell.metadata[MARK] = f"not run: the run {reason} at cell {stopped + 1}"
        elif index == stopped and reason != "raised":
            cell.metadata[MARK] = f"stopped in this cell: the run {reason}"


def _stop_line(path, client, exc, stopped, total, timeout):
    """One line saying where and why the run stopped, and its exit code."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    where = f"cell {stopped + 1} of {total}"
    if client.stopped_by in _SIGNALS:
        said, code = _SIGNALS[client.stopped_by]
        return f"{path}: {said} while {where} ran", code, "was stopped"
    if isinstance(exc, CellTimeoutError):
        return (f"{path}: {where} ran past the time limit of {timeout} s per cell", 124,
                "ran past its time limit")
    if isinstance(exc, CellExecutionError):
        error = _error_of(client.nb.cells[stopped]) or _first_line(exc) or type(exc).__name__
        return f"{path}: {where} raised {error}", 1, "raised"
    return (f"{path}: the kernel died while {where} ran ({_first_line(exc) or type(exc).__name__}"
            f"; out of memory?)"), 1, "lost its kernel"


def run(path, data_dir=None, kernel_name="python3", timeout=None, verbose=False):
    """Execute every cell in order in a fresh kernel; returns 0, or non-zero when the run stopped
    (a cell raised: 1; Ctrl-C: 130; SIGTERM: 143; a cell past ``timeout`` seconds: 124), said in
    one line naming the cell. The executed copy is written either way."""
    try:
        import nbformat
        from nbclient.exceptions import (
            CellControlSignal,
            CellExecutionError,
            DeadKernelError,
        )
    except ImportError:
        raise GraphCnnError("running a notebook needs nbclient and ipykernel: pip install "
                            "'graph_cnn[notebook]'") from None
    from graph_cnn.fileio import write_text

    path = Path(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nbformat's notes on missing cell ids, old minors
            nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # noqa: BLE001  nbformat raises several kinds for a bad file
        raise GraphCnnError(f"{path}: not a readable Jupyter notebook ({exc})") from None
    out = executed_path(path)
    reached = []
    client = _client_class()(
        nb, timeout=timeout, kernel_name=kernel_name, allow_errors=False,
        extra_arguments=[f"--ext={EXTENSION}"],
        on_cell_execute=lambda cell, cell_index: reached.append(cell_index),
        resources={"metadata": {"path": str(path.parent.resolve())}})
    code = 0
    if verbose:
        os.environ["GRAPH_CNN_LEGACY_VERBOSE"] = "1"  # the kernel shows TF's deprecations
    with _kernel_stderr(verbose) as stderr:
        try:
            client.execute(**({} if stderr.file is None else {"stderr": stderr.file}))
            if client.stopped_by:  # a signal between two cells
                raise DeadKernelError("Kernel stopped")
        except (CellExecutionError, CellControlSignal, DeadKernelError, RuntimeError) as exc:
            stopped = reached[-1] if reached else 0
            line, code, reason = _stop_line(path, client, exc, stopped, len(nb.cells), timeout)
            print(line, file=sys.stderr)
            stderr.keep = code == 1  # a cell's error or a dead kernel: what the kernel said
            _mark_not_run(nb, set(reached), stopped, reason)
        finally:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                write_text(out, nbformat.writes(nb))
    print(f"wrote {out}")
    return code


@contextlib.contextmanager
def _kernel_stderr(verbose):
    """Where the kernel's stderr goes: ``.file``, whose lines are written back after the run
    less the kernel's and TensorFlow's start-up chatter, all of them dropped when ``.keep`` is
    set false (a run we stopped: the kernel's complaints about being shut down); ``.file`` is
    None (the kernel shares ours) when verbose."""
    if verbose:
        yield types.SimpleNamespace(file=None, keep=True)
        return
    from graph_cnn import quiet

    with tempfile.TemporaryFile() as capture:
        stderr = types.SimpleNamespace(file=capture, keep=True)
        try:
            yield stderr
        finally:
            capture.seek(0)
            kept = [line for line in capture.read().decode(errors="replace")
                    .splitlines(keepends=True)
                    if line.strip() and not quiet.is_chatter(line)
                    and not _KERNEL_CHATTER.match(line)]
            if stderr.keep:
                sys.stderr.write("".join(kept))
