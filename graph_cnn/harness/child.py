"""The process one run of a matrix trains in (``--jobs`` and ``--ray``):
``python -m graph_cnn.harness.child REQUEST``, REQUEST a :class:`~.schedule.RunRequest` as JSON
text (or the path of a file holding it). It trains the run as ``graph-cnn reproduce`` would in
this process, and dies with the process that started it (Linux: the parent death signal), so a
parent killed outright leaves no run training on. A fault is one line on stderr and exit 1
(Ctrl-C: 130), as the command line ends."""

import os
import signal
import sys
from pathlib import Path

from graph_cnn import errors
from graph_cnn.harness import reproduce, schedule


def die_with_parent():
    """Ask the kernel for SIGKILL when the parent exits; exit at once if it already has."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    expected = os.environ.get(schedule.PARENT)
    if expected and os.getppid() != int(expected):
        sys.exit(f"graph-cnn: the process that started this run ({expected}) is gone")


def read_request(argument):
    """The request in ``argument``: JSON text, or the path of a JSON file."""
    text = argument if argument.lstrip().startswith("{") else Path(argument).read_text()
    return schedule.RunRequest.from_json(text)


def main(argv):
    if len(argv) != 1:
        print("usage: python -m graph_cnn.harness.child REQUEST (a run request as JSON, or a "
              "JSON file)", file=sys.stderr)
        return 2
    try:
        request = read_request(argv[0])
        reproduce.prepare_process(request.device, request.verbose)
        reproduce.run_one(request)
    except KeyboardInterrupt:
        print("graph-cnn: interrupted", file=sys.stderr)
        return 130
    except (errors.GraphCnnError, OSError) as exc:
        print(f"graph-cnn: error: {errors.one_line(exc)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    die_with_parent()
    sys.exit(main(sys.argv[1:]))
