"""``graph-cnn predict``: classify a user's own digit pictures with a trained run. A picture
that cannot be read is reported in one line and the others are still classified; noise, a boxed
form field or a line of text is answered "not a digit" (see :mod:`graph_cnn.tools.digit_check`
for what is caught and what is not: a single printed letter or symbol is not)."""

import sys
from pathlib import Path

import numpy as np

from graph_cnn import fileio
from graph_cnn.errors import DataError
from graph_cnn.tools import digit_check, digits
from graph_cnn.tools.inference import Run, best_run, output_folder


def predict(run_dir, images, probabilities=False, save_input=None, out=sys.stdout,
            err=sys.stderr, data_dir=None):
    """Print one line per image; returns the number of images that could not be classified.
    ``run_dir`` None: the best run under ./runs (:func:`best_run`), named on ``err``; a quick
    run is used with a warning on ``err``. A ``save_input`` folder this makes is removed again
    if nothing is saved in it."""
    with fileio.removing_empty(*([save_input] if save_input else [])):
        return _predict(run_dir, images, probabilities, save_input, out, err, data_dir)


def _predict(run_dir, images, probabilities, save_input, out, err, data_dir):
    folder = output_folder(save_input, "--save-input") if save_input else None
    saved_as = save_names(images)
    chosen = run_dir is None
    run = Run(best_run() if chosen else run_dir)
    try:
        _say_which(run, chosen, err)
        check = _digit_check(data_dir, err)
        failed = 0
        for path in images:
            try:
                image = digits.load_digit(path)
            except DataError as exc:
                print(f"graph-cnn: error: {exc}", file=err)
                failed += 1
                continue
            probs = run.probabilities(image[None])[0]
            digit = int(np.argmax(probs))
            why = check.reason(image) if check else None
            if why:
                line = (f"{path}: not a digit ({why}; the model's guess would be {digit}, "
                        f"p={probs[digit]:.3f})")
            else:
                line = f"{path}: {digit} (p={probs[digit]:.3f})"
            if probabilities:
                line += "  [" + " ".join(f"{d}:{p:.3f}" for d, p in enumerate(probs)) + "]"
            print(line, file=out)
            if folder:
                _save_png(image, folder / saved_as[path])
    finally:
        run.close()
    return failed


def _say_which(run, chosen, err):
    """Name the run ``predict`` chose, and warn when its model had only a quick budget."""
    accuracy = run.result["final"].get("test_acc")
    about = (f"{run.pipeline.id}, {run.result['budget']} budget, seed {run.result['seed']}"
             + (f", test accuracy {accuracy:.4f}" if accuracy is not None else ""))
    if chosen:
        print(f"graph-cnn: using {run.dir} ({about}), the best run under runs/; --run DIR "
              f"chooses another", file=err)
    if run.result["budget"] == "quick":
        print(f"graph-cnn: warning: {run.dir} is a quick run (a smoke test, seconds of "
              f"training): expect wrong answers; 'graph-cnn reproduce {run.pipeline.id} "
              f"--budget full' trains one as the article did", file=err)


def _digit_check(data_dir, err):
    """The not-a-digit check, or None (said once on ``err``) when MNIST cannot be had."""
    try:
        return digit_check.load(data_dir)
    except DataError as exc:
        print(f"graph-cnn: note: no not-a-digit check this time (it is built from MNIST): {exc}",
              file=err)
        return None


def save_names(images):
    """``--save-input`` file names: the whole input name (``good7.png_28x28.png``), numbered when
    two different inputs share one (``a/x.png``, ``b/x.png``), so that none overwrites another."""
    names, taken = {}, set()
    for path in images:
        if path in names:
            continue
        base, n = Path(path).name, 1
        name = f"{base}_28x28.png"
        while name in taken:
            n += 1
            name = f"{base}_{n}_28x28.png"
        names[path] = name
        taken.add(name)
    return names


def _save_png(image, path):
    """``image`` as a PNG at ``path``, written atomically with the user's umask."""
    import cv2

    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise DataError(f"{path}: OpenCV could not encode the 28x28 input")
    fileio.write_bytes(path, encoded.tobytes())
