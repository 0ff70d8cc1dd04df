"""Why towers: does TensorFlow split one convolution across intra-op threads, and does it run two
independent ones at once across inter-op threads? Prints the time of one convolution and of two
independent ones for each thread setting, and their ratio (2.0: run one after the other; 1.0:
side by side).

    python benchmarks/conv_threads.py [--seconds 2]
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

v1 = tf.compat.v1


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python benchmarks/conv_threads.py")
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = parser.parse_args(argv)
    v1.disable_eager_execution()
    graph = v1.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, (256, 28, 28, 32))
        kernels = [v1.get_variable(f"k{i}", (3, 3, 32, 64)) for i in range(2)]
        convs = [tf.reduce_sum(tf.nn.conv2d(x, k, 1, "SAME")) for k in kernels]
        one, two = convs[0], convs[0] + convs[1]
        init = v1.global_variables_initializer()
    data = np.random.RandomState(0).rand(256, 28, 28, 32).astype(np.float32)
    print("intra inter   one conv   two convs   two / one")
    for intra, inter in ((1, 1), (2, 1), (1, 2), (2, 2)):
        config = v1.ConfigProto(intra_op_parallelism_threads=intra,
                                inter_op_parallelism_threads=inter,
                                use_per_session_threads=True)
        with v1.Session(graph=graph, config=config) as sess:
            sess.run(init)
            times = []
            for fetch in (one, two):
                sess.run(fetch, {x: data})
                start, n = time.perf_counter(), 0
                while time.perf_counter() - start < args.seconds:
                    sess.run(fetch, {x: data})
                    n += 1
                times.append((time.perf_counter() - start) / n)
        print(f"{intra:5d} {inter:5d} {times[0] * 1e3:8.1f} ms {times[1] * 1e3:8.1f} ms "
              f"{times[1] / times[0]:9.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
