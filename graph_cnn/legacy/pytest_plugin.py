"""Old TF1 notebooks kept as regression tests: ``pytest -p graph_cnn.legacy.pytest_plugin --nbdiff
[--nbdiff-runs N] notebooks/`` collects each ``.ipynb`` (``.executed.ipynb`` files aside) as one
test that runs it under the TF1 layer and fails, with the differing figures, unless every figure
it printed is reproduced (:func:`graph_cnn.legacy.diff.assert_reproduces`)."""

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("nbdiff", "old TF1 notebooks against their saved outputs")
    group.addoption("--nbdiff", action="store_true",
                    help="collect .ipynb files as tests of their saved outputs (graph-cnn legacy "
                         "--diff)")
    group.addoption("--nbdiff-runs", type=int, default=1, metavar="N",
                    help="runs of each notebook, for the run-to-run spread (default 1)")


def pytest_collect_file(file_path, parent):
    if (parent.config.getoption("nbdiff") and file_path.suffix == ".ipynb"
            and not file_path.name.endswith(".executed.ipynb")):
        return NotebookFile.from_parent(parent, path=file_path)
    return None


class NotebookFile(pytest.File):
    def collect(self):
        yield NotebookItem.from_parent(self, name="reproduces its saved outputs")


class NotebookItem(pytest.Item):
    def runtest(self):
        from graph_cnn.legacy import diff

        diff.assert_reproduces(self.path, runs=self.config.getoption("nbdiff_runs"))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, AssertionError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.path.name}: reproduces its saved outputs"
