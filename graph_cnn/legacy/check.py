"""``graph-cnn legacy --check``: read a TF1 script or notebook without running it and list every
TensorFlow name it uses that graph_cnn's TF1 layer does not provide, with its line.

The names are found in the code (``ast``): the modules the script binds from ``tensorflow``
(``import tensorflow as tf``, ``import tensorflow.contrib.slim as slim``, ``from tensorflow.contrib
import rnn``, ``from tensorflow.examples.tutorials.mnist import input_data``) and every attribute
chain read from them. Each is then resolved against the layer the runner installs, the same
lookup the script itself would make, so the report cannot drift from what runs.
"""

import ast
import importlib
import inspect
import io
import json
import tokenize
import types
from pathlib import Path

from graph_cnn.errors import GraphCnnError


def source_of(path):
    """A script's text, or a notebook's code cells joined (IPython magics and shell lines
    blanked, so line numbers count within the joined text); returns ``(text, cell_starts)``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GraphCnnError(f"{path}: cannot read it ({exc.strerror or exc}); give a TF1 .py "
                            f"script or .ipynb notebook") from None
    if not data.strip():
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


def _dotted(node):
    """``tf.contrib.layers`` for an Attribute chain on a Name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def uses(tree):
    """``[(line, dotted tensorflow name)]``: imports of tensorflow modules and names, and every
    attribute chain read from a name bound to one."""
    bound = {}  # local name -> the tensorflow dotted path it stands for
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "tensorflow":
                    found.append((node.lineno, alias.name))
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    else:
                        bound["tensorflow"] = "tensorflow"
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module.split(".")[0] == "tensorflow":
                for alias in node.names:
                    if alias.name != "*":
                        name = f"{node.module}.{alias.name}"
                        found.append((node.lineno, name))
                        bound[alias.asname or alias.name] = name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and not isinstance(getattr(node, "_parent", None),
                                                               ast.Attribute):
            dotted = _dotted(node)
            if dotted is None:
                continue
            head, _, rest = dotted.partition(".")
            if head in bound:
                found.append((node.lineno, f"{bound[head]}.{rest}"))
    return sorted(set(found))


def _mark_parents(tree):
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child._parent = node


def _namespace(value):
    return isinstance(value, types.ModuleType) or type(value).__name__ == "SimpleNamespace"


def resolve(dotted):
    """None when the installed layer provides ``dotted`` (``tensorflow.a.b``), else the first
    missing prefix. Attributes of classes and objects (``tf.Session().run``) are not checked."""
    parts = dotted.split(".")
    try:
        value = importlib.import_module(parts[0])
    except ImportError:
        return parts[0]
    for i in range(1, len(parts)):
        if not _namespace(value):
            return None  # a class, function or constant: the rest is its own API
        name = ".".join(parts[:i + 1])
        try:
            value = getattr(value, parts[i])
        except AttributeError:
            try:  # a submodule not yet imported (tensorflow.contrib.slim)
                value = importlib.import_module(name)
            except ImportError:
                return name
        except Exception:  # noqa: BLE001  a lazy loader that fails is a missing name too
            return name
        if inspect.isclass(value) or callable(value) and not _namespace(value):
            return None
    return None


def check(path):
    """``[(line, name, where)]`` of every TF name the script uses that the layer lacks;
    ``where`` names the notebook cell when ``path`` is a notebook."""
    from graph_cnn.legacy import runner

    text, cells = source_of(path)
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise GraphCnnError(f"{path}:{exc.lineno}: not valid Python 3 ({exc.msg}); TF1 scripts "
                            f"written for Python 2 need 2to3 first") from None
    _mark_parents(tree)
    runner.install(quiet=True)
    missing, seen = [], set()
    for line, dotted in uses(tree):
        absent = resolve(dotted)
        if absent and absent not in seen:
            seen.add(absent)
            missing.append((line, "tf" + absent[len("tensorflow"):], _cell_of(line, cells)))
    return missing, len(uses(tree))


def _cell_of(line, cells):
    if not cells:
        return ""
    start, index = max((s for s in cells if s[0] <= line), default=(1, 0))
    return f" (cell {index + 1}, line {line - start + 1})"


def report(path):
    """The lines ``graph-cnn legacy --check`` prints, and its exit code."""
    missing, count = check(path)
    lines = [f"{path}:{line}{where}: {name} is not provided by graph_cnn's TF1 layer"
             for line, name, where in missing]
    if missing:
        lines.append(f"{len(missing)} of the TensorFlow names {Path(path).name} uses are not "
                     f"provided; it would stop at the first of them")
        return lines, 1
    lines.append(f"{Path(path).name}: all {count} TensorFlow names it uses are provided")
    return lines, 0
