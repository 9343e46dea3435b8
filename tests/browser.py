"""Headless Chromium for the browser tests (Debian's ``chromium``, driven by Playwright).

Skipped where the browser is missing, except on CI (``CI`` set), where that is a failure:
``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE = Path(CHROMIUM).exists()
if not HAVE and os.environ.get("CI"):
    pytest.fail("chromium is missing on CI: .ci/run must install it", pytrace=False)

#: Mark a test module with ``pytestmark = requires_chromium``.
requires_chromium = pytest.mark.skipif(not HAVE, reason="chromium not installed (apt-get install chromium)")


@contextmanager
def browser_page(width: int = 1300, height: int = 900) -> Iterator[tuple[Any, list[str]]]:
    """A fresh page and the list that collects its console errors and uncaught exceptions."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": width, "height": height})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            yield page, errors
        finally:
            browser.close()
