"""``tf.estimator.export``: what a serving ``input_fn`` returns (``ServingInputReceiver``,
``TensorServingInputReceiver``), the two builders of such functions, and the ``ExportOutput``
kinds a ``model_fn`` names in ``EstimatorSpec.export_outputs`` (TensorFlow's own classes, which
TF 1.15's estimator shared). ``Estimator.export_saved_model`` writes them as a SavedModel."""

import collections

import tensorflow as tf
from tensorflow.python.saved_model.model_utils.export_output import (
    ClassificationOutput,
    ExportOutput,
    PredictOutput,
    RegressionOutput,
)

v1 = tf.compat.v1
# the keys a single tensor is filed under, as TF1 named them
SINGLE_FEATURE_DEFAULT_NAME = "feature"
SINGLE_RECEIVER_DEFAULT_NAME = "input"

__all__ = ["ClassificationOutput", "ExportOutput", "PredictOutput", "RegressionOutput",
           "ServingInputReceiver", "TensorServingInputReceiver",
           "build_parsing_serving_input_receiver_fn", "build_raw_serving_input_receiver_fn"]


def _check_tensor(value, what):
    if not isinstance(value, (tf.Tensor, tf.SparseTensor, tf.RaggedTensor)):
        raise ValueError(f"{what} must be a Tensor, SparseTensor, or RaggedTensor.")  # noqa: TRY004


def _tensor_dict(tensors, default_name, what):
    """``tensors`` as TF1 filed them: a dict with string keys of tensors (a single tensor under
    ``default_name``)."""
    if tensors is None:
        raise ValueError(f"{what}s must be defined.")
    if not isinstance(tensors, dict):
        tensors = {default_name: tensors}
    for name, value in tensors.items():
        if not isinstance(name, str):
            raise ValueError(f"{what} keys must be strings: {name}.")  # noqa: TRY004
        _check_tensor(value, f"{what} {name}")
    return tensors


class ServingInputReceiver(collections.namedtuple("ServingInputReceiver", [
        "features", "receiver_tensors", "receiver_tensors_alternatives"])):
    """The features a served model gets, and the tensors (placeholders) a request feeds."""

    def __new__(cls, features, receiver_tensors, receiver_tensors_alternatives=None):
        features = _tensor_dict(features, SINGLE_FEATURE_DEFAULT_NAME, "feature")
        receiver_tensors = _tensor_dict(receiver_tensors, SINGLE_RECEIVER_DEFAULT_NAME,
                                        "receiver_tensor")
        if receiver_tensors_alternatives is not None:
            if not isinstance(receiver_tensors_alternatives, dict):
                raise ValueError(f"receiver_tensors_alternatives must be a dict: "
                                 f"{receiver_tensors_alternatives}.")
            receiver_tensors_alternatives = {
                name: _tensor_dict(tensors, SINGLE_RECEIVER_DEFAULT_NAME, "receiver_tensor")
                for name, tensors in receiver_tensors_alternatives.items()}
        return super().__new__(cls, features, receiver_tensors, receiver_tensors_alternatives)


class TensorServingInputReceiver(collections.namedtuple("TensorServingInputReceiver", [
        "features", "receiver_tensors", "receiver_tensors_alternatives"])):
    """A ``ServingInputReceiver`` whose features are one tensor, passed to the ``model_fn`` as
    it is rather than in a dict."""

    def __new__(cls, features, receiver_tensors, receiver_tensors_alternatives=None):
        if features is None:
            raise ValueError("features must be defined.")
        _check_tensor(features, "feature")
        receiver = ServingInputReceiver(features, receiver_tensors, receiver_tensors_alternatives)
        return super().__new__(cls, receiver.features[SINGLE_FEATURE_DEFAULT_NAME],
                               receiver.receiver_tensors, receiver.receiver_tensors_alternatives)


def build_parsing_serving_input_receiver_fn(feature_spec, default_batch_size=None):
    """A serving ``input_fn`` fed serialized ``tf.Example``s (``examples``) and parsing them with
    ``feature_spec``."""
    def serving_input_receiver_fn():
        serialized = v1.placeholder(tf.string, [default_batch_size], name="input_example_tensor")
        return ServingInputReceiver(v1.parse_example(serialized, feature_spec),
                                    {"examples": serialized})
    return serving_input_receiver_fn


def _placeholder_like(tensor, default_batch_size):
    shape = tf.TensorShape([default_batch_size]).concatenate(tensor.shape[1:])
    return v1.placeholder(tensor.dtype, shape, name=getattr(getattr(tensor, "op", None), "name",
                                                             None))


def build_raw_serving_input_receiver_fn(features, default_batch_size=None):
    """A serving ``input_fn`` fed the features themselves: one placeholder like each tensor of
    ``features`` (a dict or one tensor), batch dimension ``default_batch_size``."""
    def serving_input_receiver_fn():
        if isinstance(features, dict):
            receiver = {name: _placeholder_like(t, default_batch_size)
                        for name, t in features.items()}
        else:
            receiver = _placeholder_like(features, default_batch_size)
        return ServingInputReceiver(receiver, receiver)
    return serving_input_receiver_fn
