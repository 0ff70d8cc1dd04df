"""``graph-cnn features``: a trained run's feature maps for chosen test digits, one titled PNG
per conv layer and digit (the input beside its channels)."""

from pathlib import Path

from graph_cnn import fileio
from graph_cnn.errors import GraphCnnError
from graph_cnn.harness import artifacts
from graph_cnn.tools.inference import Run, first_test_digits, output_folder


def features_of_run(run_dir, digits, out=None, data_dir=None):
    """Write one grid per conv layer and digit into ``out`` (default: the run folder); returns
    the paths written. An ``out`` folder this makes is removed again when the command fails."""
    with fileio.removing_empty(*([out] if out else [])):
        folder = output_folder(out, "--out") if out else Path(run_dir)
        run = Run(run_dir)
        try:
            images = first_test_digits(digits, data_dir)
            maps = artifacts.feature_maps(run, digits, run.inputs(images))
            if not maps:
                raise GraphCnnError(f"{run.pipeline.id} has no conv layers to draw")
            return artifacts.save_feature_pngs(maps, dict(zip(digits, images)), folder)
        finally:
            run.close()
