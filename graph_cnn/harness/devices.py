"""``--device cpu|gpu``: where runs train, as environment variables set before a process makes
its first TensorFlow session (the sessions take an explicit ConfigProto, so ``tf.config``
settings would not reach them; these do).

- cpu: ``CUDA_VISIBLE_DEVICES`` empty, so TensorFlow sees no GPU.
- gpu: ``TF_FORCE_GPU_ALLOW_GROWTH=true``, so a process takes GPU memory as it needs it
  instead of nearly all of it, and several runs share one GPU; with ``--jobs J`` each GPU
  holds J runs (a run's process sees only its GPU).
- None: what TensorFlow finds (gpu when it finds one).
"""

import glob
import os
import sys

from graph_cnn.errors import GraphCnnError

DEVICES = ("cpu", "gpu")


def _no_gpu_possible():
    """True where no GPU can be visible, without loading TensorFlow: CUDA_VISIBLE_DEVICES hides
    them all, or (Linux) there is no NVIDIA device node."""
    if os.environ.get("CUDA_VISIBLE_DEVICES", None) in ("", "-1"):
        return True
    return sys.platform.startswith("linux") and not glob.glob("/dev/nvidia[0-9]*")


def count_gpus():
    """GPUs TensorFlow finds in this process (0 without loading TensorFlow where none can be;
    loaded without its start-up chatter)."""
    if _no_gpu_possible():
        return 0
    from graph_cnn import quiet

    return len(quiet.import_tensorflow().config.list_physical_devices("GPU"))


def check(device):
    """``device`` when it is one ``--device`` takes (or None); a one-line error otherwise."""
    if device not in (None, *DEVICES):
        raise GraphCnnError(f"--device must be one of {', '.join(DEVICES)}, not {device!r}")
    return device


def resolve(device, gpus=None):
    """(device, number of GPUs) for ``--device``: None becomes what TensorFlow finds."""
    if check(device) == "cpu":
        return "cpu", 0
    gpus = count_gpus() if gpus is None else gpus
    if device == "gpu" and not gpus:
        raise GraphCnnError("--device gpu: TensorFlow finds no GPU here (use --device cpu, or "
                            "leave --device out to use what it finds)")
    return ("gpu", gpus) if gpus else ("cpu", 0)


def environment(device, gpu_index=None):
    """Environment variables for a process that trains on ``device`` (``gpu_index``: the one
    GPU it sees)."""
    if device == "cpu":
        return {"CUDA_VISIBLE_DEVICES": ""}
    if device == "gpu":
        env = {"TF_FORCE_GPU_ALLOW_GROWTH": "true"}
        if gpu_index is not None:  # the index-th GPU this process sees
            visible = [v for v in os.environ.get("CUDA_VISIBLE_DEVICES", "").split(",") if v]
            env["CUDA_VISIBLE_DEVICES"] = visible[gpu_index] if visible else str(gpu_index)
        return env
    return {}


def use(device):
    """Set ``device``'s environment in this process, for runs trained in it (the serial path).
    Takes effect only before TensorFlow first looks for GPUs, which the harness does when it
    makes its first session."""
    os.environ.update(environment(device))
