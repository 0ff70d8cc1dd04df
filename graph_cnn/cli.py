"""The ``graph-cnn`` command line: argument parsers and one-line dispatch; the work lives in the
modules each command names."""

import argparse
import os
import sys
import textwrap
from pathlib import Path

import graph_cnn
from graph_cnn import errors
from graph_cnn.errors import GraphCnnError


def cmd_data(args):
    from graph_cnn.data import mnist

    print(mnist.describe(mnist.locate(args.data_dir)))
    return 0


def _check_legacy(args):
    """A missing, binary or empty program is refused before TensorFlow loads."""
    from graph_cnn.legacy.source import source_of

    if not os.path.isfile(args.script):
        raise GraphCnnError(f"{args.script}: no such script; give the path of a TF1 Python "
                            f"script or notebook")
    if not args.script.endswith(".ipynb"):
        source_of(args.script)


def cmd_legacy(args):
    from graph_cnn.legacy import check, runner

    if args.check:
        lines, code = check.report(args.script)
        print("\n".join(lines))
        return code
    if args.diff:
        from graph_cnn.legacy import diff
        return diff.main(**_diff_options(args))
    if args.against or args.runs != 1 or args.json or args.markdown or args.test_size:
        raise GraphCnnError("--against, --runs, --test-size, --json and --markdown go with "
                            "--diff")
    return runner.run(args.script, args.args, data_dir=args.data_dir, verbose=args.verbose)


def cmd_list(args):
    from graph_cnn import reproductions
    from graph_cnn.harness import spec

    print(spec.listing(reproductions.pipelines(), reproductions.pipelines(False)))
    return 0


def cmd_summary(args):
    from graph_cnn import reproductions
    from graph_cnn.harness import summary

    for pid in args.ids:
        print(summary.of_pipeline(reproductions.get(pid)))
    return 0


def _check_ids(args):
    from graph_cnn import reproductions

    for pid in args.ids:
        reproductions.get(pid)


def cmd_reproduce(args):
    from graph_cnn import reproductions
    from graph_cnn.harness import reproduce, schedule

    seeds = _check_run_arguments(args)
    if args.all == bool(args.ids):
        raise GraphCnnError("name pipeline ids or give --all ('graph-cnn list' shows the ids)")
    ids = list(reproductions.pipelines(include_ablations=args.ablations)) if args.all else args.ids
    pipelines = [reproductions.get(pid) for pid in ids]
    executor = _executor(args)
    requests = schedule.matrix(ids, args.budget, seeds, args.out,
                               registry=reproductions.__name__, data_dir=args.data_dir,
                               threads=args.threads, force=args.force)
    diverged = reproduce.run_matrix(requests, executor)
    reproduce.summarise(pipelines, args.budget, diverged)
    if getattr(args, "compare", False):
        print()
        _compare(args.out, args.budget)
    return 0


def _executor(args):
    """Where ``graph-cnn reproduce``'s runs train: Ray tasks, processes side by side, or this
    process (which then imports TensorFlow)."""
    from graph_cnn.harness import reproduce

    if args.ray is not None:
        from graph_cnn.harness.ray_backend import RayTasks

        return RayTasks(args.ray, args.jobs, args.device, args.verbose)
    if args.jobs > 1:
        return reproduce.Processes(args.jobs, args.device, args.verbose)
    return reproduce.Serial(args.device, args.verbose)


def _compare(folder, budget=None, **options):
    from graph_cnn import reproductions
    from graph_cnn.harness import compare

    compare.report(reproductions.pipelines(include_ablations=False), reproductions.pipelines(),
                   folder, budget, **options)


PLOT_SUFFIXES = (".png", ".svg", ".pdf")  # written by matplotlib's own backends


def _check_compare(args):
    if args.plot and Path(args.plot).suffix.lower() not in PLOT_SUFFIXES:
        raise GraphCnnError(f"--plot {args.plot}: give a file name ending in "
                            f"{', '.join(PLOT_SUFFIXES)}")


def cmd_compare(args):
    from graph_cnn.harness import compare

    folder = compare.committed_folder() if args.committed else args.results
    _compare(folder, args.budget, as_json=args.json, markdown_path=args.markdown,
             plot_path=args.plot, committed=args.committed,
             strict=args.strict)
    return 0


def cmd_predict(args):
    from graph_cnn.tools.predict import predict

    return 1 if predict(args.run, args.images, args.probabilities, args.save_input,
                        data_dir=args.data_dir) else 0


def cmd_export(args):
    from graph_cnn.tools.export import export_run

    out = export_run(args.run, args.out, verbose=args.verbose)
    print(f"wrote {out}/saved_model (SavedModel) and {out}/model.pb (frozen GraphDef); "
          f"open either in Netron")
    return 0


def cmd_features(args):
    from graph_cnn.tools.features import features_of_run

    for path in features_of_run(args.run, args.digits, args.out, args.data_dir):
        print(path)
    return 0


def _ids_or_main(ids):
    from graph_cnn import reproductions

    return ids or list(reproductions.pipelines(include_ablations=False))


def _at_least_one(value, flag):
    if value < 1:
        raise GraphCnnError(f"{flag} must be at least 1, not {value}")
    return value


def _check_equivalence(args):
    from graph_cnn.verify import equivalence

    _check_ids(args)
    _at_least_one(args.steps, "--steps")
    equivalence.use_plain_kernels()  # must come before TensorFlow loads


def cmd_equivalence(args):
    from graph_cnn.verify import equivalence

    rows = equivalence.main_rows(_ids_or_main(args.ids), args.steps)
    print(equivalence.to_json(rows) if args.json else equivalence.render(rows))
    return 1 if any(r.get("passed") is False for r in rows) else 0


def _check_bench(args):
    _check_ids(args)
    _at_least_one(args.rounds, "--rounds")


def cmd_bench(args):
    from graph_cnn.verify import bench

    print(bench.report(_ids_or_main(args.ids), args.rounds, args.save, args.json))
    return 0


def _add_run_arguments(parser):
    parser.add_argument("--budget", choices=("quick", "full"), default="quick",
                        help="quick (default): seconds on a slice of the data, a smoke test, not "
                             "the articles' figures; full: the article's own budget")
    parser.add_argument("--seeds", type=int, default=1, metavar="N",
                        help="number of seeds to run (default 1)")
    parser.add_argument("--first-seed", type=int, default=1, metavar="N",
                        help="the seeds run are N, N+1, ... (default 1)")
    parser.add_argument("--out", default="runs", metavar="DIR",
                        help="runs folder; each run goes to DIR/ID/BUDGET-seedN (default runs)")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="folder of the four MNIST files (default: found as 'graph-cnn data' "
                             "finds them)")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="TensorFlow threads (default: every CPU); with 2 or more, each batch "
                             "runs as 2 towers side by side")
    parser.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="runs (ids and seeds) trained side by side in separate processes, "
                             "each with CPUs/J threads unless --threads says (default 1); with "
                             "GPUs, runs per GPU")
    parser.add_argument("--ray", nargs="?", const="local", metavar="ADDRESS",
                        help="train each run as a Ray task (pip install 'graph_cnn[ray]'): "
                             "alone, a Ray of its own on this machine; 'auto' or HOST:PORT joins "
                             "a running cluster")
    parser.add_argument("--device", choices=("cpu", "gpu"),
                        help="where runs train (default: what TensorFlow finds); gpu lets "
                             "several runs share one GPU's memory")
    parser.add_argument("--force", action="store_true",
                        help="run again runs that are already finished, replacing their folders "
                             "when the new runs end (unfinished runs resume either way)")


def _add_verbose(parser, ray=False):
    parser.add_argument("--verbose", action="store_true",
                        help="show TensorFlow's start-up log lines" + (
                            " and, with --ray, Ray's own" if ray else "") + " (hidden by default)")


MAX_SEEDS = 1000  # runs of one pipeline in one command
MAX_SEED = 2**31 - 1  # NumPy and TensorFlow take it
MAX_THREADS = 1024


def _check_run_arguments(args):
    """The seeds of a ``reproduce`` command; every bad number refused in one line, before
    TensorFlow loads."""
    if not 1 <= args.seeds <= MAX_SEEDS:
        raise GraphCnnError(f"--seeds must be 1 to {MAX_SEEDS}, not {args.seeds} (run more "
                            f"seeds in several commands with --first-seed)")
    if not 0 <= args.first_seed <= MAX_SEED - args.seeds + 1:
        raise GraphCnnError(f"--first-seed must be 0 or more, not {args.first_seed}"
                            if args.first_seed < 0 else
                            f"--first-seed {args.first_seed} with --seeds {args.seeds} goes past "
                            f"the largest seed, {MAX_SEED}")
    if args.jobs < 1:
        raise GraphCnnError(f"--jobs must be at least 1, not {args.jobs}")
    if args.threads is not None and not 1 <= args.threads <= MAX_THREADS:
        raise GraphCnnError(f"--threads must be 1 to {MAX_THREADS}, not {args.threads}")
    return list(range(args.first_seed, args.first_seed + args.seeds))



def reproduce_script(pipeline_id, argv=None):
    """The command line of one reproduction, ``python -m graph_cnn.reproductions.<id>``:
    ``graph-cnn reproduce <id>`` under the script's own name."""
    from graph_cnn import reproductions

    pipeline = reproductions.get(pipeline_id)
    parser = argparse.ArgumentParser(
        prog=f"python -m graph_cnn.reproductions.{pipeline_id}",
        description=f"Reproduce {pipeline.title}, from {pipeline.article}.",
        epilog=f"example:\n  python -m graph_cnn.reproductions.{pipeline_id} --budget quick",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_run_arguments(parser)
    _add_verbose(parser, ray=True)
    args = parser.parse_args(argv)
    args.ids, args.all, args.ablations = [pipeline_id], False, False
    args.tensorflow = False  # the runs' executor imports it, after every argument is checked
    return _dispatch(cmd_reproduce, args, parser.prog)


def _command(sub, name, summary, example, func, tensorflow=True, description="", check=None,
             verbose=False):
    """A subcommand with its one-line summary (in ``graph-cnn --help``), a description and an
    example (in ``graph-cnn NAME --help``); ``tensorflow``: whether it needs TensorFlow, which is
    then imported before ``func`` runs, without its start-up chatter (``--verbose``, offered
    where TensorFlow or ``verbose`` says, shows it); ``check(args)`` refuses bad arguments
    before that (a second, not TensorFlow's ten)."""
    description = description or summary[0].upper() + summary[1:] + "."
    parser = sub.add_parser(name, help=summary, description=textwrap.fill(description, 79),
                            epilog="example:\n  " + example,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(func=func, tensorflow=tensorflow, precheck=check)
    if tensorflow or verbose:
        _add_verbose(parser, ray=name == "reproduce")
    return parser


IDS_HELP = "pipeline id ('graph-cnn list' shows them)"


def _add_run_folder(parser, required=True):
    parser.add_argument("--run", required=required, metavar="DIR",
                        help="a run folder written by 'graph-cnn reproduce'" + (
                            "" if required else " (default: the best run under ./runs, full "
                                                "budgets first)"))
    parser.set_defaults(precheck=_check_run_folder)


def _check_run_folder(args):
    from graph_cnn.harness import runs

    if args.run is not None:
        runs.check_run_folder(args.run)


def _add_diff_arguments(parser):
    """The options of ``legacy --diff``."""
    parser.add_argument("--against", metavar="PATH",
                        help="with --diff and a script: what it printed in the saved run (a "
                             "log, a README excerpt, a comment block)")
    parser.add_argument("--runs", type=int, default=1, metavar="N",
                        help="with --diff: run it N times and judge each figure against their "
                             "spread")
    parser.add_argument("--test-size", type=int, metavar="N",
                        help="with --diff: accuracies printed without their count, on lines "
                             "naming no training, batch or validation set, are over N examples "
                             "(the test set; their binomial term)")
    parser.add_argument("--json", metavar="PATH", help="with --diff: write the report as JSON")
    parser.add_argument("--markdown", metavar="PATH",
                        help="with --diff: write the report as Markdown")


def _diff_options(args):
    """``legacy --diff``'s options, which may also follow SCRIPT (``--diff old.py --against
    LOG``); the script's own arguments are the rest, or all after ``--``."""
    cut = args.args.index("--") if "--" in args.args else len(args.args)
    ours, theirs = args.args[:cut], args.args[cut + 1:]
    parser = argparse.ArgumentParser(prog="graph-cnn legacy --diff", add_help=False)
    _add_diff_arguments(parser)
    args, rest = parser.parse_known_args(ours, namespace=args)
    return {"path": args.script, "runs": args.runs, "against": args.against,
            "args": [*rest, *theirs], "data_dir": args.data_dir, "test_size": args.test_size,
            "json_path": args.json, "markdown_path": args.markdown}


def build_parser():
    parser = argparse.ArgumentParser(
        prog="graph-cnn",
        description=textwrap.fill(
            "TF1-style MNIST CNNs on today's TensorFlow: data, legacy scripts, reproductions of "
            "tutorial articles and the diff against their figures.", 79),
        epilog="the main job:\n  graph-cnn data && graph-cnn reproduce --all --budget quick "
               "&& graph-cnn compare\n\n'graph-cnn COMMAND --help' explains each command.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"graph-cnn {graph_cnn.__version__}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                help="one of these ('graph-cnn COMMAND --help' explains it):")
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback of an error (also GRAPH_CNN_DEBUG=1)")

    p = _command(sub, "data", "find (downloading if needed) and verify the MNIST files",
                 "graph-cnn data --data-dir ~/mnist", cmd_data, tensorflow=False)
    p.add_argument("--data-dir", metavar="DIR",
                   help="folder holding the four MNIST IDX files (.gz or raw)")

    p = _command(sub, "legacy", "run a TensorFlow 1 script or notebook unchanged",
                 "graph-cnn legacy old_mnist_script.py --epochs 2", cmd_legacy,
                 check=_check_legacy,
                 description="Run SCRIPT (a .py file or a .ipynb notebook) with the TF1 API, "
                             "tf.layers, tf.contrib (layers, slim, rnn, learn), tf.estimator, "
                             "input_data and fetch_mldata provided by graph_cnn; --check lists "
                             "what it uses that is not provided.")
    p.add_argument("--data-dir", metavar="DIR", help="MNIST folder for the script's loaders")
    p.add_argument("--check", action="store_true",
                   help="run nothing: read the script and the modules of its own it imports "
                        "and list each TensorFlow name graph_cnn does not provide and each "
                        "NumPy/SciPy/scikit-learn/matplotlib name that moved, with file and "
                        "line (exit 0 when nothing would stop it)")
    p.add_argument("--diff", action="store_true",
                   help="run it and match every printed figure to its saved outputs (a "
                        "notebook's own, a script's --against PATH), judged as compare judges; "
                        "exit 1 when one differs")
    _add_diff_arguments(p)
    p.add_argument("script", metavar="SCRIPT", help="the TF1 Python script or Jupyter notebook")
    p.add_argument("args", nargs=argparse.REMAINDER, metavar="ARG",
                   help="arguments passed to the script")

    _command(sub, "list", "list the article pipelines and ablations (ids, budgets, figures)",
             "graph-cnn list", cmd_list, tensorflow=False)

    p = _command(sub, "summary", "Keras-like layer table of pipelines' models",
                 "graph-cnn summary chollet_convnet", cmd_summary, check=_check_ids)
    p.add_argument("ids", nargs="+", metavar="ID", help=IDS_HELP)

    p = _command(sub, "reproduce", "train pipelines over seeds and record every run",
                 "graph-cnn reproduce --all --budget quick --compare", cmd_reproduce,
                 tensorflow=False, verbose=True)  # its executor loads TensorFlow, if here
    p.add_argument("ids", nargs="*", metavar="ID", help=IDS_HELP + "; or --all")
    p.add_argument("--all", action="store_true", help="every article pipeline")
    p.add_argument("--ablations", action="store_true", help="with --all: the ablations too")
    p.add_argument("--compare", action="store_true",
                   help="then print the diff of the runs just made (as 'graph-cnn compare "
                        "--results DIR --budget BUDGET')")
    _add_run_arguments(p)

    p = _command(sub, "compare", "reported versus measured, one row per figure and claim",
                 "graph-cnn compare            # the runs in ./runs\n"
                 "  graph-cnn compare --committed --plot diff.png", cmd_compare,
                 check=_check_compare,
                 tensorflow=False,
                 description="Reported versus measured, one row per figure and claim: the "
                             "articles' figures against the runs in a runs folder (by default "
                             "./runs, where 'graph-cnn reproduce' writes), with the verdict of "
                             "ARTICLES.md's rule.")
    p.add_argument("--results", default="runs", metavar="DIR",
                   help="runs folder to read (default runs)")
    p.add_argument("--committed", action="store_true",
                   help="read the checkout's committed full-budget results "
                        "(reproductions/results) instead")
    p.add_argument("--budget", choices=("quick", "full"),
                   help="budget of the runs compared (default: the one the folder holds; full "
                        "where it holds both)")
    p.add_argument("--json", action="store_true",
                   help="print the rows as a JSON list instead of the table")
    p.add_argument("--markdown", metavar="PATH", help="also write the tables as Markdown")
    p.add_argument("--plot", metavar="PATH",
                   help="also draw the diff as a PNG: per figure the article's value, our seeds "
                        "and the original framework's (embedded in --markdown's file)")
    p.add_argument("--strict", action="store_true",
                   help="stop at a damaged or duplicated result.json instead of skipping it")

    p = _command(sub, "predict", "classify your own digit images with a trained run",
                 "graph-cnn predict my_digit.jpg   # with the best run under ./runs",
                 cmd_predict)
    _add_run_folder(p, required=False)
    p.add_argument("images", nargs="+", metavar="IMAGE", help="PNG, JPEG, BMP, ... any size")
    p.add_argument("--probabilities", action="store_true", help="print all ten probabilities")
    p.add_argument("--save-input", metavar="DIR", help="write the 28x28 the model saw as PNG")
    p.add_argument("--data-dir", metavar="DIR",
                   help="MNIST, for the not-a-digit check (built once, cached)")

    p = _command(sub, "export", "SavedModel and frozen .pb of a run (for Netron, serving)",
                 "graph-cnn export --run runs/chollet_convnet/quick-seed1 --out exported",
                 cmd_export)
    _add_run_folder(p)
    p.add_argument("--out", required=True, metavar="DIR",
                   help="folder for saved_model/ and model.pb")

    p = _command(sub, "features", "feature-map grids of a run's conv layers as PNGs",
                 "graph-cnn features --run runs/lenet_avgpool/quick-seed1 --digits 5 0 3",
                 cmd_features)
    _add_run_folder(p)
    p.add_argument("--digits", type=int, nargs="+", default=[5, 0, 3], metavar="N",
                   choices=range(10),
                   help="digits whose first test image is shown (default 5 0 3)")
    p.add_argument("--out", metavar="DIR", help="folder for the PNGs (default: the run folder)")
    p.add_argument("--data-dir", metavar="DIR",
                   help="MNIST folder (default: found as 'graph-cnn data' finds it)")

    p = _command(sub, "equivalence",
                 "same weights, same batches: our graph against the original framework",
                 "graph-cnn equivalence chollet_dense --steps 5", cmd_equivalence,
                 check=_check_equivalence)
    p.add_argument("ids", nargs="*", metavar="ID", help=IDS_HELP + " (default: every article "
                                                                   "pipeline)")
    p.add_argument("--steps", type=int, default=5, metavar="N",
                   help="optimizer steps compared (default 5)")
    p.add_argument("--json", action="store_true", help="print the rows as a JSON list")

    p = _command(sub, "bench", "training images/s against tf.keras fit and PyTorch",
                 "graph-cnn bench lenet_avgpool --rounds 2", cmd_bench, check=_check_bench)
    p.add_argument("ids", nargs="*", metavar="ID", help=IDS_HELP + " (default: every article "
                                                                   "pipeline)")
    p.add_argument("--json", action="store_true", help="print the rows as a JSON list")
    p.add_argument("--rounds", type=int, default=1, metavar="N",
                   help="measure each framework N times, alternating, and keep its best")
    p.add_argument("--save", metavar="PATH", help="also write the rows, with the machine and "
                                                  "library versions, to a JSON file")
    return parser


def _stdout_gone():
    """True when stdout's reader has gone away; stdout then goes to /dev/null so that Python's
    exit does not complain again."""
    import select

    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), select.POLLOUT)
        gone = any(events & select.POLLERR for _, events in poll.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows), or no stdout
        return False
    if gone:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return gone


def _dispatch(func, args, prog="graph-cnn"):
    """Run a command; a fault in the user's input or environment (GraphCnnError, OSError) ends
    as one line on stderr and exit 1, unless --debug or GRAPH_CNN_DEBUG=1 asks for the
    traceback. Other exceptions are bugs and keep their traceback."""
    debug = getattr(args, "debug", False) or os.environ.get("GRAPH_CNN_DEBUG", "0") not in (
        "", "0")
    try:
        if getattr(args, "precheck", None):  # arguments refused before TensorFlow loads
            args.precheck(args)
        if getattr(args, "tensorflow", True):
            from graph_cnn import quiet
            quiet.import_tensorflow(verbose=getattr(args, "verbose", False))
        return func(args)
    except KeyboardInterrupt:
        if debug:
            raise
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except (GraphCnnError, OSError) as exc:
        if debug:
            raise
        if isinstance(exc, BrokenPipeError) and _stdout_gone():
            return 1  # the reader of our output went away ('| head'): nothing to say
        line = errors.one_line(exc)
        print(f"{prog}: error: {line}", file=sys.stderr)
        return 1


def main(argv=None):
    args = build_parser().parse_args(argv)
    return _dispatch(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
