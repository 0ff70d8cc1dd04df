"""The command line as a new user meets it: quiet, quick where no TensorFlow is needed, help that
explains itself, messages that say what happened."""

import argparse
import os
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT

import graph_cnn
from graph_cnn import cli
from graph_cnn import quiet
from graph_cnn.harness.train import epoch_label


def _chatter(text):
    return [line for line in text.splitlines() if quiet.is_chatter(line)]


def _without_tf_log_level():
    """The environment a user has: no TF_CPP_MIN_LOG_LEVEL of ours (conftest's run_cli sets it)."""
    return {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}


@pytest.mark.parametrize("argv", [["list"], ["--help"], ["--version"],
                                  ["compare", "--results", "{tmp}"], ["data"]])
@pytest.mark.smoke
def test_commands_that_need_no_tensorflow_do_not_import_it(argv, tmp_path):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code = ("import sys\nfrom graph_cnn.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
            "assert 'tensorflow' not in sys.modules, 'tensorflow was imported'\nprint('clean')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.strip().endswith("clean"), done.stderr[-2000:]


def test_a_reproduction_module_is_quiet_and_says_what_its_divergence_means(tmp_path):
    """``python -m graph_cnn.reproductions.<id>`` imports its models before its __main__ block:
    still no start-up chatter. The expected divergence is said once, as expected, not as an
    error; the quick budget is called a smoke test."""
    done = subprocess.run(
        [sys.executable, "-m", "graph_cnn.reproductions.lenet5_relu_same_lr", "--budget",
         "quick", "--threads", "1", "--out", str(tmp_path)], capture_output=True, text=True,
        timeout=600, cwd=tmp_path, env=_without_tf_log_level())
    assert done.returncode == 0, done.stderr[-2000:]
    assert _chatter(done.stderr) == [] and _chatter(done.stdout) == []
    assert done.stderr.strip() == ""  # nothing else either: no "run(s) diverged" warning
    assert "lenet5_relu_same_lr seed 1 diverged, as expected: " in done.stdout
    assert "lenet5_relu_same_lr: lenet5_relu_same_lr" not in done.stdout
    assert "lenet5_relu_same_lr: the loss became nan at step 0" in done.stdout
    assert "smoke test" in done.stdout.splitlines()[-1]


def _graph_cnn(*args):
    return subprocess.run([sys.executable, "-m", "graph_cnn", *args], capture_output=True,
                          text=True, timeout=600, cwd=ROOT, env=_without_tf_log_level())


def test_verbose_brings_the_chatter_back():
    quiet_run = _graph_cnn("summary", "chollet_dense")
    loud_run = _graph_cnn("summary", "chollet_dense", "--verbose")
    assert quiet_run.returncode == loud_run.returncode == 0, loud_run.stderr[-2000:]
    assert "407,050" in quiet_run.stdout
    assert _chatter(quiet_run.stderr) == []
    assert len(_chatter(loud_run.stderr)) >= 2, loud_run.stderr


def test_real_errors_pass_the_filter(tmp_path):
    """A stand-in ``tensorflow`` that writes chatter and a real error to file descriptor 2 while
    it is imported: only the chatter is dropped."""
    fake = tmp_path / "tensorflow"
    fake.mkdir()
    (fake / "__init__.py").write_text(textwrap.dedent("""\
        import os
        os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are "
                    b"written to STDERR\\n")
        os.write(2, b"I0000 00:00:1795466046.791675   18117 port.cc:153] oneDNN custom "
                    b"operations are on.\\n")
        os.write(2, b"E0000 00:00:1795466051.558605   18117 cuda_platform.cc:52] failed call "
                    b"to cuInit: INTERNAL: CUDA error\\n")
        os.write(2, b"E0000 00:00:1795466051.558605   18117 bfc_allocator.cc:9] out of memory\\n")
        class config:
            @staticmethod
            def list_physical_devices():
                os.write(2, b"a real warning at device query\\n")
                return []
        """))
    code = "from graph_cnn import quiet\nquiet.import_tensorflow()\nprint('imported')\n"
    env = dict(_without_tf_log_level(), PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=env)
    assert done.returncode == 0 and done.stdout.strip() == "imported", done.stderr
    assert done.stderr.splitlines() == [
        "E0000 00:00:1795466051.558605   18117 bfc_allocator.cc:9] out of memory",
        "a real warning at device query"]


def _subcommands(parser):
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices, {c.dest: c.help for c in action._choices_actions}


def test_every_subcommand_and_argument_explains_itself():
    parser = cli.build_parser()
    commands, summaries = _subcommands(parser)
    assert len(commands) >= 11
    for name, sub in commands.items():
        assert summaries[name] and sub.description, name
        assert sub.epilog and sub.epilog.startswith("example:\n  graph-cnn " + name), name
        for action in sub._actions:
            assert action.help and action.help != argparse.SUPPRESS, (name, action.dest)
            if action.metavar == "ID":
                assert "graph-cnn list" in action.help, name
            if action.option_strings and action.nargs != 0 and action.choices is None:
                assert action.metavar in ("ID", "DIR", "PATH", "N", "ADDRESS"), (name, action.dest)
    assert all(a.help for a in parser._actions)


@pytest.mark.smoke
def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"graph-cnn {graph_cnn.__version__}"


def test_epochs_are_numbered_as_the_article_numbers_them():
    assert epoch_label(1, 0, 30, first_epoch=1) == "epoch 1/30"
    assert epoch_label(30, 29, 30, first_epoch=1) == "epoch 30/30"
    assert epoch_label(0, 0, 1, first_epoch=0) == "epoch 0 (1/1)"  # barter's quick budget
    assert epoch_label(19, 19, 20, first_epoch=0) == "epoch 19 (20/20)"


REFUSED = [  # (arguments, the words of the one line)
    (["reproduce", "no_such_id"], "unknown pipeline id 'no_such_id'"),
    (["reproduce", "chollet_dense", "--seeds", "0"], "--seeds must be 1 to 1000, not 0"),
    (["reproduce", "chollet_dense", "--seeds", "1000000000000"],
     "--seeds must be 1 to 1000, not 1000000000000"),
    (["reproduce", "chollet_dense", "--threads", "0"], "--threads must be 1 to 1024, not 0"),
    (["reproduce", "chollet_dense", "--jobs", "0"], "--jobs must be at least 1, not 0"),
    (["reproduce", "chollet_dense", "--first-seed", "2147483647", "--seeds", "2"],
     "goes past the largest seed"),
    (["reproduce", "chollet_dense", "--ray", "lenet5_relu"], "--ray takes HOST:PORT"),
    (["reproduce", "chollet_dense", "--jobs", "2", "--seeds", "0"], "--seeds must be 1 to"),
    (["summary", "nope"], "unknown pipeline id 'nope'"),
    (["equivalence", "nope"], "unknown pipeline id 'nope'"),
    (["equivalence", "chollet_dense", "--steps", "0"], "--steps must be at least 1, not 0"),
    (["bench", "nope"], "unknown pipeline id 'nope'"),
    (["bench", "--rounds", "0"], "--rounds must be at least 1, not 0"),
    (["predict", "--run", "{tmp}/none", "x.png"], "{tmp}/none: not a run folder"),
    (["features", "--run", "{tmp}/none", "--out", "{tmp}/maps"], "{tmp}/none: not a run folder"),
    (["export", "--run", "{tmp}/none", "--out", "{tmp}/e"], "{tmp}/none: not a run folder"),
    (["compare", "--committed", "--plot", "{tmp}/diff.xyz"],
     "--plot {tmp}/diff.xyz: give a file name ending in .png, .svg, .pdf"),
    (["legacy", "{tmp}/old.py"], "{tmp}/old.py: no such script"),
    (["legacy", "--check", "{tmp}/old.py"], "{tmp}/old.py: no such script"),
    (["legacy", "--diff", "{tmp}/old.ipynb"], "{tmp}/old.ipynb: no such script"),
]


@pytest.mark.parametrize("argv, words", REFUSED, ids=[" ".join(a) for a, _ in REFUSED])
def test_bad_arguments_are_refused_before_tensorflow_loads(argv, words, tmp_path):
    """One line, exit 1, in about a second: TensorFlow is never imported and nothing is made
    (no runs folder, no output folder)."""
    import time

    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    if argv[0] == "reproduce":
        argv += ["--out", str(tmp_path / "runs")]
    code = ("import sys\nfrom graph_cnn.cli import main\ncode = main(sys.argv[1:])\n"
            "assert 'tensorflow' not in sys.modules, 'tensorflow was imported'\nsys.exit(code)\n")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, check=False)
    seconds = time.perf_counter() - start
    assert done.returncode == 1, done.stderr[-2000:]
    (line,) = done.stderr.splitlines()
    assert line.startswith("graph-cnn: error: ") and words.replace("{tmp}", str(tmp_path)) in line
    assert seconds < 3, f"refused after {seconds:.1f}s"
    assert list(tmp_path.iterdir()) == []


def test_a_digit_out_of_range_is_refused_by_the_parser(tmp_path):
    done = _graph_cnn("features", "--run", str(tmp_path), "--digits", "11")
    assert done.returncode == 2 and "invalid choice: 11" in done.stderr


def test_a_failed_run_leaves_no_empty_folder(tmp_path):
    """A run that fails before it saves anything (no MNIST at --data-dir): one line, and neither
    the runs folder, nor ``<out>/<id>/``, nor ``<run>.partial/`` is left."""
    (tmp_path / "mine").mkdir()
    done = _graph_cnn("reproduce", "chollet_dense", "--threads", "1", "--data-dir",
                      str(tmp_path / "missing"), "--out", str(tmp_path / "mine" / "runs"))
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1].startswith(
        f"graph-cnn: error: {tmp_path / 'missing'} (from --data-dir): no such folder")
    assert list(tmp_path.rglob("*")) == [tmp_path / "mine"]  # the user's own folder stays
