"""Serving the app on this computer: a threaded Werkzeug server on 127.0.0.1, the
uploads in a temporary folder removed when the server stops, the browser opened on it."""

from __future__ import annotations

import logging
import secrets
import tempfile
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from werkzeug.serving import make_server

from .app import create_app

LOCAL = ("127.0.0.1", "localhost", "::1")


def address(host: str, port: int, token: str | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def serve(host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True,
          say: Callable[[str], None] = print, ready: threading.Event | None = None,
          stop: threading.Event | None = None) -> None:
    """Serve until Ctrl-C (or ``stop`` is set). Another host than this computer's needs
    the access token printed here on every first visit."""
    token = None if host in LOCAL else secrets.token_urlsafe(24)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per poll of the progress page
    with tempfile.TemporaryDirectory(prefix="rotasolve-web-") as root:
        try:
            server = make_server(host, port, create_app(Path(root), token), threaded=True)
        except SystemExit:  # Werkzeug's way of saying the port is taken
            raise OSError(f"port {port} is in use") from None
        url = address(host, server.server_port, token)
        say(f"rotasolve is open at {url}  (Ctrl-C to stop; uploads are kept in {root} until then)")
        if token:
            say(f"access token: {token} (anyone with the address above can use the app)")
        if open_browser:
            webbrowser.open(url)
        if ready is not None:
            ready.set()
        if stop is not None:
            def shut_down_when_stopped() -> None:
                stop.wait()
                server.shutdown()

            threading.Thread(target=shut_down_when_stopped, daemon=True).start()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            say("stopped")
        finally:
            server.server_close()
