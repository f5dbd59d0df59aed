"""`rotasolve serve`: the local web app (the optional [web] extra)."""

from __future__ import annotations

import click

from .common import CONTEXT, EXIT_USAGE, Failure


@click.command(context_settings=CONTEXT)
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but this computer's own prints an access token that every "
                   "first visit must carry.")
@click.option("--no-browser", is_flag=True, help="Do not open a browser window.")
def serve(port: int, host: str, no_browser: bool):
    """A web app on this computer for the whole cycle without a terminal: template, upload
    and check a workbook, solve with live progress, read and download the results,
    re-plan, capacity and forecast. Ctrl-C stops it and removes the uploads.
    """
    try:
        from ..web import serve as run  # the [web] extra: the other commands work without Flask
    except ImportError:
        click.echo("Error: the web app needs Flask: pip install 'rotasolve[web]'", err=True)
        raise Failure(EXIT_USAGE) from None
    try:
        run(host=host, port=port, open_browser=not no_browser, say=click.echo)
    except OSError as e:
        click.echo(f"Error: cannot listen on {host}:{port} ({e.strerror or e}); try another --port", err=True)
        raise Failure(EXIT_USAGE) from None
