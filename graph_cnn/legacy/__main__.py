"""``python -m graph_cnn.legacy SCRIPT.py [ARGS...]``: the same as ``graph-cnn legacy``."""

import sys

if __name__ == "__main__":
    from graph_cnn.cli import main

    sys.exit(main(["legacy", *sys.argv[1:]]))
