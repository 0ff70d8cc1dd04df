"""TensorFlow without its start-up chatter.

Importing TensorFlow 2.21 writes absl's "All log messages before absl::InitializeLog()" warning,
oneDNN's and the CUDA stub's info lines (twice: two libraries log them) and, at the first device
query, "failed call to cuInit" on machines without a GPU. They are logged before TensorFlow reads
``TF_CPP_MIN_LOG_LEVEL``, so no environment variable hides them (``TF_ENABLE_ONEDNN_OPTS=0`` would,
but changes the numerics). :func:`import_tensorflow` imports TensorFlow and lists its devices
with the process's stderr (file descriptor 2) sent to a temporary file, then writes back every
line that is not such chatter, so real errors and warnings still show.
"""

import contextlib
import logging
import os
import re
import sys
import tempfile

# start-up lines: absl's pre-init warning, info lines (absl's "I0000 ..." and TSL's
# "2025-01-01 00:00:00.000: I ..."), cpu_feature_guard's second line, and the error lines that
# only say there is no GPU or that CUDA plugins were registered twice
_CHATTER = re.compile(
    r"WARNING: All log messages before absl::InitializeLog\(\)"
    r"|I\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+:\d+\] "
    r"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: I "
    r"|To enable the following instructions: "
    r"|This TensorFlow binary is optimized "
    r"|(E\d{4} \d\d:\d\d:\d+\.\d+ +\d+ |\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: E ).*"
    r"(failed call to cuInit|Unable to register cu\w+ factory)"
    r"|(W\d{4} \d\d:\d\d:\d+\.\d+ +\d+ |\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: W ).*"
    r"TF-TRT Warning: Could not find TensorRT")


def is_chatter(line):
    """Whether ``line`` is one of TensorFlow's start-up lines (not an error a user must see)."""
    return bool(_CHATTER.match(line))


def import_tensorflow(verbose=False):
    """Import TensorFlow and query its devices with the start-up chatter filtered out of stderr;
    returns the module. ``TF_CPP_MIN_LOG_LEVEL`` defaults to 2 (no C++ info or warning lines
    later), for this process and the processes it starts. ``verbose``: import it as it is, every
    line shown."""
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    if verbose:
        import tensorflow
        return tensorflow
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            import tensorflow
            tensorflow.config.list_physical_devices()  # cuInit's line comes here
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            kept = [line for line in capture.read().decode(errors="replace")
                    .splitlines(keepends=True) if not is_chatter(line)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()
    return tensorflow


@contextlib.contextmanager
def tensorflow_warnings_hidden(verbose=False):
    """Inside: TensorFlow's Python warnings ("WARNING:tensorflow:From ...: X is deprecated" and
    its "Instructions for updating") not written, errors still are; ``verbose``: all shown. For
    a command that calls TF1 APIs itself, where the notices tell the user nothing to do."""
    logger = logging.getLogger("tensorflow")  # the logger tf.get_logger() returns
    level = logger.level
    if not verbose:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
