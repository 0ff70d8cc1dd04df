"""The ``graph-cnn`` command line."""

import argparse
import os
import sys

from .errors import GraphCnnError


def _quiet_tensorflow():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def cmd_data(args):
    from . import mnist

    directory = mnist.locate(args.data_dir)
    print(f"MNIST in {directory}")
    for name, path in mnist.verify_dir(directory).items():
        _, shape, digest = mnist.FILES[name]
        print(f"  {path.name:28s} {'x'.join(map(str, shape)):>12s}  sha256 {digest[:12]}... ok")
    print("all four files verified")
    return 0


def cmd_legacy(args):
    from . import legacy

    return legacy.run(args.script, args.args, data_dir=args.data_dir)


def cmd_list(args):
    from . import registry

    main_ids = registry.pipelines(include_ablations=False)
    for pid, p in registry.pipelines().items():
        budget = f"{p.full.epochs} epochs" if p.full.epochs else f"{p.full.steps} steps"
        kind = "" if pid in main_ids else "  [ablation]"
        print(f"{pid:28s} {p.seed_article:8s} {budget:>12s}  batch {p.batch_size:<4d} "
              f"{len(p.figures)} figures  {p.title}{kind}")
    return 0


def cmd_summary(args):
    from . import registry, summary
    from .pipeline import build_graph

    for pid in args.ids:
        pipeline = registry.get(pid)
        _, tensors = build_graph(pipeline)
        print(summary.render(pipeline, tensors))
    return 0


def cmd_reproduce(args):
    from . import registry
    from .reproduce import check_run_arguments, reproduce

    seeds = check_run_arguments(args)
    if args.all == bool(args.ids):
        raise GraphCnnError("name pipeline ids or give --all ('graph-cnn list' shows the ids)")
    ids = list(registry.pipelines(include_ablations=args.ablations)) if args.all else args.ids
    pipelines = [registry.get(pid) for pid in ids]
    if args.jobs > 1:
        from .reproduce import run_parallel
        run_parallel(pipelines, args.budget, seeds, args.out, args.data_dir, args.threads,
                     args.jobs)
        return 0
    failed = []
    for pipeline in pipelines:
        for result in reproduce(pipeline, args.budget, seeds, args.out, args.data_dir,
                                args.threads):
            if result["status"] != "ok":
                failed.append(f"{pipeline.id} seed {result['seed']}")
    if failed:
        print(f"graph-cnn: {len(failed)} run(s) diverged (recorded as such): "
              f"{', '.join(failed)}", file=sys.stderr)
    return 0


def cmd_compare(args):
    import json

    from . import compare, registry, runs

    pipelines = registry.pipelines(include_ablations=False)
    results = runs.load_results(args.results, args.budget)
    figures = compare.figure_rows(pipelines, results)
    claims = compare.claim_rows(pipelines, results)
    ablations = compare.ablation_rows(pipelines, results)
    if args.markdown:
        from pathlib import Path

        runs.write_text(Path(args.markdown), compare.markdown(
            figures, claims, ablations,
            compare.provenance_lines(results, args.results, args.budget)))
    if args.json:
        print(json.dumps(figures + claims + [dict(a, kind="ablation") for a in ablations],
                         indent=1))
    else:
        print(compare.text_table(figures, claims, ablations))
    return 0


def cmd_predict(args):
    import numpy as np

    from . import digits
    from .errors import DataError
    from .inference import Run

    run = Run(args.run)
    failed = 0
    for path in args.images:
        try:
            image = digits.load_digit(path)
        except DataError as exc:
            print(f"graph-cnn: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        probs = run.probabilities(image[None])[0]
        digit = int(np.argmax(probs))
        line = f"{path}: {digit} (p={probs[digit]:.3f})"
        if args.probabilities:
            line += "  [" + " ".join(f"{d}:{p:.3f}" for d, p in enumerate(probs)) + "]"
        print(line)
        if args.save_input:
            import cv2
            from pathlib import Path
            out = Path(args.save_input)
            out.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(out / (Path(path).stem + "_28x28.png")), image)
    run.close()
    return 1 if failed else 0


def cmd_export(args):
    from .export import export
    from .inference import Run

    run = Run(args.run)
    out = export(run, args.out)
    run.close()
    print(f"wrote {out}/saved_model (SavedModel) and {out}/model.pb (frozen GraphDef); "
          f"open either in Netron")
    return 0


def cmd_features(args):
    from pathlib import Path

    from . import visualize
    from .inference import Run, first_test_digits

    run = Run(args.run)
    images = first_test_digits(args.digits, args.data_dir)
    grids = visualize.feature_grids(run, args.digits, run.inputs(images))
    if not grids:
        raise GraphCnnError(f"{run.pipeline.id} has no conv layers to draw")
    for path in visualize.save_feature_pngs(grids, Path(args.out or args.run)):
        print(path)
    run.close()
    return 0


def cmd_equivalence(args):
    from . import equivalence, registry

    ids = args.ids or [pid for pid in registry.pipelines(include_ablations=False)]
    for pid in ids:
        registry.get(pid)
    if args.steps < 1:
        raise GraphCnnError(f"--steps must be at least 1, not {args.steps}")
    rows = equivalence.main_rows(ids, args.steps)
    print(equivalence.to_json(rows) if args.json else equivalence.render(rows))
    return 1 if any(r.get("passed") is False for r in rows) else 0


def cmd_bench(args):
    import json
    import os

    from . import bench, registry

    ids = args.ids or list(registry.pipelines(include_ablations=False))
    for pid in ids:
        registry.get(pid)
    if args.rounds < 1:
        raise GraphCnnError(f"--rounds must be at least 1, not {args.rounds}")
    rows = bench.run(ids, rounds=args.rounds)
    load = os.getloadavg()[0]
    rows = [dict(r, load_average=round(load, 2), cpus=os.cpu_count()) for r in rows]
    if args.save:
        import datetime

        from .runs import git_commit, machine, versions, write_json
        write_json(args.save, {"machine": machine(), "commit": git_commit(),
                               "versions": versions(), "measured": datetime.datetime.now(
                                   datetime.timezone.utc).isoformat(timespec="seconds"),
                               "rows": rows})
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    fmt = lambda v, spec: "-" if v is None else format(v, spec)  # noqa: E731
    print(f"{'pipeline':20s} {'graph_cnn':>10s} {'towers':>6s} {'x 1 tower':>9s} "
          f"{'tf.keras':>10s} {'x keras':>8s} {'pytorch':>10s} {'x torch':>8s} "
          f"{'ceiling':>10s} {'ceil/keras':>10s}   (training images/s; load {load:.1f})")
    for r in rows:
        print(f"{r['id']:20s} {fmt(r['graph_cnn_ips'], '10.0f')} {r['towers']:6d} "
              f"{fmt(r.get('towers_gain'), '9.2f')} {fmt(r['keras_ips'], '10.0f')} "
              f"{fmt(r['ratio_vs_keras'], '8.2f')} {fmt(r.get('torch_ips'), '10.0f')} "
              f"{fmt(r.get('ratio_vs_torch'), '8.2f')} {fmt(r['ceiling_ips'], '10.0f')} "
              f"{fmt(r['ceiling_vs_keras'], '10.2f')}")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="graph-cnn",
        description="TF1-style MNIST CNNs on today's TensorFlow: data, legacy scripts, "
                    "reproductions of tutorial articles.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("data", help="find (downloading if needed) and verify the MNIST files")
    p.add_argument("--data-dir", help="folder holding the four MNIST IDX files (.gz or raw)")
    p.set_defaults(func=cmd_data)

    p = sub.add_parser("legacy", help="run a TensorFlow 1 script unchanged",
                       description="Run SCRIPT with the TF1 API, tf.layers, tf.contrib.layers, "
                                   "input_data and fetch_mldata provided by graph_cnn.")
    p.add_argument("--data-dir", help="MNIST folder for the script's loaders")
    p.add_argument("script", help="the TF1 Python script")
    p.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the script")
    p.set_defaults(func=cmd_legacy)

    p = sub.add_parser("list", help="list the article pipelines and ablations")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("summary", help="Keras-like layer table of pipelines' models")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(func=cmd_summary)

    from .reproduce import add_run_arguments

    p = sub.add_parser("reproduce", help="train pipelines over seeds and record every run")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--all", action="store_true", help="every article pipeline")
    p.add_argument("--ablations", action="store_true", help="with --all: the ablations too")
    add_run_arguments(p)
    p.set_defaults(func=cmd_reproduce)

    from .runs import RESULTS

    p = sub.add_parser("compare", help="reported versus measured, one row per figure and claim")
    p.add_argument("--results", default=str(RESULTS),
                   help=f"runs folder to read (default: the committed {RESULTS.name})")
    p.add_argument("--budget", default="full", choices=("quick", "full"))
    p.add_argument("--json", action="store_true", help="rows as a JSON list")
    p.add_argument("--markdown", metavar="PATH", help="also write the tables as Markdown")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("predict", help="classify your own digit images with a trained run")
    p.add_argument("--run", required=True, help="a run folder written by 'graph-cnn reproduce'")
    p.add_argument("images", nargs="+", metavar="IMAGE", help="PNG, JPEG, BMP, ... any size")
    p.add_argument("--probabilities", action="store_true", help="print all ten probabilities")
    p.add_argument("--save-input", metavar="DIR", help="write the 28x28 the model saw as PNG")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("export", help="SavedModel and frozen .pb of a run (for Netron, serving)")
    p.add_argument("--run", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("features", help="feature-map grids of a run's conv layers as PNGs")
    p.add_argument("--run", required=True)
    p.add_argument("--digits", type=int, nargs="+", default=[5, 0, 3])
    p.add_argument("--out", help="folder for the PNGs (default: the run folder)")
    p.add_argument("--data-dir")
    p.set_defaults(func=cmd_features)

    p = sub.add_parser("equivalence",
                       help="same weights, same batches: our graph against the original framework")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--steps", type=int, default=5, help="optimizer steps compared (default 5)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_equivalence)

    p = sub.add_parser("bench", help="training images/s against tf.keras fit and PyTorch")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.add_argument("--rounds", type=int, default=1,
                   help="measure each framework N times, alternating, and keep its best")
    p.add_argument("--save", metavar="PATH", help="also write the rows, with the machine and "
                                                  "library versions, to a JSON file")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv=None):
    _quiet_tensorflow()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except GraphCnnError as exc:
        print(f"graph-cnn: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("graph-cnn: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
