"""Writing files so that nothing is ever half-written: every writer goes through a private
temporary name in the destination folder (unique to this process) and an atomic rename.

:func:`atomic_path` is the one idiom; :func:`write_text`, :func:`write_bytes` and
:func:`write_json` are built on it. A write that fails for want of space or permission raises
:class:`OutputError`, one line naming the file and what to do, and leaves nothing behind.
"""

import contextlib
import errno
import json
import os
import secrets
import shutil
from pathlib import Path

from graph_cnn.errors import GraphCnnError

AGAIN = "run the same command again"


class OutputError(GraphCnnError):
    """A file could not be written (full disk, no permission, read-only file system)."""

    def __init__(self, path, reason, then=AGAIN):
        self.path, self.reason, self.then = Path(path), reason, then
        super().__init__(f"{reason} writing {path}; {_remedy(reason)} and {then}")

    def resuming(self, then):
        """The same error with another last clause (what running again will do)."""
        return OutputError(self.path, self.reason, then)


def _remedy(reason):
    if reason in ("no space left on device", "disk quota exceeded"):
        return "free space"
    if reason == "read-only file system":
        return "choose a writable folder"
    return "make the folder writable (or choose another)"


_REASONS = {errno.ENOSPC: "no space left on device", errno.EDQUOT: "disk quota exceeded",
            errno.EACCES: "permission denied", errno.EPERM: "permission denied",
            errno.EROFS: "read-only file system"}


def output_error(path, exc, then=AGAIN):
    """``exc`` (an OSError, or a TensorFlow error whose text says so) as an :class:`OutputError`
    about ``path``, or None when it is not a fault of the disk or its permissions."""
    if isinstance(exc, OSError) and exc.errno in _REASONS:
        return OutputError(path, _REASONS[exc.errno], then)
    text = str(exc).lower()
    for reason in ("no space left on device", "disk quota exceeded", "permission denied",
                   "read-only file system"):
        if reason in text:
            return OutputError(path, reason, then)
    return None


def temporary_name(path):
    """A name beside ``path`` that no other process or call uses, ending like ``path`` (so that
    writers choosing a format by the extension, as matplotlib and OpenCV do, still can)."""
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp{path.suffix}")


def _remove(path):
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@contextlib.contextmanager
def atomic_path(path, then=AGAIN):
    """Yield a private temporary path beside ``path``; when the block ends it is renamed to
    ``path`` (a file, or a folder where ``path`` does not exist yet), and when the block raises
    it is removed. Disk and permission faults become :class:`OutputError`."""
    path = Path(path)
    tmp = temporary_name(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException as exc:
        _remove(tmp)
        error = output_error(path, exc, then) if isinstance(exc, Exception) else None
        if error is not None:
            raise error from exc
        if isinstance(exc, OSError) and str(tmp) in (str(exc.filename), str(exc.filename2)):
            # the user knows the path they gave, not our private name for it
            raise type(exc)(exc.errno, exc.strerror, str(path)) from exc
        raise


@contextlib.contextmanager
def scratch_folder(near):
    """Yield a new private folder beside ``near``, removed when the block ends (for writers
    that make several files, which are then renamed into place one by one). Disk and
    permission faults become :class:`OutputError` about ``near``."""
    near = Path(near)
    tmp = temporary_name(near)
    try:
        tmp.mkdir()
        yield tmp
    except Exception as exc:
        error = output_error(near, exc)
        if error is not None:
            raise error from exc
        raise
    finally:
        _remove(tmp)


@contextlib.contextmanager
def removing_empty(*folders):
    """Folders among ``folders`` and their parents that do not exist when the block starts and
    are empty when it ends are removed then, whatever the block did: a refused or failed
    command leaves no empty folder behind (and never removes one it did not make)."""
    made = set()
    for folder in folders:
        for path in (Path(folder), *Path(folder).parents):
            if path.exists() or path.is_symlink():
                break
            made.add(path)
    try:
        yield
    finally:
        for path in sorted(made, key=lambda p: len(p.parts), reverse=True):  # deepest first
            with contextlib.suppress(OSError):  # not empty, not a folder, or gone
                path.rmdir()


def probe_writable(folder):
    """Make ``folder`` (and its parents) and write, then remove, a private file in it: the one
    check that a folder takes files (permissions, read-only file systems, root included).
    Raises the OSError as it comes; callers say what the folder was for."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    probe = temporary_name(folder / "write-check")
    with open(probe, "xb"):
        pass
    probe.unlink()
    return folder


def ensure_folder(folder, what="folder"):
    """Make ``folder`` (and its parents) or raise a one-line error: a file in the way, no
    permission, a read-only file system."""
    folder = Path(folder)
    for parent in (folder, *folder.parents):
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise GraphCnnError(f"{parent} is a file, not a folder, so {what} {folder} "
                                    f"cannot be made; move the file away or choose another "
                                    f"{what}")
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        error = output_error(folder, exc)
        if error is None:
            raise GraphCnnError(f"cannot make {what} {folder}: {exc.strerror or exc}") from exc
        raise error from exc
    return folder


def write_bytes(path, data):
    """Write ``data`` to ``path`` atomically; the file gets the user's umask (as ``open`` does).
    Missing parent folders are made."""
    path = Path(path)
    ensure_folder(path.parent)
    with atomic_path(path) as tmp, open(tmp, "xb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return path


def write_text(path, text):
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return write_bytes(path, text.encode("utf-8"))


def write_json(path, obj):
    """``obj`` as JSON, atomically; a ``records`` list is written one record per line."""
    records = obj.get("records") if isinstance(obj, dict) else None
    if records is None:
        return write_text(path, json.dumps(obj, indent=1) + "\n")
    head = json.dumps({k: v for k, v in obj.items() if k != "records"}, indent=1)
    lines = ",\n".join("  " + json.dumps(r) for r in records)
    return write_text(path, head[:-2] + ',\n "records": [\n' + lines + "\n ]\n}\n")
