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
