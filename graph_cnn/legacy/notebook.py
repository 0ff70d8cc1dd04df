"""``graph-cnn legacy NOTEBOOK.ipynb``: a TF1 notebook executed unchanged in a real Jupyter kernel
with graph_cnn's TF1 layer installed (nbclient and ipykernel: ``pip install graph_cnn[notebook]``).
The executed notebook, outputs included, is written beside it as ``NAME.executed.ipynb``; the
notebook itself is never changed."""

import sys
from pathlib import Path

from graph_cnn.errors import GraphCnnError

SETUP = "%load_ext graph_cnn.legacy"  # the first thing the kernel runs, removed from the output


def executed_path(path):
    path = Path(path)
    return path.with_name(path.stem + ".executed.ipynb")


def run(path, data_dir=None, kernel_name="python3", timeout=None):
    """Execute every cell in order in a fresh kernel; returns 0, or 1 when a cell raised (its
    error is printed in one line naming the cell; the notebook up to there is still written)."""
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
    except ImportError:
        raise GraphCnnError("running a notebook needs nbclient and ipykernel: pip install "
                            "'graph_cnn[notebook]'") from None
    from graph_cnn.fileio import write_text

    path = Path(path)
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # noqa: BLE001  nbformat raises several kinds for a bad file
        raise GraphCnnError(f"{path}: not a readable Jupyter notebook ({exc})") from None
    out = executed_path(path)
    nb.cells.insert(0, nbformat.v4.new_code_cell(SETUP))
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name, allow_errors=False,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    code = 0
    try:
        client.execute()
    except CellExecutionError as exc:
        index = next((i for i, c in enumerate(nb.cells)
                      if any(o.get("output_type") == "error" for o in c.get("outputs", ()))), 0)
        last = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        print(f"{path}: cell {index} raised {last}", file=sys.stderr)
        code = 1
    finally:
        nb.cells.pop(0)
        write_text(out, nbformat.writes(nb))
    print(f"wrote {out}")
    return code
