"""The one training and evaluation loop every pipeline runs through (epochs or steps).

Each batch runs the train op (with batch norm's ``UPDATE_OPS``) and fetches the loss and the
number correct from the same forward pass, before the update, which is what the articles'
"evaluate this batch, then train on it" printed. A NaN or infinite loss stops the run with a
:class:`TrainingError` naming the step. Records hold per-epoch (or per-logged-step) metrics and
images per second.

Given a resume folder, a run checkpoints at the end of each epoch (or every
:func:`checkpoint_every` steps) and a later run with the same folder continues from there, with
the same numbers an uninterrupted run gives on the same machine and thread count
(:mod:`graph_cnn.harness.resume`).
"""

import contextlib
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import tensorflow as tf
from tqdm import tqdm

from graph_cnn import fileio
from graph_cnn.data.feeds import make_feed
from graph_cnn.errors import GraphCnnError, TrainingError
from graph_cnn.harness import resume as resume_lib
from graph_cnn.harness.graph import build_graph

v1 = tf.compat.v1
EVAL_BATCH = 2000
# stateful random ops: each kernel keeps its place in its random stream, which no checkpoint holds
RANDOM_OPS = frozenset({"RandomUniform", "RandomUniformInt", "RandomStandardNormal",
                        "TruncatedNormal", "ParameterizedTruncatedNormal", "RandomGamma",
                        "RandomPoisson", "RandomPoissonV2", "RandomShuffle", "Multinomial"})


def _check_finite(loss, where, pipeline, records, record):
    """Stop on a NaN or infinite loss, leaving a record of where it happened."""
    if not math.isfinite(loss):
        records.append(dict(record, train_loss=None, diverged=True))
        raise TrainingError(f"the loss became {loss} at {where}; the run is stopped (lower "
                            f"the learning rate, or use a loss that cannot take log(0))")


MAX_TOWERS = 2


def default_towers(threads):
    """Slices each batch is split into: one per thread, up to MAX_TOWERS (batch norm sums its
    statistics over the towers, see :mod:`graph_cnn.harness.towers`)."""
    return max(1, min(threads, MAX_TOWERS))


class Session:
    """A pipeline's graph in a TF1 session, with the feed it trains on."""

    def __init__(self, pipeline, budget, seed, data_dir=None, threads=None, towers=None):
        self.pipeline, self.budget, self.seed = pipeline, budget, seed
        self.feed = make_feed(pipeline, budget, seed, data_dir)
        self.threads = threads = threads or os.cpu_count() or 1
        self.towers = default_towers(threads) if towers is None else towers
        self.graph, self.t = build_graph(pipeline, seed, towers=self.towers)
        self.fingerprint = resume_lib.fingerprint(pipeline, budget, self.graph)
        # per-session pools (the process-wide ones keep the first session's size); with towers,
        # each op gets one thread and the towers run side by side on the inter-op pool
        self.config = v1.ConfigProto(use_per_session_threads=True,
                                     intra_op_parallelism_threads=max(1, threads // self.towers),
                                     inter_op_parallelism_threads=threads)
        with self.graph.as_default():
            self.saver = v1.train.Saver(max_to_keep=1)
            self.init = v1.global_variables_initializer()
        self.sess = v1.Session(graph=self.graph, config=self.config)
        self.sess.run(self.init)

    def close(self):
        self.sess.close()

    def _feed(self, x, y, training):
        feed = {self.t["X"]: x, self.t["y"]: y}
        if training and self.t["training"] is not None:
            feed[self.t["training"]] = True
        return feed

    def train_batch(self, x, y, **run_options):
        """One optimizer step; returns (loss, number correct) of the batch before the step.
        ``run_options`` go to ``session.run`` (``options`` and ``run_metadata``, for traces)."""
        _, loss, correct = self.sess.run(
            [self.t["train_op"], self.t["loss"], self.t["correct_count"]],
            self._feed(x, y, training=True), **run_options)
        return float(loss), int(correct)

    def evaluate(self, x, y):
        """Accuracy over (x, y) with the training flag off, in large batches."""
        correct = sum(self.sess.run(self.t["correct_count"],
                                    self._feed(x[i:i + EVAL_BATCH], y[i:i + EVAL_BATCH], False))
                      for i in range(0, len(x), EVAL_BATCH))
        return correct / len(x)

    def test_accuracy(self):
        return self.evaluate(self.feed.test_x, self.feed.test_y)

    def predict(self, x, batch=EVAL_BATCH):
        """Predicted classes of prepared inputs, training flag off."""
        return np.concatenate([self.sess.run(self.t["logits"], {self.t["X"]: x[i:i + batch]})
                               .argmax(1) for i in range(0, len(x), batch)])

    def end_points(self, x, names):
        return self.sess.run({n: self.t["end_points"][n] for n in names}, {self.t["X"]: x})

    def dead_units(self, layer="fc1", examples=2000):
        """Fraction of ``layer``'s units that output 0 for every one of the first test images
        (dead ReLUs); None when the model has no such layer."""
        tensor = self.t["end_points"].get(layer)
        if tensor is None:
            return None
        out = self.sess.run(tensor, self._feed(self.feed.test_x[:examples],
                                               self.feed.test_y[:examples], False))
        return float((out.reshape(len(out), -1) == 0).all(axis=0).mean())

    def save(self, path):
        """The final checkpoint ``path`` (``.index``, ``.data-*``, ``.meta``) and a ``checkpoint``
        file naming it relative to its folder; written in a private folder, then each file
        renamed into place (the index last)."""
        path = Path(path)
        fileio.ensure_folder(path.parent)
        with fileio.scratch_folder(path) as tmp:
            self.saver.save(self.sess, str(tmp / path.name), write_state=False)
            for f in sorted(tmp.iterdir(), key=lambda f: f.name.endswith(".index")):
                os.replace(f, path.parent / f.name)
        fileio.write_text(path.parent / "checkpoint",
                          f'model_checkpoint_path: "{path.name}"\n'
                          f'all_model_checkpoint_paths: "{path.name}"\n')
        return str(path)

    def random_ops(self):
        """The stateful random ops a training step runs (dropout's), by name."""
        seen, stack, found = set(), [self.t["train_op"]], []
        while stack:
            op = stack.pop()
            if op.name in seen:
                continue
            seen.add(op.name)
            if op.type in RANDOM_OPS:
                found.append(op)
            stack.extend(t.op for t in op.inputs)
            stack.extend(op.control_inputs)
        return sorted(found, key=lambda op: op.name)

    def skip_random(self, batch_sizes):
        """Advance the random streams of the training step's random ops as training batches of
        ``batch_sizes`` did: a restored checkpoint holds the variables, not the kernels' places
        in their streams (TensorFlow keeps one kernel per stateful op and session). Each op
        draws its output again and drops it, its inputs (the shapes) fed as a forward pass of
        that batch size makes them, computed in a throwaway session whose kernels are its own."""
        ops = self.random_ops()
        if not ops or not batch_sizes:
            return
        inputs = [t for op in ops for t in op.inputs]
        outputs = [op.outputs[0] for op in ops]
        training = {} if self.t["training"] is None else {self.t["training"]: True}
        feeds = {}
        with _fetchable(self.graph, ops + [t.op for t in inputs]):
            with v1.Session(graph=self.graph, config=self.config) as probe:
                probe.run(self.init)
                for size in sorted(set(batch_sizes)):
                    x = np.zeros((size, *self.pipeline.input_shape), np.float32)
                    values = probe.run(inputs, {self.t["X"]: x, **training})
                    feeds[size] = {**dict(zip(inputs, values, strict=True)), **training}
            for size in batch_sizes:
                self.sess.run(outputs, feeds[size])


@contextlib.contextmanager
def _fetchable(graph, ops):
    """Let ``ops`` be fetched although they sit in a ``tf.cond`` branch (TensorFlow refuses
    that because such a branch may not run; here the training flag is fed true)."""
    marked = getattr(graph, "_unfetchable_ops", set())
    hidden = [op for op in ops if op in marked]
    marked.difference_update(hidden)
    try:
        yield
    finally:
        marked.update(hidden)


def _bar(total, desc, show):
    return tqdm(total=total, desc=desc, unit="img", unit_scale=True, leave=False,
                disable=not show, file=sys.stderr)


def epoch_label(number, index, epochs, first_epoch):
    """``epoch 3/30`` where the article counts from 1; ``epoch 0 (1/20)`` where it counts from 0
    (its number, then how far into the run)."""
    if first_epoch == 1:
        return f"epoch {number}/{epochs}"
    return f"epoch {number} ({index + 1}/{epochs})"


def checkpoint_every(steps, log_every):
    """Steps between checkpoints of a step budget: about a twentieth of it, in whole logging
    intervals."""
    return log_every * max(1, round(steps / 20 / log_every))


def epoch_batch_sizes(feed, batch_size, epochs):
    """The batch sizes ``epochs`` epochs of :meth:`Feed.epoch` train on (the last one partial)."""
    full, rest = divmod(feed.num_train, batch_size)
    return ([batch_size] * full + ([rest] if rest else [])) * epochs


def run_epochs(session, epochs, log=print, progress=None, records=None, done=0, rng=None,
               after_epoch=None):
    """Train epochs ``done`` + 1 to ``epochs``; one record per epoch with the article's epoch
    number. ``rng`` shuffles (default: a fresh one from the seed); ``after_epoch(done, rng)``
    runs after each epoch's record, before its log line (the checkpoint)."""
    pipeline, feed = session.pipeline, session.feed
    rng = np.random.RandomState(session.seed) if rng is None else rng
    show = sys.stderr.isatty() if progress is None else progress
    records = [] if records is None else records
    for e in range(done, epochs):
        number = e + pipeline.first_epoch
        start, seen, correct, losses = time.perf_counter(), 0, 0, []
        with _bar(feed.num_train, f"epoch {number}", show) as bar:
            for x, y in feed.epoch(rng):
                loss, right = session.train_batch(x, y)
                _check_finite(loss, f"epoch {number}, batch {len(losses) + 1}", pipeline,
                              records, dict(epoch=number, batch=len(losses) + 1))
                losses.append(loss)
                seen, correct = seen + len(x), correct + right
                bar.update(len(x))
                bar.set_postfix(loss=f"{loss:.4f}", acc=f"{correct / seen:.4f}", refresh=False)
        train_seconds = time.perf_counter() - start
        record = dict(epoch=number, train_loss=float(np.mean(losses)), train_acc=correct / seen,
                      test_acc=session.test_accuracy(), seconds=time.perf_counter() - start,
                      images_per_sec=seen / train_seconds)
        records.append(record)
        if after_epoch is not None:
            after_epoch(e + 1, rng)
        log(f"{epoch_label(number, e, epochs, pipeline.first_epoch)} - "
            f"{record['seconds']:.1f}s - loss: {record['train_loss']:.4f} - "
            f"acc: {record['train_acc']:.4f} - test_acc: {record['test_acc']:.4f} - "
            f"{record['images_per_sec']:.0f} img/s")
    return records


def run_steps(session, steps, log_every, log=print, progress=None, records=None, done=0,
              every=None, after_steps=None, since_record=(0.0, 0)):
    """Train steps ``done`` to ``steps`` - 1 of ``next_batch``; a record every ``log_every``
    steps holding the current batch's loss and training accuracy (before that step's update)
    and the time since the previous record, as seed 002 printed them. Every ``every`` steps,
    ``after_steps(done, (seconds, images) since the last record)`` runs (the checkpoint)."""
    pipeline, feed = session.pipeline, session.feed
    show = sys.stderr.isatty() if progress is None else progress
    records = [] if records is None else records
    last, images = time.perf_counter() - since_record[0], since_record[1]
    final_step = steps - 1 - (steps - 1) % pipeline.train_every  # the last step trained on
    with _bar(steps * pipeline.batch_size, "steps", show) as bar:
        bar.update(done * pipeline.batch_size)
        for step in range(done, steps):
            x, y = feed.next_batch()
            bar.update(len(x))
            trained = step % pipeline.train_every == 0  # else drawn only: the data order stays
            if trained:
                loss, right = session.train_batch(x, y)
                _check_finite(loss, f"step {step}", pipeline, records,
                              dict(step=step, train_acc=right / len(x)))
                images += len(x)
            if trained and (step % log_every == 0 or step == final_step):
                now = time.perf_counter()
                records.append(dict(step=step, train_loss=loss, train_acc=right / len(x),
                                    seconds=now - last, images_per_sec=images / (now - last)))
                last, images = now, 0
                if step % (log_every * 100) == 0 or step == final_step:
                    log(f"step {step} - loss: {loss:.4f} - training accuracy "
                        f"{right / len(x):.4f}")
            if after_steps is not None and every and (step + 1) % every == 0:
                after_steps(step + 1, (time.perf_counter() - last, images))
    return records


class _Checkpoints:
    """Saves a run's resume state (and flushes its TensorBoard events) as it trains."""

    def __init__(self, session, folder, budget, events, elapsed_before, start):
        self.session, self.folder, self.budget, self.events = session, folder, budget, events
        self.elapsed_before, self.start, self.logged = elapsed_before, start, 0
        self.resumed = []

    def elapsed(self):
        """Seconds the run has taken, the processes before a resume included."""
        return self.elapsed_before + time.perf_counter() - self.start

    def add_events(self, records):
        """Records not yet in the TensorBoard file, added and flushed."""
        if self.events is not None:
            for record in records[self.logged:]:
                self.events.add(record)
            self.logged = len(records)
            self.events.flush()

    def save(self, done, records, **state):
        s = self.session
        if self.folder is not None:
            self.folder.save(s, dict(
                state, id=s.pipeline.id, seed=s.seed, threads=s.threads, towers=s.towers,
                fingerprint=s.fingerprint,
                kind="epochs" if self.budget.epochs else "steps", done=done, records=records,
                resumed_at=self.resumed, elapsed=self.elapsed()))
        self.add_events(records)


def resume_state(folder, pipeline, budget_name, seed, threads=None, restart=False, log=print,
                 fingerprint=None):
    """The saved state in the resume folder ``folder`` to continue from, or None to start. A
    damaged state, one of another run, one made with other thread or tower counts (other
    numbers) or by a pipeline that has changed since (its fingerprint: ``fingerprint`` when the
    caller has built the graph, else built here) raises a one-line error, or with ``restart``
    is dropped."""
    if folder is None:
        return None
    folder = folder if isinstance(folder, resume_lib.ResumeFolder) else (
        resume_lib.ResumeFolder(folder))
    budget = pipeline.budget(budget_name) if isinstance(budget_name, str) else budget_name
    threads = threads or os.cpu_count() or 1
    hint = "add --force to start the run over"
    try:
        state = folder.load()
    except GraphCnnError as exc:
        problem, state = str(exc).split(";")[0], False
    if state is None:
        return None
    if state is False:
        pass
    elif (state.get("id"), state.get("seed"), state.get("kind")) != (
            pipeline.id, seed, "epochs" if budget.epochs else "steps") or (
            state["done"] > (budget.epochs or budget.steps)):
        problem = (f"{folder.folder} holds another run ({state.get('id')}, seed "
                   f"{state.get('seed')})")
    elif (state.get("threads"), state.get("towers")) != (threads, default_towers(threads)):
        problem = (f"cannot resume from {folder.folder}: it was trained with --threads "
                   f"{state.get('threads')} and the numbers depend on it (this run: --threads "
                   f"{threads})")
        hint = f"run with --threads {state.get('threads')} to resume it, or {hint}"
    elif changes := _changes_since(state, pipeline, budget, seed, threads, fingerprint):
        shown = "; ".join(changes[:4]) + (f"; and {len(changes) - 4} more"
                                          if len(changes) > 4 else "")
        problem = (f"cannot resume from {folder.folder}: the pipeline changed since its "
                   f"checkpoint ({shown})")
    else:
        return state
    if not restart:
        raise GraphCnnError(f"{problem}; {hint}")
    log(f"starting over (--force): {problem}")
    folder.clear()
    return None


def _changes_since(state, pipeline, budget, seed, threads, fingerprint=None):
    """What changed in the run's definition since ``state`` was saved (against ``fingerprint``,
    or the graph rebuilt and fingerprinted); nothing for states saved before fingerprints."""
    if "fingerprint" not in state:
        return []
    if fingerprint is None:
        graph, _ = build_graph(pipeline, seed, towers=default_towers(threads))
        fingerprint = resume_lib.fingerprint(pipeline, budget, graph)
    return resume_lib.fingerprint_changes(state["fingerprint"], fingerprint)


def _restore(session, folder, state):
    """Put a fresh session where ``state`` left its run; returns the shuffling RNG of an epoch
    budget (None for steps)."""
    pipeline, done = session.pipeline, state["done"]
    folder.restore(session, state)
    if state["kind"] == "epochs":
        session.skip_random(epoch_batch_sizes(session.feed, pipeline.batch_size, done))
        return resume_lib.set_rng_state(np.random.RandomState(session.seed), state["rng"])
    feed = state["feed"]
    session.feed.restore(feed["epochs_completed"], feed["index_in_epoch"], feed["rng"])
    session.skip_random([pipeline.batch_size] * done)
    return None


def train(pipeline, budget_name, seed, data_dir=None, threads=None, log=print, progress=None,
          checkpoint=None, artifacts=None, resume=None, restart=False):
    """Train ``pipeline`` at ``budget_name`` with ``seed``; returns a result dict: records,
    final figures, status ("ok", or "diverged" with the error), seconds, threads, towers and
    ``resumed_at`` (the epochs or steps done when each resume started; None if none did).

    ``resume``: the folder of the resume state, saved each epoch (or every
    :func:`checkpoint_every` steps); a state already there is continued (see
    :func:`resume_state`, ``restart`` dropping one that cannot be). ``artifacts``: the folder
    for plots and TensorBoard events, the events written as training goes."""
    budget = pipeline.budget(budget_name)
    start = time.perf_counter()
    threads = threads or os.cpu_count() or 1
    folder = resume_lib.ResumeFolder(resume) if resume is not None else None
    session = Session(pipeline, budget, seed, data_dir, threads)
    try:  # the session's graph is the one the saved fingerprint is checked against
        state = resume_state(folder, pipeline, budget, seed, threads, restart, log,
                             session.fingerprint)
    except BaseException:
        session.close()
        raise
    total, unit = (budget.epochs, "epochs") if budget.epochs else (budget.steps, "steps")
    if folder is not None:
        log(f"resuming from the last checkpoint: {state['done']} of {total} {unit} done"
            if state else f"starting: 0 of {total} {unit} done")
    events = None
    try:
        status, error, records, done, rng, resumed = "ok", None, [], 0, None, []
        if state:
            rng = _restore(session, folder, state)
            done, records = state["done"], state["records"]
            resumed = state.get("resumed_at", []) + [done]
        if artifacts is not None:
            from graph_cnn.harness.artifacts import EventLog
            fileio.ensure_folder(artifacts)
            # a resumed run's graph and earlier scalars are in the file the first process wrote
            events = EventLog(artifacts, None if state else session.graph)
        saver = _Checkpoints(session, folder, budget, events, state["elapsed"] if state else 0.0,
                             start)
        saver.logged, saver.resumed = len(records), resumed
        try:
            if budget.epochs:
                run_epochs(session, budget.epochs, log, progress, records, done, rng,
                           lambda n, rng: saver.save(n, records, rng=resume_lib.rng_state(rng)))
            else:
                def after_steps(n, since_record):
                    feed = session.feed.state()
                    feed["rng"] = resume_lib.rng_state(feed["rng"])
                    saver.save(n, records, feed=feed, since_record=list(since_record))

                run_steps(session, budget.steps, pipeline.log_every, log, progress, records,
                          done, checkpoint_every(budget.steps, pipeline.log_every), after_steps,
                          tuple(state.get("since_record", (0.0, 0))) if state else (0.0, 0))
        except TrainingError as exc:
            status, error = "diverged", str(exc)
            log(f"{pipeline.id}: {exc}")
        final = dict(test_acc=session.test_accuracy(), dead_fc1=session.dead_units("fc1"))
        if records:
            final.update(train_acc=records[-1]["train_acc"],
                         train_loss=records[-1]["train_loss"])
        result = dict(id=pipeline.id, seed=seed, budget=budget_name, status=status, error=error,
                      final=final, records=records)
        if checkpoint is not None:
            session.save(checkpoint)
        if artifacts is not None:
            from graph_cnn.harness.artifacts import write_run_artifacts
            saver.add_events(records)
            write_run_artifacts(session, result, artifacts, events)
            events = None
    finally:
        if events is not None:
            events.close()
        session.close()
    result.update(seconds=saver.elapsed(), threads=session.threads, towers=session.towers,
                  resumed_at=resumed or None)
    return result
