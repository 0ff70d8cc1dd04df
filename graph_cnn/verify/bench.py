"""``graph-cnn bench``: training images per second of graph_cnn's graph against the same model,
batch size and data trained by tf.keras ``fit`` and by PyTorch, measured one after the other in
one run, each in a fresh process after a warm-up. A benchmark that prints ratios, not a test.

Every pipeline with a reference model (``Pipeline.reference``) is covered: where the article's
own Keras or PyTorch code exists it is timed (``graph_cnn.verify.originals``); the other framework
gets a twin built from the pipeline's layer list (``graph_cnn.verify.bench_models``). Each
timing repeats passes over its batches for at least MIN_SECONDS; ``--rounds`` alternates the
frameworks several times and keeps each one's best, to ride out other load on the machine.

Two more figures explain the ratios: ``towers_gain`` (our graph against itself with one tower,
the lever :func:`graph_cnn.harness.train.default_towers` pulls) and ``ceiling_ips`` (the most any
scheduling of these TensorFlow kernels could reach on this machine; see :func:`worker_ceiling`).
Where ``ceiling_vs_keras`` is under 2, twice tf.keras is out of reach without faster kernels.
"""

import argparse
import functools
import os
import subprocess
import sys
import time

import numpy as np

from graph_cnn import reproductions
from graph_cnn.verify import bench_models as twins

WARMUP, BATCHES, MIN_SECONDS = 5, 40, 3.0


def _reference(pid):
    """The pipeline's reference (layer list, optimizer, originals); an error for one without."""
    reference = reproductions.get(pid).reference
    if reference is None or not reference.layers:
        raise SystemExit(f"bench: {pid} declares no reference model (Pipeline.reference)")
    return reference


def _settings(pid):
    """Batch size, input shape and pixel scaling of ``pid``'s data: the pipeline's own, where
    the article's Keras code is timed; 28x28x1 for the twins."""
    pipeline = reproductions.get(pid)
    keras_original = "keras" in _reference(pid).originals
    return (pipeline.batch_size, pipeline.input_shape if keras_original else (28, 28, 1),
            pipeline.scale)


def _data(pid, batches):
    from graph_cnn.data import mnist
    from graph_cnn.data.feeds import TORCH_MEAN, TORCH_STD
    batch_size, shape, scale = _settings(pid)
    (x, y), _ = mnist.load_data()
    n = batch_size * batches
    x = x[:n].reshape(-1, *shape).astype(np.float32) / 255
    if scale == "torch":
        x = (x - TORCH_MEAN) / TORCH_STD
    return x.astype(np.float32), y[:n].astype(np.int64), batch_size


def _session_and_batches(pid, batches, **session_args):
    """Our session for ``pid`` and its first ``batches`` training batches, prepared up front."""
    from graph_cnn import reproductions
    from graph_cnn.harness.spec import Budget
    from graph_cnn.harness.train import Session

    pipeline = reproductions.get(pid)
    session = Session(pipeline, Budget(epochs=1, train_limit=pipeline.batch_size * batches),
                      seed=1, **session_args)
    feed = session.feed
    if hasattr(feed, "next_batch"):  # read_data_sets pipelines
        return session, [feed.next_batch() for _ in range(batches)]
    return session, list(feed.epoch(np.random.RandomState(1)))


def worker_ours(pid, batches, towers=None):
    session, items = _session_and_batches(pid, batches, towers=towers)
    return _rate(lambda item: session.train_batch(*item), items, lambda item: len(item[0]))


def worker_ceiling(pid, batches):
    """Images per second if every CPU did nothing but this graph's kernels, split perfectly:
    CPUs x images / the kernel time of one-thread steps, read from TensorFlow's step trace.
    Any framework running these same TensorFlow kernels trains slower than this."""
    import tensorflow as tf

    v1 = tf.compat.v1
    session, items = _session_and_batches(pid, batches, threads=1)
    options = v1.RunOptions(trace_level=v1.RunOptions.FULL_TRACE)
    kernel_seconds, images = [], 0
    for i, (x, y) in enumerate(items):
        metadata = v1.RunMetadata()
        session.train_batch(x, y, options=options, run_metadata=metadata)
        if i >= WARMUP:
            kernel_seconds.append(sum(n.all_end_rel_micros for d in metadata.step_stats.dev_stats
                                      for n in d.node_stats) / 1e6)
            images += len(x)
    return (os.cpu_count() or 1) * images / sum(kernel_seconds)


def _rate(step, items, size):
    """Images per second of ``step`` over ``items`` after WARMUP of them, repeating passes until
    MIN_SECONDS have gone by (short timings are mostly noise)."""
    for item in items[:WARMUP]:
        step(item)
    timed, images, start = items[WARMUP:], 0, time.perf_counter()
    while time.perf_counter() - start < MIN_SECONDS:
        for item in timed:
            step(item)
            images += size(item)
    return images / (time.perf_counter() - start)


def _keras_model(keras, pid):
    reference = _reference(pid)
    if "keras" in reference.originals:  # the article's own Keras code
        from graph_cnn.verify.originals.keras_chollet import build
        return build(keras, pid), keras.optimizers.RMSprop(), "categorical_crossentropy"
    model, optimizer = twins.keras_model(keras, reference)
    return model, optimizer, keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def worker_keras(pid, batches):
    import keras

    x, y, batch_size = _data(pid, batches)
    model, optimizer, loss = _keras_model(keras, pid)
    if "keras" in _reference(pid).originals:
        y = keras.utils.to_categorical(y, 10)
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    warm = batch_size * WARMUP
    model.fit(x[:warm], y[:warm], batch_size=batch_size, epochs=1, verbose=0)
    x, y = x[warm:], y[warm:]
    start = time.perf_counter()  # one epoch sizes the timed fit to at least MIN_SECONDS
    model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, shuffle=True)
    epochs = max(1, int(np.ceil(MIN_SECONDS / (time.perf_counter() - start))))
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0, shuffle=True)
    return epochs * len(x) / (time.perf_counter() - start)


def worker_torch(pid, batches):
    import torch
    from torch import nn

    from graph_cnn.verify.originals.torch_lenet import build
    x, y, bs = _data(pid, batches)
    x = x.reshape(-1, 28, 28, 1)
    x, y = torch.tensor(x.transpose(0, 3, 1, 2).copy()), torch.tensor(y)
    reference = _reference(pid)
    if "torch" in reference.originals:  # the article's own PyTorch code
        model = build(nn, batch_norm=any(layer[0] == "bn" for layer in reference.layers))
        optimizer = torch.optim.SGD(model.parameters(), lr=reference.optimizer[1])
    else:
        model, optimizer = twins.torch_model(torch, reference)
    criterion = nn.CrossEntropyLoss()

    def step(i):
        logits = model(x[i:i + bs])
        loss = criterion(logits, y[i:i + bs])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        (logits.argmax(1) == y[i:i + bs]).sum().item()  # as the article's loop counts

    return _rate(step, list(range(0, len(x), bs)), lambda i: len(x[i:i + bs]))


WORKERS = {"ours": worker_ours, "ours_one_tower": functools.partial(worker_ours, towers=1),
           "ceiling": worker_ceiling, "keras": worker_keras, "torch": worker_torch}


def measure(kind, pid, batches):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="")
    done = subprocess.run([sys.executable, "-m", "graph_cnn.verify.bench", "--worker", kind, pid,
                           "--batches", str(batches)], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise SystemExit(f"bench: the {kind} worker failed on {pid}: {last}")
    return float(done.stdout.strip().splitlines()[-1])


def run(ids, batches=WARMUP + BATCHES, rounds=1):
    """One row per id. Where our session splits batches into towers, the same graph with one
    tower is timed too (``towers_gain``): the lever measured in the same run."""
    import importlib.util

    from graph_cnn.harness.train import default_towers
    rows = []
    for pid in ids:
        towers = default_towers(os.cpu_count() or 1)
        kinds = (["ours"] + (["ours_one_tower"] if towers > 1 else []) + ["keras", "ceiling"]
                 + (["torch"] if importlib.util.find_spec("torch") else []))
        best = dict.fromkeys(kinds, 0.0)
        for _ in range(rounds):
            for kind in kinds:
                best[kind] = max(best[kind], measure(kind, pid, batches))
        row = dict(id=pid, graph_cnn_ips=best["ours"], keras_ips=best["keras"],
                   ratio_vs_keras=best["ours"] / best["keras"], towers=towers, rounds=rounds,
                   ceiling_ips=best["ceiling"], ceiling_vs_keras=best["ceiling"] / best["keras"])
        if towers > 1:
            row.update(one_tower_ips=best["ours_one_tower"],
                       towers_gain=best["ours"] / best["ours_one_tower"])
        if "torch" in best:
            row.update(torch_ips=best["torch"], ratio_vs_torch=best["ours"] / best["torch"])
        rows.append(row)
    return rows


def report(ids, rounds=1, save=None, as_json=False):
    """``graph-cnn bench``: measure, optionally save the rows with provenance, and return the
    text (a table, or JSON rows) to print."""
    import json

    rows = run(ids, rounds=rounds)
    load = os.getloadavg()[0]
    rows = [dict(r, load_average=round(load, 2), cpus=os.cpu_count()) for r in rows]
    if save:
        import datetime

        from graph_cnn.fileio import write_json
        from graph_cnn.harness.runs import git_commit, machine, versions
        write_json(save, {"machine": machine(), "commit": git_commit(), "versions": versions(),
                          "measured": datetime.datetime.now(datetime.timezone.utc).isoformat(
                              timespec="seconds"),
                          "rows": rows})
    if as_json:
        return json.dumps(rows, indent=1)
    fmt = lambda v, spec: "-" if v is None else format(v, spec)  # noqa: E731
    lines = [f"{'pipeline':20s} {'graph_cnn':>10s} {'towers':>6s} {'x 1 tower':>9s} "
             f"{'tf.keras':>10s} {'x keras':>8s} {'pytorch':>10s} {'x torch':>8s} "
             f"{'ceiling':>10s} {'ceil/keras':>10s}   (training images/s; load {load:.1f})"]
    for r in rows:
        lines.append(
            f"{r['id']:20s} {fmt(r['graph_cnn_ips'], '10.0f')} {r['towers']:6d} "
            f"{fmt(r.get('towers_gain'), '9.2f')} {fmt(r['keras_ips'], '10.0f')} "
            f"{fmt(r['ratio_vs_keras'], '8.2f')} {fmt(r.get('torch_ips'), '10.0f')} "
            f"{fmt(r.get('ratio_vs_torch'), '8.2f')} {fmt(r['ceiling_ips'], '10.0f')} "
            f"{fmt(r['ceiling_vs_keras'], '10.2f')}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m graph_cnn.verify.bench")
    parser.add_argument("--worker", choices=sorted(WORKERS))
    parser.add_argument("id")
    parser.add_argument("--batches", type=int, default=WARMUP + BATCHES)
    args = parser.parse_args(argv)
    if args.worker.startswith("ours"):
        from graph_cnn.compat import graph_mode
        graph_mode.enter()
    print(WORKERS[args.worker](args.id, args.batches))
    return 0


if __name__ == "__main__":
    sys.exit(main())
