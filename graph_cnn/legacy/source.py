"""A TF1 program's source as the runner and ``--check`` read it: a script's text, or a
notebook's code cells joined; a file that is neither is refused in one line naming it."""

import io
import json
import tokenize
from pathlib import Path

from graph_cnn.errors import GraphCnnError


def source_of(path, empty_ok=False):
    """A script's text, or a notebook's code cells joined (IPython magics and shell lines
    blanked, so line numbers count within the joined text); returns ``(text, cell_starts)``.
    A binary or (unless ``empty_ok``, as a package's ``__init__.py`` may be) empty file is
    refused in one line naming it."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GraphCnnError(f"{path}: cannot read it ({exc.strerror or exc}); give a TF1 .py "
                            f"script or .ipynb notebook") from None
    if not data.strip() and not empty_ok:
        raise GraphCnnError(f"{path}: the file is empty; give a TF1 .py script or .ipynb "
                            f"notebook")
    try:
        if b"\0" in data:
            raise ValueError("null bytes")
        encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
        text = data.decode(encoding)
    except (SyntaxError, ValueError, LookupError):  # UnicodeDecodeError is a ValueError
        raise GraphCnnError(f"{path}: binary data, not Python source; give a TF1 .py script or "
                            f".ipynb notebook") from None
    if path.suffix != ".ipynb":
        return text, None
    try:
        cells = json.loads(text)["cells"]
    except (ValueError, KeyError, TypeError):
        raise GraphCnnError(f"{path}: not a Jupyter notebook (no cells in its JSON)") from None
    lines, starts = [], []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        starts.append((len(lines) + 1, index))
        lines += [("" if line.lstrip().startswith(("%", "!")) else line)
                  for line in source.splitlines()] + [""]
    return "\n".join(lines), starts
