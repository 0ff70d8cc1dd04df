"""The reproductions: every ``reproductions/<id>.py`` declares ``PIPELINE`` (and optionally
``ABLATIONS``); this module finds and loads them by id."""

import functools
import importlib.util
import os
import sys
from pathlib import Path

from .errors import GraphCnnError

ENV_VAR = "GRAPH_CNN_REPRODUCTIONS"


def reproductions_dir():
    return Path(os.environ.get(ENV_VAR) or Path(__file__).resolve().parents[1] / "reproductions")


def _load(path):
    if str(path.parent) not in sys.path:  # scripts import their sibling pipelines
        sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(f"reproductions.{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.lru_cache(maxsize=None)
def _all(folder):
    main, extra = {}, {}
    for path in sorted(Path(folder).glob("*.py")):
        module = _load(path)
        if hasattr(module, "PIPELINE"):
            main[module.PIPELINE.id] = module.PIPELINE
            for ablation in getattr(module, "ABLATIONS", ()):
                extra[ablation.id] = ablation
    return main, extra


def pipelines(include_ablations=True):
    """{id: Pipeline} of every reproduction, main pipelines first, in file order."""
    folder = reproductions_dir()
    if not folder.is_dir():
        raise GraphCnnError(f"no reproductions folder at {folder}; run from a graph_cnn checkout "
                            f"or set {ENV_VAR}")
    main, extra = _all(str(folder))
    return {**main, **extra} if include_ablations else dict(main)


def get(pipeline_id):
    known = pipelines()
    if pipeline_id not in known:
        raise GraphCnnError(f"unknown pipeline id {pipeline_id!r}; 'graph-cnn list' shows the "
                            f"ids ({', '.join(known)})")
    return known[pipeline_id]


def is_ablation(pipeline_id):
    return pipeline_id not in pipelines(include_ablations=False)
