"""`rotasolve serve`: the local web app for people who do not live in a terminal. Needs
the optional `[web]` extra (Flask)."""

from .app import create_app
from .server import serve

__all__ = ["create_app", "serve"]
