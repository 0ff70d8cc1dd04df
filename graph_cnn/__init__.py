"""graph_cnn: TensorFlow 1 graph-style MNIST CNNs on today's TensorFlow, and reproductions of the
tutorial articles that used them."""

__version__ = "0.2.0"
