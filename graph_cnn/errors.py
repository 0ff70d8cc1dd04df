"""Errors that graph_cnn reports to a user as one line saying what went wrong and what to do."""


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
