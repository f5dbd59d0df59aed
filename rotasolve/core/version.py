"""The version of rotasolve, stated once: the package, the manifest and `--version` read it."""

__version__ = "0.2.0"
