"""``tf.contrib.image``'s projective transforms as TF 1.15 defined them: ``transform`` (each
output pixel ``(x, y)`` reads the input at ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)``
with ``k = c0 x + c1 y + 1``; outside the image reads 0), ``rotate`` (radians, counter-clockwise
about the centre), ``translate`` (``[dx, dy]`` moves the content right and down) and the helpers
that build their 8-number transforms; interpolation ``"NEAREST"`` (the default) or
``"BILINEAR"``. Images may be ``HW``, ``HWC`` or ``NHWC``; transforms one for all or one per image.

Not emulated: ``compose_transforms``, ``sparse_image_warp``, ``dense_image_warp``,
``connected_components``, ``bipartite_match`` and the other contrib image ops (one line each).
"""

import tensorflow as tf

from graph_cnn.legacy.contrib import _paths


def _as_batch(images):
    """``images`` as NHWC, and the function that gives a result back its original rank."""
    rank = images.shape.ndims
    if rank == 2:
        return images[None, :, :, None], lambda out: out[0, :, :, 0]
    if rank == 3:
        return images[None], lambda out: out[0]
    if rank == 4:
        return images, lambda out: out
    raise TypeError(f"Images should have rank between 2 and 4, not {rank}")


def _size(batch):
    shape = tf.shape(batch)
    return tf.cast(shape[1], tf.float32), tf.cast(shape[2], tf.float32)


def transform(images, transforms, interpolation="NEAREST", output_shape=None, name=None):
    """``images`` warped by ``transforms`` (``[8]`` or ``[N, 8]``, output to input points)."""
    with tf.name_scope(name or "transform"):
        images = tf.convert_to_tensor(images, name="images")
        batch, restore = _as_batch(images)
        transforms = tf.convert_to_tensor(transforms, tf.float32, name="transforms")
        if transforms.shape.ndims == 1:
            transforms = transforms[None]
        elif transforms.shape.ndims != 2:
            raise TypeError("Transforms should have rank 1 or 2.")
        if output_shape is None:
            output_shape = tf.shape(batch)[1:3]
        interpolation = interpolation.upper()
        if interpolation not in ("NEAREST", "BILINEAR"):
            raise ValueError(f"interpolation must be 'NEAREST' or 'BILINEAR', not {interpolation!r}")
        out = tf.raw_ops.ImageProjectiveTransformV3(
            images=batch, transforms=transforms,
            output_shape=tf.convert_to_tensor(output_shape, tf.int32, name="output_shape"),
            fill_value=tf.constant(0.0), interpolation=interpolation, fill_mode="CONSTANT")
        return restore(out)


def angles_to_projective_transforms(angles, image_height, image_width, name=None):
    """The transforms that rotate images of this size by ``angles`` (radians, counter-clockwise)
    about their centre: ``[N, 8]`` for ``[N]`` angles, ``[1, 8]`` for one."""
    with tf.name_scope(name or "angles_to_projective_transforms"):
        angles = tf.convert_to_tensor(angles, tf.float32, name="angles")
        if angles.shape.ndims == 0:
            angles = angles[None]
        height = tf.cast(image_height, tf.float32) - 1
        width = tf.cast(image_width, tf.float32) - 1
        cos, sin = tf.cos(angles), tf.sin(angles)
        x_offset = (width - (cos * width - sin * height)) / 2.0
        y_offset = (height - (sin * width + cos * height)) / 2.0
        zeros = tf.zeros_like(angles)
        return tf.stack([cos, -sin, x_offset, sin, cos, y_offset, zeros, zeros], axis=1)


def translations_to_projective_transforms(translations, name=None):
    """The transforms that move images by ``translations`` (``[dx, dy]`` or ``[N, 2]``)."""
    with tf.name_scope(name or "translations_to_projective_transforms"):
        translations = tf.convert_to_tensor(translations, tf.float32, name="translations")
        if translations.shape.ndims == 1:
            translations = translations[None]
        dx, dy = translations[:, 0], translations[:, 1]
        ones, zeros = tf.ones_like(dx), tf.zeros_like(dx)
        return tf.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)


def rotate(images, angles, interpolation="NEAREST", name=None):
    """``images`` rotated counter-clockwise by ``angles`` radians (one, or one per image)."""
    with tf.name_scope(name or "rotate"):
        images = tf.convert_to_tensor(images, name="images")
        batch, restore = _as_batch(images)
        height, width = _size(batch)
        return restore(transform(batch, angles_to_projective_transforms(angles, height, width),
                                 interpolation=interpolation))


def translate(images, translations, interpolation="NEAREST", name=None):
    """``images`` moved by ``translations`` pixels (``[dx, dy]``, or one pair per image)."""
    with tf.name_scope(name or "translate"):
        return transform(images, translations_to_projective_transforms(translations),
                         interpolation=interpolation)


__getattr__ = _paths.forward("image", lambda: None)
