"""Errors that graph_cnn reports to a user as one line saying what went wrong and what to do."""

import errno


class GraphCnnError(Exception):
    """Base of every error the command line prints as a single line and exits non-zero on."""


class DataError(GraphCnnError):
    """A data file is missing, corrupt, or could not be fetched."""


class TrainingError(GraphCnnError):
    """Training cannot go on (for example the loss became NaN or infinite)."""


def not_provided(name):
    """The one-line error for a TF1 name the layer lacks (``tf.contrib.factorization``)."""
    return (f"{name} is not provided by graph_cnn's TF1 layer; `graph-cnn legacy --check "
            f"SCRIPT` lists every such name a script uses")


_OS_HINTS = {errno.ENOSPC: "free some space or choose another folder",
             errno.EDQUOT: "free some space or choose another folder",
             errno.EACCES: "check its permissions or choose another path",
             errno.EPERM: "check its permissions or choose another path",
             errno.EROFS: "choose a folder on a writable file system",
             errno.ENOTDIR: "a part of the path is a file, not a folder: choose another path",
             errno.EISDIR: "it is a folder: give a file path",
             errno.EEXIST: "something is already there (a file where a folder is needed?): "
                           "choose another path",
             errno.ENOENT: "check the path"}


def _os_error_line(exc):
    """An OSError from the user's files or machine as one line: the path, the system's words for
    what went wrong, and what to do."""
    where = ": ".join(str(f) for f in (exc.filename, exc.filename2) if f is not None)
    what = exc.strerror or str(exc) or type(exc).__name__
    hint = _OS_HINTS.get(exc.errno, "check the path and the machine")
    return f"{where + ': ' if where else ''}{what}; {hint}"


def one_line(exc):
    """The line a command ends with for a fault in the user's input or machine (a GraphCnnError
    or an OSError), after ``graph-cnn: error: ``."""
    return str(exc) if isinstance(exc, GraphCnnError) else _os_error_line(exc)
