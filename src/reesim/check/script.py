"""Traditional to simplified Chinese in one pass over the text, with OpenCC's ``t2s`` tables.

The OpenCC package converts a piece of text by searching it again for every phrase it finds,
which takes seconds for a megabyte of Chinese without punctuation and much longer for Chinese
characters mixed with digits. Articles are converted here with the same tables in a single
left-to-right pass instead: at each position the longest phrase of the table that starts there,
otherwise the character's own entry, otherwise the character unchanged. The time is linear in
the length of the text, and text with no traditional character is returned as it is.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

#: The OpenCC conversion whose tables are used.
CONVERSION = "t2s"


def _table_files() -> list[Path]:
    """The dictionary files of :data:`CONVERSION`, phrases before characters, as OpenCC orders them."""
    from reesim.extras import require

    require("check")
    root = Path(str(resources.files("opencc")))
    config = json.loads((root / "config" / f"{CONVERSION}.json").read_text(encoding="utf-8"))
    files: list[Path] = []

    def collect(entry: dict[str, object]) -> None:
        if entry.get("type") == "group":
            for item in entry.get("dicts", []):  # type: ignore[attr-defined]
                collect(item)
        elif entry.get("type") == "txt":
            files.append(root / "dictionary" / str(entry["file"]))

    for step in config["conversion_chain"]:
        collect(step["dict"])
    return files


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], re.Pattern[str], frozenset[str]]:
    """Every entry of the tables (earlier files win), a pattern matching the longest entry at a
    position, and the characters that occur in entries (none of them ASCII)."""
    entries: dict[str, str] = {}
    for path in _table_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, _, value = line.strip().partition("\t")
            if key and value and not any(c.isascii() for c in key):
                entries.setdefault(key, value.split(" ")[0])  # several choices: OpenCC takes the first
    phrases = sorted((k for k in entries if len(k) > 1), key=len, reverse=True)
    chars = "".join(sorted(k for k in entries if len(k) == 1))
    alternatives = [*map(re.escape, phrases), f"[{re.escape(chars)}]"]
    used = frozenset(c for key in entries for c in key)
    return entries, re.compile("|".join(alternatives)), used


#: Runs of non-ASCII characters: no table entry contains an ASCII character, so each run is
#: converted on its own, and ASCII text is skipped at the speed of the regular expression engine.
_RUN = re.compile(r"[^\x00-\x7f]+")


def to_simplified(text: str) -> str:
    """``text`` with traditional Chinese characters and phrases in their simplified form."""
    entries, pattern, used = _tables()
    if used.isdisjoint(text):
        return text

    done: dict[str, str] = {}

    def run(match: re.Match[str]) -> str:
        found = match.group()
        if used.isdisjoint(found):
            return found
        if found not in done:
            done[found] = pattern.sub(lambda m: entries[m.group()], found)
        return done[found]

    return _RUN.sub(run, text)
