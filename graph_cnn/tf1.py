"""Moved to graph_cnn.legacy.tf (README, "Upgrading"); this name works for one more release."""
from graph_cnn._moved import alias

alias(__name__, "graph_cnn.legacy.tf")
