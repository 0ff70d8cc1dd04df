"""Run a pipeline over seeds and record each run: the body of every reproduction script and of
``graph-cnn reproduce``."""

import argparse
import shutil
import sys

from . import runs
from .errors import GraphCnnError

DEFAULT_OUT = "runs"


def reproduce(pipeline, budget="quick", seeds=(1,), out=DEFAULT_OUT, data_dir=None,
              threads=None, log=print, progress=None):
    """Train ``pipeline`` once per seed; write ``result.json`` and a checkpoint per run.
    Returns the result dicts."""
    from .train import train

    results = []
    for seed in seeds:
        folder = runs.run_dir(out, pipeline.id, budget, seed)
        log(f"== {pipeline.id} ({pipeline.title}), budget {budget}, seed {seed} -> {folder}")
        partial = folder.with_name(folder.name + ".partial")  # renamed into place when complete
        shutil.rmtree(partial, ignore_errors=True)
        commit = runs.git_commit()  # of the code that trains, read before it starts
        try:
            result = train(pipeline, budget, seed, data_dir=data_dir, threads=threads, log=log,
                           progress=progress, checkpoint=partial / "model.ckpt",
                           artifacts=partial)
            result["provenance"] = runs.provenance(pipeline, budget, seed, result.pop("seconds"),
                                                   commit)
            runs.write_json(partial / "result.json", result)
            shutil.rmtree(folder, ignore_errors=True)
            partial.rename(folder)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
        final = result["final"]
        log(f"== {pipeline.id} seed {seed}: {result['status']}, test accuracy "
            f"{final['test_acc']:.4f}, {result['provenance']['seconds']:.0f}s")
        results.append(result)
    return results


def add_run_arguments(parser):
    parser.add_argument("--budget", choices=("quick", "full"), default="quick",
                        help="quick: seconds, for CI; full: the article's own budget")
    parser.add_argument("--seeds", type=int, default=1, metavar="N",
                        help="number of seeds to run (default 1)")
    parser.add_argument("--first-seed", type=int, default=1, metavar="S",
                        help="seeds run are S, S+1, ... (default 1)")
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"runs folder (default {DEFAULT_OUT})")
    parser.add_argument("--data-dir", help="MNIST folder (else found as 'graph-cnn data' does)")
    parser.add_argument("--threads", type=int, help="TensorFlow intra/inter-op threads")


def check_run_arguments(args):
    if args.seeds < 1:
        raise GraphCnnError(f"--seeds must be at least 1, not {args.seeds}")
    if args.threads is not None and args.threads < 1:
        raise GraphCnnError(f"--threads must be at least 1, not {args.threads}")
    return list(range(args.first_seed, args.first_seed + args.seeds))


def main(pipeline, argv=None):
    """Command line of a reproduction script: ``python reproductions/<id>.py [--budget ...]``."""
    import os
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = argparse.ArgumentParser(
        prog=f"reproductions/{pipeline.id}.py",
        description=f"Reproduce seed article {pipeline.seed_article}: {pipeline.title}.")
    add_run_arguments(parser)
    args = parser.parse_args(argv)
    try:
        reproduce(pipeline, args.budget, check_run_arguments(args), args.out, args.data_dir,
                  args.threads)
    except GraphCnnError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 1
    return 0
