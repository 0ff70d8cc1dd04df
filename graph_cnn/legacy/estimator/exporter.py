"""``tf.estimator.Exporter`` and the three TF1 gave: ``LatestExporter`` (a SavedModel after each
evaluation, the newest ``exports_to_keep`` kept), ``FinalExporter`` (after the last one only) and
``BestExporter`` (when the evaluation beats the best so far, read back from ``model_dir``'s eval
events at first). ``train_and_evaluate`` calls them with ``model_dir/export/<name>``."""

import abc
import os
import shutil

import tensorflow as tf

from graph_cnn.legacy.estimator.experimental import _scalar_events

_log = tf.compat.v1.logging


class Exporter(abc.ABC):
    """Exports a trained estimator after an evaluation."""

    @property
    @abc.abstractmethod
    def name(self):
        """Names the folder under ``model_dir/export`` the exports go to."""

    @abc.abstractmethod
    def export(self, estimator, export_path, checkpoint_path, eval_result, is_the_final_export):
        """Exports ``checkpoint_path``'s model under ``export_path``; returns where, or None."""


def _loss_smaller(best_eval_result, current_eval_result):
    """Whether ``current_eval_result``'s ``loss`` is below ``best_eval_result``'s."""
    for result, what in ((best_eval_result, "best_eval_result"),
                         (current_eval_result, "current_eval_result")):
        if not result or "loss" not in result:
            raise ValueError(f"{what} cannot be empty or no loss is found in it.")
    return best_eval_result["loss"] > current_eval_result["loss"]


class _SavedModelExporter(Exporter):
    """A SavedModel through ``estimator.export_saved_model``, the newest ``exports_to_keep``
    (None: all) of ``export_path``'s kept."""

    def __init__(self, name, serving_input_receiver_fn, assets_extra=None, as_text=False,
                 exports_to_keep=5):
        if exports_to_keep is not None and exports_to_keep <= 0:
            raise ValueError("`exports_to_keep`, if provided, must be a positive number. Got "
                             f"{exports_to_keep}")
        self._name = name
        self._serving_input_receiver_fn = serving_input_receiver_fn
        self._assets_extra, self._as_text = assets_extra, as_text
        self._exports_to_keep = exports_to_keep

    name = property(lambda self: self._name)

    def _export(self, estimator, export_path, checkpoint_path):
        result = estimator.export_saved_model(
            export_path, self._serving_input_receiver_fn, assets_extra=self._assets_extra,
            as_text=self._as_text, checkpoint_path=checkpoint_path)
        if self._exports_to_keep is not None:
            versions = sorted((int(name), name) for name in os.listdir(export_path)
                              if name.isdigit())
            for _, name in versions[:-self._exports_to_keep]:
                _log.info("Removing old export %s", name)
                shutil.rmtree(os.path.join(export_path, name), ignore_errors=True)
        return result


class LatestExporter(_SavedModelExporter):
    """Exports after every evaluation."""

    def export(self, estimator, export_path, checkpoint_path, eval_result, is_the_final_export):
        return self._export(estimator, export_path, checkpoint_path)


class FinalExporter(_SavedModelExporter):
    """Exports after the final evaluation only."""

    def __init__(self, name, serving_input_receiver_fn, assets_extra=None, as_text=False):
        super().__init__(name, serving_input_receiver_fn, assets_extra, as_text, None)

    def export(self, estimator, export_path, checkpoint_path, eval_result, is_the_final_export):
        if not is_the_final_export:
            return None
        return self._export(estimator, export_path, checkpoint_path)


class BestExporter(_SavedModelExporter):
    """Exports when ``compare_fn(best_eval_result, current_eval_result)`` says the evaluation is
    the best so far (by default: the lowest ``loss``)."""

    def __init__(self, name="best_exporter", serving_input_receiver_fn=None,
                 event_file_pattern="eval/*.tfevents.*", compare_fn=_loss_smaller,
                 assets_extra=None, as_text=False, exports_to_keep=5):
        if not callable(compare_fn):
            raise ValueError("`compare_fn` must be callable.")  # noqa: TRY004  (TF1's type)
        super().__init__(name, serving_input_receiver_fn, assets_extra, as_text, exports_to_keep)
        self._event_file_pattern, self._compare_fn = event_file_pattern, compare_fn
        self._model_dir = self._best_eval_result = None

    def _best_in_events(self, model_dir):
        best = None
        for _, result in _scalar_events(os.path.join(model_dir, self._event_file_pattern)):
            if best is None or self._compare_fn(best, result):
                best = result
        return best

    def export(self, estimator, export_path, checkpoint_path, eval_result, is_the_final_export):
        if self._model_dir != estimator.model_dir and self._event_file_pattern:
            self._model_dir = estimator.model_dir
            self._best_eval_result = self._best_in_events(self._model_dir)
        if self._best_eval_result is not None and not self._compare_fn(
                best_eval_result=self._best_eval_result, current_eval_result=eval_result):
            return None
        _log.info("Performing best model export.")
        self._best_eval_result = eval_result
        return self._export(estimator, export_path, checkpoint_path)
