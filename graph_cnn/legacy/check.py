"""``graph-cnn legacy --check``: read a TF1 program without running it (the script or notebook
and every module of its own it imports, recursively) and list every TensorFlow name it uses that
graph_cnn's TF1 layer does not provide, and every NumPy/SciPy/scikit-learn/matplotlib name that
moved since: given back by the runner (:mod:`graph_cnn.legacy.drift`), or missing; every module
it imports that is not here (not installed, or Python 2's); what only Python 2 had (``xrange``,
``.iteritems()``, ``urllib.urlretrieve``); and every file path written into it
that belongs to another machine (``/Users/...``, ``C:\\...``): each with its file and line.

The names are found in the code (``ast``): the modules the script binds from ``tensorflow``
(``import tensorflow as tf``, ``import tensorflow.contrib.slim as slim``, ``from tensorflow.contrib
import rnn``, ``from tensorflow.examples.tutorials.mnist import input_data``) and every attribute
chain read from them. Each is then resolved against the layer the runner installs, the same
lookup the script itself would make, so the report cannot drift from what runs.
"""

import ast
import importlib
import inspect
import re
import sys
import types
import warnings
from pathlib import Path

from graph_cnn.errors import GraphCnnError
from graph_cnn.legacy.source import source_of


def _dotted(node):
    """``tf.contrib.layers`` for an Attribute chain on a Name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


ROOTS = ("tensorflow", "numpy", "scipy", "sklearn", "matplotlib")  # the libraries checked
# provided, but they find or start a TPU: a program runs here only on its use_tpu=False path
NEEDS_TPU = ("tensorflow.contrib.cluster_resolver.TPUClusterResolver",
             "tensorflow.distribute.cluster_resolver.TPUClusterResolver",
             "tensorflow.contrib.distribute.TPUStrategy",
             "tensorflow.distribute.experimental.TPUStrategy",
             "tensorflow.contrib.distribute.initialize_tpu_system",
             "tensorflow.tpu.experimental.initialize_tpu_system",
             "tensorflow.contrib.tpu.initialize_system")


def _bindings(tree, roots=ROOTS):
    """``({local name: dotted path}, [(line, dotted)] of the imports, [star-imported modules])``
    for the module-level imports of ``roots`` in ``tree``."""
    bound, found, stars = {}, [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in roots:
                    found.append((node.lineno, alias.name))
                    head = alias.name.split(".")[0]
                    bound[alias.asname or head] = alias.name if alias.asname else head
        elif isinstance(node, ast.ImportFrom) and node.module:
            if not node.level and node.module.split(".")[0] in roots:
                for alias in node.names:
                    if alias.name != "*":
                        name = f"{node.module}.{alias.name}"
                        found.append((node.lineno, name))
                        bound[alias.asname or alias.name] = name
            elif any(alias.name == "*" for alias in node.names):
                stars.append((node.level, node.module))
    return bound, found, stars


def uses(tree, bound=None, roots=("tensorflow",)):
    """``[(line, dotted name)]`` of ``roots``' modules and names: the imports, and every
    attribute chain read from a name bound to one (``bound``: names the module got from
    elsewhere, ``from utils import *``)."""
    own, found, _ = _bindings(tree, roots)
    bound = {**(bound or {}), **own}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and not isinstance(getattr(node, "_parent", None),
                                                               ast.Attribute):
            dotted = _dotted(node)
            if dotted is None:
                continue
            head, _, rest = dotted.partition(".")
            if head in bound and bound[head].split(".")[0] in roots:
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


def _parse(path, text):
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise GraphCnnError(f"{path}:{exc.lineno}: not valid Python 3 ({exc.msg}); TF1 scripts "
                            f"written for Python 2 need 2to3 first") from None
    _mark_parents(tree)
    return tree


def _local_module(name, level, importer, root):
    """The file of the program's own module ``name`` (``from .. import`` levels counted from
    the importing file), or None for a library."""
    base = root if not level else importer.parent.joinpath(*[".."] * (level - 1)).resolve()
    target = base.joinpath(*name.split(".")) if name else base
    for candidate in (target.with_suffix(".py"), target / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_files(tree, importer, root):
    """The program's own modules ``tree`` imports (their packages' ``__init__`` files too)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = [(module, node.level)] + [
                (f"{module}.{alias.name}" if module else alias.name, node.level)
                for alias in node.names if alias.name != "*"]
        else:
            continue
        for name, level in names:
            parts = name.split(".") if name else [""]
            for depth in range(1, len(parts) + 1):  # a.b.c: a, a.b and a.b.c
                file = _local_module(".".join(parts[:depth]), level, importer, root)
                if file is not None:
                    found.append(file)
    return found


def program(path):
    """The program ``path`` starts: ``[(file, tree, notebook cells or None)]``, the script first,
    then every module of its own it imports, recursively (files in the script's folder and
    below, found as Python would from there)."""
    path = Path(path)
    root = path.resolve().parent
    text, cells = source_of(path)
    files, seen, queue = [], {path.resolve()}, [(path, text, cells)]
    while queue:
        file, text, cells = queue.pop(0)
        tree = _parse(file, text)
        files.append((file, tree, cells))
        for module in _imported_files(tree, Path(file).resolve(), root):
            if module.resolve() not in seen:
                seen.add(module.resolve())
                queue.append((module, *source_of(module, empty_ok=True)))
    return files


def _star_bindings(files, root):
    """Each file's library names including those it takes with ``from module import *`` from
    the program's own modules (one level, as is usual)."""
    own = {Path(file).resolve(): _bindings(tree)[0] for file, tree, _ in files}
    bound = {}
    for file, tree, _ in files:
        names = {}
        for level, module in _bindings(tree)[2]:
            source = _local_module(module, level, Path(file).resolve(), root)
            names.update(own.get(source.resolve(), {}) if source else {})
        bound[Path(file).resolve()] = names
    return bound


def _library_name(dotted):
    return ("np" + dotted[len("numpy"):]) if dotted.startswith("numpy.") else dotted


def _drift_findings(tree):
    """``[(line, message, blocking)]`` for the keyword and method renames the runner handles
    (found by the name called, on any object)."""
    from graph_cnn.legacy import drift

    keywords = {}
    for (owner, old), (new, removed) in drift.KEYWORD_NAMES.items():
        keywords[(owner.rpartition(".")[2], old)] = (owner.rpartition(".")[2], new, removed)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            for keyword in node.keywords:
                if (called, keyword.arg) in keywords:
                    name, new, removed = keywords[(called, keyword.arg)]
                    said = (f"provided by the runner: {name}({keyword.arg}=) -> {name}({new}) "
                            f"(removed in {removed})")
                    found.append((node.lineno, said, False))
        elif isinstance(node, ast.Attribute) and node.attr in drift.METHODS:
            value = node.value
            if node.attr in ("set_window_title", "tostring_rgb") and not (
                    isinstance(value, ast.Attribute) and value.attr == "canvas"):
                continue
            new, removed = drift.METHODS[node.attr]
            said = f"provided by the runner: .{node.attr} -> {new} (removed in {removed})"
            found.append((node.lineno, said, False))
    return found


def _module_name(dotted):
    """The real name of the module ``dotted`` reaches (``matplotlib.pyplot.cm``:
    ``matplotlib.cm``), or None when it is not a module."""
    parts = dotted.split(".")
    try:
        value = importlib.import_module(parts[0])
        for part in parts[1:]:
            value = getattr(value, part)
    except Exception:  # noqa: BLE001  anything missing or failing: not a module we can name
        return None
    return value.__name__ if isinstance(value, types.ModuleType) else None


def _library_finding(dotted, seen):
    """What ``--check`` says of a NumPy/SciPy/scikit-learn/matplotlib name: provided by the
    runner, missing from the installed library (with what replaced it, where known), or None."""
    from graph_cnn.legacy import drift

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        absent = resolve(dotted)
        parent, _, leaf = (absent or "").rpartition(".")
        real = f"{_module_name(parent)}.{leaf}" if parent and _module_name(parent) else absent
    for name in (dotted, absent, real):
        if name in drift.NAMES:
            now, removed = drift.NAMES[name]
            return (f"provided by the runner: {_library_name(name)} -> {now} "
                    f"(removed in {removed})"), False
    if absent is None or absent in seen:
        return None
    seen.add(absent)
    root = absent.split(".")[0]
    version = getattr(sys.modules.get(root), "__version__", "")
    hint = drift.SUGGEST.get(real) or drift.SUGGEST.get(absent)
    return (f"{_library_name(absent)} is not in the installed {root} {version} and the runner "
            f"does not provide it" + (f"; use {hint}" if hint else ""), True)


# Python 2's standard modules, by what replaced them in Python 3
PYTHON_2 = {"cPickle": "pickle", "urllib2": "urllib.request", "StringIO": "io", "cStringIO": "io",
            "Queue": "queue", "ConfigParser": "configparser", "httplib": "http.client",
            "HTMLParser": "html.parser", "urlparse": "urllib.parse", "Tkinter": "tkinter",
            "commands": "subprocess", "itertools.izip": "zip"}
# import name -> the package to install, where they differ
PACKAGES = {"cv2": "opencv-python", "PIL": "Pillow", "skimage": "scikit-image",
            "sklearn": "scikit-learn", "yaml": "PyYAML", "bs4": "beautifulsoup4",
            "gym": "gymnasium (or gym)", "Bio": "biopython"}


def _guarded(node):
    """Whether ``node`` sits in a ``try`` with a handler (an optional import), or in a
    function (needed only if it runs)."""
    while node is not None:
        node = getattr(node, "_parent", None)
        if isinstance(node, ast.Try) and node.handlers:
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return True
    return False


def _import_findings(tree, importer, root):
    """``[(line, message, blocking)]`` for each module the file imports that is not here: not
    installed, not the program's own, Python 2's, or ``tf`` (the alias, imported as a module:
    fails on TF1 too). Optional (``try``) and function-level imports are left out."""
    import importlib.util

    found, said = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module]
        else:
            continue
        if _guarded(node):
            continue
        for name in names:
            top = name.split(".")[0]
            if (top in said or top == "__future__" or top in sys.builtin_module_names
                    or _local_module(top, 0, importer, root) is not None):
                continue
            try:
                here = importlib.util.find_spec(top) is not None
            except (ImportError, ValueError):
                here = False
            if here:
                continue
            said.add(top)
            if top in PYTHON_2:
                message = (f"imports {top}, a Python 2 module (Python 3: {PYTHON_2[top]}); "
                           f"the program needs Python 2 or 2to3")
            elif top == "tf":
                message = (f"imports {name}: there is no module tf (tf is the name "
                           f"`import tensorflow as tf` binds); this fails on TF1 too")
            else:
                message = (f"imports {top}, which is not installed here "
                           f"(pip install {PACKAGES.get(top, top)})")
            found.append((node.lineno, message, True))
    return found


# Python 2's builtins, functions and methods, by what Python 3 has instead
PYTHON_2_BUILTINS = {"xrange": "range", "raw_input": "input", "unicode": "str",
                     "basestring": "str", "long": "int", "unichr": "chr", "execfile": "exec",
                     "reduce": "functools.reduce", "cmp": "a key function"}
PYTHON_2_METHODS = {"iteritems": "items", "itervalues": "values", "iterkeys": "keys",
                    "has_key": "the in operator"}
PYTHON_2_URLLIB = {"urlretrieve": "urllib.request", "urlopen": "urllib.request",
                   "urlencode": "urllib.parse", "quote": "urllib.parse", "unquote": "urllib.parse",
                   "quote_plus": "urllib.parse"}


def _bound_names(tree):
    """Every name the module binds anywhere: assignments, imports, functions, arguments."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return bound


def _python2_findings(tree):
    """``[(line, message, blocking)]``, once per name, for what only Python 2 had: builtins
    (``xrange``), dict methods (``.iteritems()``), ``urllib``'s old functions."""
    bound = _bound_names(tree)
    urllib = {a.asname or a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
              for a in node.names if a.name == "urllib"}
    found, said = [], set()
    for node in ast.walk(tree):
        name = now = None
        if (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
                and node.id in PYTHON_2_BUILTINS and node.id not in bound):
            name, now = node.id, PYTHON_2_BUILTINS[node.id]
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id in urllib and node.attr in PYTHON_2_URLLIB):
            name, now = f"urllib.{node.attr}", f"{PYTHON_2_URLLIB[node.attr]}.{node.attr}"
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in PYTHON_2_METHODS):
            name, now = f".{node.func.attr}()", PYTHON_2_METHODS[node.func.attr]
        if name and name not in said:
            said.add(name)
            message = f"{name} is Python 2's (Python 3: {now}): the program was written for it"
            found.append((node.lineno, message, True))
    return found


_WINDOWS_PATH = re.compile(r"^[A-Za-z]:[\\/]")


def _path_findings(tree):
    """``[(line, message, blocking)]`` for file paths written into the program that cannot
    exist on this machine: another machine's folders (``/Users/...``, ``/Library/...``, a
    home folder not here) or a Windows drive."""
    found, said = [], set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        text = node.value
        if not text or len(text) > 300 or "\n" in text or " " in text.strip("/"):
            continue
        if _WINDOWS_PATH.match(text) and sys.platform != "win32":
            missing = f"the drive {text[:2]}"
        elif text.startswith("/") and text.count("/") >= 2 and not Path(text).exists():
            parts = Path(text).parts  # ('/', 'Users', 'me', ...)
            first = Path("/", parts[1])
            if parts[1] in ("tmp", "var", "dev", "proc"):
                continue
            if not first.exists():
                missing = str(first)
            elif parts[1] == "home" and len(parts) > 3 and not Path(*parts[:3]).exists():
                missing = str(Path(*parts[:3]))
            else:
                continue
        else:
            continue
        if text not in said:
            said.add(text)
            said_here = (f"the path {text!r} cannot exist here ({missing} is not on this "
                         f"machine): the author's own; change it")
            found.append((node.lineno, said_here, True))
    return found


def _fallback_spans(tree):
    """The lines a program wrote to run only where a name exists: ``try`` bodies with a handler
    and the handlers (the other version's way), and ``if`` branches whose test names it (``if "concat_v2" in dir(tf):``,
    ``hasattr(tf, "scalar_summary")``): ``([(first, last)], [(first, last, {words})])``."""
    tries, branches = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and node.handlers:
            tries.append((node.body[0].lineno, node.body[-1].end_lineno))
            tries.extend((h.lineno, h.end_lineno) for h in node.handlers)  # the other way
        elif isinstance(node, ast.If):
            words = {n.value for n in ast.walk(node.test)
                     if isinstance(n, ast.Constant) and isinstance(n.value, str)}
            if words:
                branches.append((node.lineno, node.end_lineno, words))
    return tries, branches


def _falls_back(spans, line, absent):
    """Whether the use of the missing name ``absent`` at ``line`` is in such a place."""
    tries, branches = spans
    leaf = absent.rpartition(".")[2]
    return (any(first <= line <= last for first, last in tries)
            or any(first <= line <= last and leaf in words for first, last, words in branches))


def check(path):
    """``[(file, line, where, message, blocking)]`` for the program ``path`` starts (the script
    and its own modules): each TF name the layer lacks and each library name that moved
    (provided by the runner, or missing: blocking), each name that needs a TPU (blocking None);
    and the number of TF names it uses.
    ``where`` names the notebook cell when the file is a notebook."""
    from graph_cnn.legacy import runner

    files = program(path)
    runner.install(quiet=True)
    root = Path(path).resolve().parent
    stars = _star_bindings(files, root)
    findings, seen, count = [], set(), 0
    for file, tree, cells in files:
        spans = _fallback_spans(tree)
        for line, dotted in uses(tree, stars[Path(file).resolve()], ROOTS):
            where = _cell_of(line, cells)
            if dotted.split(".")[0] == "tensorflow":
                count += 1
                absent = resolve(dotted)
                if absent and _falls_back(spans, line, absent):
                    continue  # written to run only where the name exists, as on TF 0.12
                if dotted in NEEDS_TPU and dotted not in seen:
                    seen.add(dotted)
                    said = (f"tf{dotted[len('tensorflow'):]} needs a TPU, which this machine "
                            f"lacks: only the program's use_tpu=False path runs here")
                    findings.append((file, line, where, said, None))
                if absent and absent not in seen:
                    seen.add(absent)
                    name = "tf" + absent[len("tensorflow"):]
                    said = f"{name} is not provided by graph_cnn's TF1 layer"
                    findings.append((file, line, where, said, True))
                continue
            said = _library_finding(dotted, seen)
            if said and (said[0], file) not in seen:
                seen.add((said[0], file))
                findings.append((file, line, where, *said))
        here = Path(file).resolve()
        for line, message, blocking in (_drift_findings(tree) + _import_findings(tree, here, root)
                                        + _python2_findings(tree) + _path_findings(tree)):
            if (message, file) not in seen:
                seen.add((message, file))
                findings.append((file, line, _cell_of(line, cells), message, blocking))
    order = {file: i for i, (file, _, _) in enumerate(files)}
    findings.sort(key=lambda f: (order[f[0]], f[1]))
    return findings, count


def _cell_of(line, cells):
    if not cells:
        return ""
    start, index = max((s for s in cells if s[0] <= line), default=(1, 0))
    return f" (cell {index + 1}, line {line - start + 1})"


def report(path):
    """The lines ``graph-cnn legacy --check`` prints, and its exit code (1 when the program
    would stop at a name nobody provides)."""
    findings, count = check(path)
    shown = Path(path).parent
    root = Path(path).resolve().parent
    lines = [f"{shown / Path(file).resolve().relative_to(root)}:{line}{where}: {message}"
             for file, line, where, message, _ in findings]
    blocking = sum(1 for *_, stop in findings if stop)
    names = sum(1 for *_, message, stop in findings if stop and (
        "not provided by graph_cnn" in message or "is not in the installed" in message))
    given = sum(1 for *_, stop in findings if stop is False)
    also = (f" ({given} library name{'s' if given > 1 else ''} given back by the runner)"
            if given else "")
    if any(stop is None for *_, stop in findings):
        also += "; it needs a TPU unless run with use_tpu=False (no TPU name)"
    if blocking:
        name = Path(path).name
        if blocking == names:
            said = f"of the names the program {name} starts uses are not provided"
        else:
            said = f"thing{'s' if blocking > 1 else ''} in the program {name} starts would stop it"
        first = "; it would stop at the first of them" if blocking > 1 else ""
        lines.append(f"{blocking} {said}{first}{also}")
        return lines, 1
    lines.append(f"{Path(path).name}: all {count} TensorFlow names its program uses are "
                 f"provided{also}")
    return lines, 0
