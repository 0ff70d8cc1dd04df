"""Old import paths kept for one release after the package was split into subpackages (README,
"Upgrading"): each old module makes its name an alias of the module's new home."""

import importlib
import sys
import warnings

REMOVED_IN = "0.3.0"  # the release the old names go in


def alias(old, new):
    """Make the module ``old`` the module ``new`` itself (same object, so patches reach both)."""
    warnings.warn(f"{old} moved to {new}; the old name goes in graph_cnn {REMOVED_IN}",
                  DeprecationWarning, stacklevel=3)
    sys.modules[old] = importlib.import_module(new)
