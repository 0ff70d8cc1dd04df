"""Graph builders for every article pipeline.

Each builder takes the input placeholder (and the training flag where the article has one),
builds the layers in the current graph, and returns ``logits, end_points``: the logits tensor
and an ordered dict of every layer's output, keyed by layer name, the way TF-slim's nets do.
"""
