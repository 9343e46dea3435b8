"""``reesim serve``: the dashboard in the browser, on the same engine and results store."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import typer
from rich.markup import escape

from reesim.cli.common import friendly, out
from reesim.errors import InputError, Problem
from reesim.web.guard import is_loopback

__all__ = ["is_loopback", "register", "serve"]


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    token: Annotated[
        str | None, typer.Option("--token", help="Required on every request; generated if needed.")
    ] = None,
    store: Annotated[Path | None, typer.Option("--store", help="Results store (DuckDB file).")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for reports.")] = Path("reports"),
) -> None:
    """Start the dashboard. Binding beyond this machine requires a token (printed if generated)."""
    from reesim.extras import require

    require("dashboard")
    import uvicorn

    from reesim.web.api import create_app

    if not is_loopback(host) and token is None:
        token = secrets.token_urlsafe(16)
    if token is not None and len(token) < 8:
        raise InputError(
            [Problem("--token", None, "--token", "token shorter than 8 characters", "use a longer one")]
        )
    app = create_app(store, out_dir, token, host=host, warm_kernel=True)
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/" + (f"?token={quote(token, safe='')}" if token else "")
    out.print(f"reesim dashboard at [bold]{escape(address)}[/bold] (Ctrl-C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add ``reesim serve``."""
    app.command("serve")(friendly(serve))
