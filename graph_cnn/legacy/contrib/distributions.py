"""``tf.contrib.distributions``: TF 1.15 served its core distributions from here, the very
classes of ``tf.compat.v1.distributions`` (``Normal``, ``Bernoulli``, ``Categorical``,
``Uniform``, ``Beta``, ``Gamma``, ``Multinomial`` ..., ``kl_divergence``), which TensorFlow still
ships: ``sample``, ``log_prob``, ``prob``, ``entropy``, ``mean``, ``stddev`` with TF1's names
and shapes. Added here: ``MultivariateNormalDiag`` (independent normals over the last axis).

Not emulated: the rest of contrib's own distributions and bijectors (``MultivariateNormalTriL``,
``Mixture``, ``TransformedDistribution``, ``bijectors`` ...; tensorflow_probability is their
successor): each raises one line naming it.
"""

import tensorflow as tf

from graph_cnn.legacy.contrib import _paths

_core = tf.compat.v1.distributions


class MultivariateNormalDiag(_core.Distribution):
    """A normal distribution over vectors (the last axis) with diagonal covariance:
    ``scale_diag`` (or ``scale_identity_multiplier`` times the identity; both None: the
    identity), as TF 1.15's contrib class was for these arguments."""

    def __init__(self, loc=None, scale_diag=None, scale_identity_multiplier=None,
                 validate_args=False, allow_nan_stats=True, name="MultivariateNormalDiag"):
        parameters = dict(locals())
        with tf.name_scope(name) as scope:
            if loc is None and scale_diag is None:
                raise ValueError("Must specify one or both of `loc`, `scale_diag`.")
            scale = 1.0 if scale_identity_multiplier is None else scale_identity_multiplier
            scale = tf.convert_to_tensor(scale, tf.float32, name="scale_identity_multiplier")
            if scale_diag is not None:
                scale = tf.convert_to_tensor(scale_diag, tf.float32, name="scale_diag") * (
                    1.0 if scale_identity_multiplier is None else scale[..., None])
            loc = tf.zeros_like(scale) if loc is None else tf.convert_to_tensor(
                loc, tf.float32, name="loc")
            if scale.shape.ndims == 0:
                scale = tf.ones_like(loc) * scale
            self._normal = _core.Normal(loc, scale, validate_args, allow_nan_stats)
            super().__init__(dtype=tf.float32, reparameterization_type=_core.FULLY_REPARAMETERIZED,
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             parameters=parameters, graph_parents=[], name=scope)

    @property
    def loc(self):
        return self._normal.loc

    @property
    def scale_diag(self):
        return self._normal.scale

    def _batch_shape_tensor(self):
        return tf.shape(self._normal.loc + self._normal.scale)[:-1]

    def _batch_shape(self):
        return self._normal.batch_shape[:-1]

    def _event_shape_tensor(self):
        return tf.shape(self._normal.loc + self._normal.scale)[-1:]

    def _event_shape(self):
        return self._normal.batch_shape[-1:]

    def _sample_n(self, n, seed=None):
        return self._normal.sample(n, seed=seed)

    def _log_prob(self, x):
        return tf.reduce_sum(self._normal.log_prob(x), axis=-1)

    def _entropy(self):
        return tf.reduce_sum(self._normal.entropy(), axis=-1)

    def _mean(self):
        return self._normal.mean()

    def _mode(self):
        return self._normal.mode()

    def _stddev(self):
        return self._normal.stddev()

    def _variance(self):
        return self._normal.variance()

    def _covariance(self):
        return tf.linalg.diag(self._normal.variance())


python = _paths.tree(__name__, {"ops": _paths.files(
    "bernoulli", "beta", "categorical", "dirichlet", "exponential", "gamma", "laplace",
    "multinomial", "mvn_diag", "normal", "student_t", "uniform", "kullback_leibler")})

__getattr__ = _paths.forward("distributions", lambda: _core)
