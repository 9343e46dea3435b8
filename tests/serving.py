"""The dashboard app served by uvicorn on a free loopback port, for tests that talk HTTP to it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def served(folder: Path, warm: bool = False) -> Iterator[int]:
    """Serve the app with its store and outputs in ``folder``; yields the port, stops it after.
    With ``warm``, the compiled kernel is loaded first (compiled, if this machine never has)."""
    import uvicorn

    from reesim.web.api import create_app

    # The port stays bound from here on and is handed to uvicorn: no other process (another test
    # worker's server) can take it in between, and connections wait in its backlog until it serves.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = int(sock.getsockname()[1])
    app = create_app(folder / "runs.duckdb", folder / "out", warm_kernel=warm)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    if warm:
        assert app.state.jobs.fast.wait(900), "the compiled kernel did not load"
    try:
        yield port
    finally:
        srv.should_exit = True
        thread.join(10)
        sock.close()
