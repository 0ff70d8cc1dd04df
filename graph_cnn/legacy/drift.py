"""What the libraries under old TensorFlow 1 programs removed or renamed since, given back inside
``graph-cnn legacy`` only, each name announced in one line on stderr when first used.

Chosen by how often TF1-era code used them (``graph_cnn/legacy/api/drift_usage.tsv``: files of a
105-repository corpus, 2016-2019): ``scipy.misc``'s image functions (imresize 56 files, imread 50,
imsave 44, toimage 6, imrotate 4) with their old semantics on Pillow (non-uint8 data rescaled
from its min..max to 0..255, ``imresize``'s size as int percent, float fraction or (rows, cols),
uint8 output), ``scipy.ndimage.imread`` (15); NumPy 1.24's aliases (``np.float`` 48, ``np.int``
47, ...) and NumPy 2's removals (``np.infty`` 10, ``np.NaN`` 4, ...); scikit-learn's moved
modules (``cross_validation`` 21, ``grid_search`` 13, ``learning_curve`` 3, ``externals.joblib``,
``externals.six``) and renamed arguments (``TSNE(n_iter=)`` 7, ``OneHotEncoder(sparse=)`` 7,
``AgglomerativeClustering(affinity=)`` 4), ``get_feature_names()`` (9); matplotlib's removed
calls (``cm.get_cmap`` 7, the 'seaborn' styles 7, ``hist(normed=)`` 4, ``tostring_rgb`` 3,
``canvas.set_window_title``, ``grid(b=)``, ``set_axis_bgcolor``); SciPy's moved functions and
modules (``scipy.misc.comb``/``factorial``/``logsumexp``, ``scipy.sparse.linalg.eigen.arpack``).

Not emulated: the old call signatures of the moved scikit-learn modules' splitters
(``cross_validation.KFold(n, n_folds)``: the names are model_selection's, which take
``n_splits``); ``GridSearchCV.grid_scores_``; ``Imputer``, ``load_boston``,
``OneHotEncoder(categorical_features=)`` and pandas' removals (no faithful replacement).

:func:`install` patches a library only when the program imports it (an import hook), and only in
the process that calls it (the runner's); :data:`NAMES` lists every name given back, which
``legacy --check`` reports.
"""

import functools
import importlib
import importlib.abc
import importlib.util
import inspect
import os
import sys
import sysconfig
import warnings

# ---- the announcement ----------------------------------------------------------------------


def announce(message, _said=set()):  # noqa: B006  (said once per process, on purpose)
    """Say ``message`` on stderr, once per process."""
    if message not in _said:
        _said.add(message)
        print(f"graph-cnn legacy: {message}", file=sys.stderr)


def _given(old, new, removed):
    announce(f"{old} (removed in {removed}) is {new}")


# ---- NumPy -------------------------------------------------------------------------------------

# where frames that are not the program's own come from: graph_cnn, the standard library and
# installed packages (a frame in the script's own folder is the program's wherever that is)
_LIBRARY_DIRS = tuple(os.path.abspath(p) + os.sep for p in {
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    *(sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib"))})


def program_frame(filename):
    """Whether a frame's file is the old program's own: not the runner's, graph_cnn's, the
    standard library's or an installed package's."""
    return not (filename.startswith("<") or os.path.abspath(filename).startswith(_LIBRARY_DIRS))

def _asscalar(a):
    return a.item()


# np.NAME -> (what it is now, as said; the release that removed it; the value given)
NUMPY = {
    **{name: (f"the builtin {value.__name__}, as older NumPy did", "NumPy 1.24", value)
       for name, value in (("int", int), ("float", float), ("bool", bool), ("object", object),
                           ("str", str), ("long", int), ("complex", complex),
                           ("unicode", str))},
    **{name: (f"np.{new}", "NumPy 2.0", new) for name, new in (
        ("infty", "inf"), ("Inf", "inf"), ("Infinity", "inf"), ("PINF", "inf"),
        ("NaN", "nan"), ("NAN", "nan"), ("float_", "float64"), ("complex_", "complex128"),
        ("cfloat", "complex128"), ("longfloat", "longdouble"), ("singlecomplex", "complex64"),
        ("clongfloat", "clongdouble"), ("string_", "bytes_"), ("unicode_", "str_"),
        ("product", "prod"), ("cumproduct", "cumprod"), ("sometrue", "any"),
        ("alltrue", "all"), ("round_", "round"), ("msort", "sort"))},
    "NINF": ("-np.inf", "NumPy 2.0", "-inf"),
    "asscalar": ("a.item()", "NumPy 1.23", _asscalar),
    "in1d": ("np.isin", "NumPy 2.4", "isin"),
    "trapz": ("np.trapezoid", "NumPy 2.4", "trapezoid"),
}


def _numpy_value(numpy, name):
    value = NUMPY[name][2]
    if name == "msort":
        return functools.partial(numpy.sort, axis=0)
    if value == "-inf":
        return -numpy.inf
    return getattr(numpy, value) if isinstance(value, str) else value


def _patch_numpy(numpy):
    _fallback(numpy, "np", NUMPY, lambda name: _numpy_value(numpy, name))
    original = numpy.reshape
    if "newshape" in inspect.signature(original).parameters or hasattr(original, "_graph_cnn"):
        return

    @functools.wraps(original)
    def reshape(a, *args, newshape=None, **kwargs):
        if newshape is not None:
            announce("np.reshape(newshape=...) (removed in NumPy 2.x) is np.reshape(shape=...)")
            args = (newshape, *args)
        return original(a, *args, **kwargs)

    reshape._graph_cnn = True
    numpy.reshape = reshape
    numpy.array = _ragged_as_objects(numpy.array, numpy.object_)
    # NumPy 2 writes a scalar in a list as np.float32(0.5); the programs printed 0.5
    numpy.set_printoptions(legacy="1.25")


def _ragged_as_objects(original, object_type):
    """``np.array`` of sequences of different lengths, called by the program, as NumPy before
    1.24 made it (an object array) instead of NumPy 1.24's ValueError."""
    if getattr(original, "_graph_cnn", False):
        return original

    @functools.wraps(original)
    def array(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        except ValueError as error:
            if ("inhomogeneous" not in str(error) or kwargs.get("dtype") is not None
                    or len(args) > 1 or not program_frame(sys._getframe(1).f_code.co_filename)):
                raise
        announce("np.array of sequences of different lengths (an error since NumPy 1.24) is "
                 "an object array, as older NumPy made it")
        return original(*args, dtype=object_type, **kwargs)

    array._graph_cnn = True
    return array


def _shape_ints(shape_tensor):
    """TF's shape conversion reading NumPy integer scalars as Python ints: under NumPy 1,
    ``np.uint8(9) + 1`` was an int64; NumPy 2 (NEP 50) keeps uint8, which TF's random ops
    refuse as a shape."""
    if getattr(shape_tensor, "_graph_cnn", False):
        return shape_tensor
    import numpy

    @functools.wraps(shape_tensor)
    def patched(shape):
        if isinstance(shape, (list, tuple)) and any(
                isinstance(d, numpy.integer) and d.dtype not in (numpy.int32, numpy.int64)
                for d in shape):
            announce("a shape of NumPy uint8/int8/int16 values (NumPy 2 keeps them where NumPy "
                     "1 made int64, NEP 50) is read as Python ints")
            shape = [int(d) if isinstance(d, numpy.integer) else d for d in shape]
        return shape_tensor(shape)

    patched._graph_cnn = True
    return patched


def _patch_shape_util(module):
    module.shape_tensor = _shape_ints(module.shape_tensor)


# ---- SciPy -------------------------------------------------------------------------------------

_RESAMPLE = {"nearest": 0, "lanczos": 1, "bilinear": 2, "bicubic": 3, "cubic": 3}


def bytescale(data, cmin=None, cmax=None, high=255, low=0):
    """SciPy <= 1.1's ``scipy.misc.bytescale``: uint8 data as it is, other data scaled from
    ``cmin..cmax`` (its min..max by default) to ``low..high`` and rounded."""
    import numpy as np

    data = np.asarray(data)
    if data.dtype == np.uint8:
        return data
    cmin = data.min() if cmin is None else cmin
    cmax = data.max() if cmax is None else cmax
    scale = float(high - low) / ((cmax - cmin) or 1)
    return (np.clip((data * 1.0 - cmin) * scale + low, low, high) + 0.5).astype(np.uint8)


def toimage(arr, high=255, low=0, cmin=None, cmax=None, pal=None, mode=None, channel_axis=None):
    """SciPy <= 1.1's ``scipy.misc.toimage``: a PIL image of a 2-D array (grey, bytescaled
    unless ``mode`` is 'F' or 'I') or of a 3-D array with 3 or 4 channels on any axis (RGB or
    RGBA, bytescaled)."""
    import numpy as np
    from PIL import Image

    data = np.asarray(arr)
    if np.iscomplexobj(data):
        raise ValueError("cannot convert a complex-valued array")
    if data.ndim == 2:
        if mode == "F":
            return Image.fromarray(data.astype(np.float32), "F")
        if mode == "I":
            return Image.fromarray(data.astype(np.int32), "I")
        image = Image.fromarray(bytescale(data, cmin, cmax, high, low), "L")
        if pal is not None:
            image.putpalette(np.asarray(pal, dtype=np.uint8).tobytes())
            image = image.convert("P") if image.mode != "P" else image
        return image
    if data.ndim != 3:
        raise ValueError("'arr' does not have a suitable array shape for any mode")
    if channel_axis is None:
        channel_axis = next((axis for axis in (2, 0, 1) if data.shape[axis] in (3, 4)), None)
        if channel_axis is None:
            raise ValueError("could not find a channel dimension (3 or 4 long)")
    data = np.moveaxis(data, channel_axis, 2)
    channels = data.shape[2]
    return Image.fromarray(bytescale(data, cmin, cmax, high, low),
                           mode or ("RGB" if channels == 3 else "RGBA"))


def fromimage(im, flatten=False, mode=None):
    """SciPy <= 1.1's ``scipy.misc.fromimage``: a PIL image as an array (palette images as RGB
    or RGBA, ``flatten``: one float32 grey channel)."""
    import numpy as np

    if mode is not None:
        im = im.convert(mode)
    elif im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif im.mode == "1":
        im = im.convert("L")
    if flatten:
        im = im.convert("F")
    return np.array(im)


def imread(name, flatten=False, mode=None):
    """SciPy <= 1.1's ``scipy.misc.imread`` (and ``scipy.ndimage.imread``) on Pillow."""
    from PIL import Image

    with Image.open(name) as im:
        return fromimage(im, flatten=flatten, mode=mode)


def imsave(name, arr, format=None):
    """SciPy <= 1.1's ``scipy.misc.imsave``: non-uint8 data is rescaled to 0..255 first."""
    toimage(arr, channel_axis=2).save(name, format)


def imresize(arr, size, interp="bilinear", mode=None):
    """SciPy <= 1.1's ``scipy.misc.imresize``: ``size`` an int (percent), a float (fraction of
    each side) or ``(rows, cols)``; the result is uint8 (the input bytescaled first)."""
    import numpy as np

    image = toimage(arr, mode=mode)
    if isinstance(size, (int, np.integer)):
        size = tuple(int(side * size / 100.0) for side in image.size)
    elif isinstance(size, (float, np.floating)):
        size = tuple(int(side * size) for side in image.size)
    else:
        size = (int(size[1]), int(size[0]))
    return fromimage(image.resize(size, resample=_RESAMPLE[interp]))


def imrotate(arr, angle, interp="bilinear"):
    """SciPy <= 1.1's ``scipy.misc.imrotate``: turned ``angle`` degrees counter-clockwise, the
    same size, uint8."""
    return fromimage(toimage(arr).rotate(angle, resample=_RESAMPLE[interp]))


def _special(name):
    return getattr(importlib.import_module("scipy.special"), name)


# scipy.misc.NAME -> (now, removed in, value); the image functions are Pillow's now
SCIPY_MISC = {
    **{name: ("graph_cnn's copy of SciPy 1.1's on Pillow", "SciPy 1.2", globals()[name])
       for name in ("imread", "imsave", "imresize", "toimage", "bytescale", "fromimage",
                    "imrotate")},
    **{name: (f"scipy.special.{name}", "SciPy 1.0", functools.partial(_special, name))
       for name in ("logsumexp", "comb", "factorial")},
}
SCIPY_NDIMAGE = {"imread": ("scipy.misc.imread's copy on Pillow", "SciPy 1.2", imread)}


def _misc_value(name):
    value = SCIPY_MISC[name][2]
    return value() if isinstance(value, functools.partial) else value


# ---- scikit-learn -------------------------------------------------------------------------------

# (module, class, old keyword, new keyword, release)
KEYWORDS = [
    ("sklearn.manifold", "TSNE", "n_iter", "max_iter", "scikit-learn 1.7"),
    ("sklearn.preprocessing", "OneHotEncoder", "sparse", "sparse_output", "scikit-learn 1.4"),
    ("sklearn.cluster", "AgglomerativeClustering", "affinity", "metric", "scikit-learn 1.4"),
    ("matplotlib.axes", "Axes.hist", "normed", "density", "Matplotlib 3.1"),
    ("matplotlib.axes", "Axes.grid", "b", "visible", "Matplotlib 3.7"),
]


def _rename_keyword(owner, attribute, old, new, removed, label):
    """``owner.attribute`` (a method or ``__init__``) taking ``old=`` as ``new=``; its signature
    kept as it is (scikit-learn reads its estimators' parameters from it)."""
    original = getattr(owner, attribute)
    if getattr(original, "_graph_cnn", False):
        return

    @functools.wraps(original)
    def renamed(*args, **kwargs):
        if old in kwargs:
            _given(f"{label}({old}=)", f"{label}({new}=)", removed)
            kwargs[new] = kwargs.pop(old)  # pyplot passes the new one too, as its default
        return original(*args, **kwargs)

    renamed.__signature__ = inspect.signature(original)
    renamed._graph_cnn = True
    setattr(owner, attribute, renamed)


def _patch_keywords(module):
    for name, path, old, new, removed in KEYWORDS:
        if name != module.__name__:
            continue
        owner_name, _, method = path.partition(".")
        owner = getattr(module, owner_name, None)
        if owner is not None:
            _rename_keyword(owner, method or "__init__", old, new, removed, path)


class _OldFeatureNames:
    """``estimator.get_feature_names()`` (removed in scikit-learn 1.2) as the list of
    ``get_feature_names_out()``, on estimators that have that."""

    def __get__(self, obj, owner=None):
        if obj is None or not hasattr(obj, "get_feature_names_out"):
            raise AttributeError("get_feature_names")

        def get_feature_names(*args, **kwargs):
            _given("get_feature_names()", "list(get_feature_names_out())", "scikit-learn 1.2")
            return list(obj.get_feature_names_out(*args, **kwargs))
        return get_feature_names


def _patch_sklearn_base(module):
    if "get_feature_names" not in module.BaseEstimator.__dict__:
        module.BaseEstimator.get_feature_names = _OldFeatureNames()


# ---- matplotlib -------------------------------------------------------------------------------

def _get_cmap(name=None, lut=None):
    import matplotlib

    cmap = matplotlib.colormaps[name or matplotlib.rcParams["image.cmap"]]
    return cmap if lut is None else cmap.resampled(lut)


def _patch_cm(module):
    _fallback(module, "matplotlib.cm", {"get_cmap": (
        "matplotlib.colormaps[name]", "Matplotlib 3.9", _get_cmap)}, lambda name: _get_cmap)


def _patch_style(module):
    original = module.use
    if getattr(original, "_graph_cnn", False):
        return

    @functools.wraps(original)
    def use(style):
        if isinstance(style, str) and style.startswith("seaborn") and style not in \
                module.available and style.replace("seaborn", "seaborn-v0_8", 1) in \
                module.available:
            new = style.replace("seaborn", "seaborn-v0_8", 1)
            _given(f"style '{style}'", f"'{new}'", "Matplotlib 3.8")
            style = new
        return original(style)

    use._graph_cnn = True
    module.use = use


def _patch_backend_bases(module):
    canvas = module.FigureCanvasBase
    if hasattr(canvas, "set_window_title"):
        return

    def set_window_title(self, title):
        _given("canvas.set_window_title", "the figure manager's, where matplotlib moved it",
               "matplotlib 3.6")
        if self.manager is not None:
            self.manager.set_window_title(title)

    canvas.set_window_title = set_window_title


def _patch_backend_agg(module):
    canvas = module.FigureCanvasAgg
    if hasattr(canvas, "tostring_rgb"):
        return

    def tostring_rgb(self):
        import numpy as np

        _given("canvas.tostring_rgb()", "the RGB bytes of buffer_rgba()", "Matplotlib 3.10")
        return np.asarray(self.buffer_rgba())[..., :3].tobytes()

    canvas.tostring_rgb = tostring_rgb


def _patch_axes(module):
    _patch_keywords(module)
    if not hasattr(module.Axes, "set_axis_bgcolor"):
        def set_axis_bgcolor(self, color):
            _given("ax.set_axis_bgcolor", "ax.set_facecolor", "Matplotlib 2.2")
            return self.set_facecolor(color)

        module.Axes.set_axis_bgcolor = set_axis_bgcolor


# ---- moved modules ------------------------------------------------------------------------------

# old module -> (where it is now, the release that moved it)
MOVED = {
    "sklearn.cross_validation": ("sklearn.model_selection", "scikit-learn 0.20"),
    "sklearn.grid_search": ("sklearn.model_selection", "scikit-learn 0.20"),
    "sklearn.learning_curve": ("sklearn.model_selection", "scikit-learn 0.20"),
    "sklearn.externals.joblib": ("joblib", "scikit-learn 0.23"),
    "sklearn.externals.six": ("six", "scikit-learn 0.23"),
    "scipy.sparse.linalg.eigen.arpack": ("scipy.sparse.linalg", "SciPy 1.14"),
}

# the module whose import applies a patch -> the patch
PATCHES = {
    "numpy": _patch_numpy,
    "tensorflow.python.ops.shape_util": _patch_shape_util,
    "scipy.misc": lambda m: _fallback(m, "scipy.misc", SCIPY_MISC, _misc_value),
    "scipy.ndimage": lambda m: _fallback(m, "scipy.ndimage", SCIPY_NDIMAGE,
                                         lambda name: imread),
    # SciPy still has the module eigen (deprecated), no longer a package holding arpack
    "scipy.sparse.linalg.eigen": lambda m: m.__dict__.setdefault("__path__", []),
    "sklearn.base": _patch_sklearn_base,
    "sklearn.manifold": _patch_keywords,
    "sklearn.preprocessing": _patch_keywords,
    "sklearn.cluster": _patch_keywords,
    "matplotlib.cm": _patch_cm,
    "matplotlib.style": _patch_style,
    "matplotlib.axes": _patch_axes,
    "matplotlib.backend_bases": _patch_backend_bases,
    "matplotlib.backends.backend_agg": _patch_backend_agg,
}


def _fallback(module, label, table, value_of):
    """``module.NAME`` for the names of ``table`` the module no longer has, announced; every
    other missing name fails as before."""
    original = module.__dict__.get("__getattr__")
    if getattr(original, "_graph_cnn", False):
        return

    def __getattr__(name):
        if name in table and name not in module.__dict__:
            now, removed, _ = table[name]
            _given(f"{label}.{name}", now, removed)
            return value_of(name)
        if original is None:
            raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")
        return original(name)

    __getattr__._graph_cnn = True
    module.__getattr__ = __getattr__


class Alias(importlib.abc.Loader):
    """Loads a module name as the very module ``target`` names (``note``: said when loaded)."""

    def __init__(self, target, note=None):
        self.target, self.note = target, note

    def create_module(self, spec):
        if self.note:
            announce(self.note)
        return importlib.import_module(self.target)

    def exec_module(self, module):
        module.__spec__ = importlib.util.find_spec(self.target)  # keep the module's own spec


class _Patching(importlib.abc.Loader):
    """A module's own loader, then the patch for it."""

    def __init__(self, loader, patch):
        self.loader, self.patch = loader, patch

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__spec__.loader = module.__loader__ = self.loader
        self.loader.exec_module(module)
        self.patch(module)


class _DriftFinder(importlib.abc.MetaPathFinder):
    """Imports a moved module from where it is now, and patches a library module as it loads."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname in MOVED:
            new, removed = MOVED[fullname]
            return importlib.util.spec_from_loader(
                fullname, Alias(new, f"{fullname} (removed in {removed}) is {new}"),
                is_package=True)
        if fullname not in PATCHES:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Patching(spec.loader, PATCHES[fullname])
                return spec
        return None


def install():
    """Give the names back in this process: modules already imported are patched now, the others
    as the program imports them."""
    warnings.filterwarnings("ignore", message="scipy.misc is deprecated", category=Warning)
    for name, patch in PATCHES.items():
        if name in sys.modules:
            patch(sys.modules[name])
    if not any(isinstance(f, _DriftFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _DriftFinder())


def _names():
    """``{dotted name: (now, removed in)}`` of every module attribute given back."""
    names = {f"numpy.{k}": v[:2] for k, v in NUMPY.items()}
    names.update({f"scipy.misc.{k}": v[:2] for k, v in SCIPY_MISC.items()})
    names.update({f"scipy.ndimage.{k}": v[:2] for k, v in SCIPY_NDIMAGE.items()})
    names["matplotlib.cm.get_cmap"] = ("matplotlib.colormaps[name]", "Matplotlib 3.9")
    names.update(MOVED)
    return names


# what ``legacy --check`` reports as provided: module attributes and modules by dotted name,
# keywords by the class or method they belong to, methods by their name on any object
NAMES = _names()
KEYWORD_NAMES = {(f"{module}.{path}", old): (f"{new}=", removed)
                 for module, path, old, new, removed in KEYWORDS}
METHODS = {"get_feature_names": ("get_feature_names_out()", "scikit-learn 1.2"),
           "set_window_title": ("canvas.manager.set_window_title", "matplotlib 3.6"),
           "tostring_rgb": ("buffer_rgba()", "Matplotlib 3.10"),
           "set_axis_bgcolor": ("set_facecolor", "Matplotlib 2.2")}
# what replaced names that moved and that the runner does not give back, for ``legacy --check``
SUGGEST = {
    "sklearn.preprocessing.Imputer": "sklearn.impute.SimpleImputer",
    "numpy.find_common_type": "np.result_type",
    "numpy.asfarray": "np.asarray(a, dtype=float)",
    "numpy.issubclass_": "issubclass",
    "numpy.sctypes": "the types by name (np.float32, ...)",
    "sklearn.datasets.load_boston": "another data set (removed in scikit-learn 1.2)",
    "sklearn.externals": "the package itself (joblib, six)",
}
