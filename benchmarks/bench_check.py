"""Benchmark: finding the claims of an article in adversarial text.

Texts of ``--kb`` kilobytes (1,000 by default: the largest article ``reesim check`` reads) made
to be hard: runs of numbers and percent signs, digits without end, no full stops, thousands of
dated events or sums, Chinese numerals and traditional characters mixed with digits. Prints the
seconds :func:`reesim.check.extract.extract` takes on each (normalising included), the number
of claims found, and the ratio to a reference measured in the same run on the same text: one
pass of a regular expression finding every number in it (``re.findall``), the least work any
reader of numbers does. Extraction is linear in the length of the text, so the ratio stays about
the same from text to text and every line stays well under the 5 s the tests allow for 1 MB.
The column ``command s`` is what ``reesim check`` spends on the same text: it stops reading once
it has found more claims than it takes (:data:`reesim.cli.check.MAX_CLAIMS`) and refuses the text.

Run: ``.venv/bin/python benchmarks/bench_check.py [--kb 1000]``
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable, Sized

from reesim.check.extract import extract
from reesim.cli.check import MAX_CLAIMS

#: One unit of each adversarial text, repeated up to the size asked for.
UNITS = {
    "percent signs": "1% ",
    "percent signs, commas": "1%, ",
    "digits": "1",
    "digits and spaces": "1 ",
    "digits and commas": "1,",
    "digits and points": "1.",
    "no full stops": "China mines about 60% of rare earths and ",
    "stock durations": "stock 3 months ",
    "dated events": "ban in April 2025. ",
    "sums of money": "$1 billion ",
    "tonnes": "1,000 tonnes ",
    "Chinese percentages": "百分之七十",
    "Chinese numerals": "十",
    "traditional characters and digits": "國1",
    "export figures": "exports to the US 1,000 tonnes, up 5% from May ",
    "Chinese export figures": "11月对美国出口量305吨,环比增长35%,",
}


def adversarial(unit: str, size: int) -> str:
    """``unit`` repeated to ``size`` bytes of UTF-8 (cut at a character boundary)."""
    text = unit * (size // len(unit.encode("utf-8")) + 1)
    return text.encode("utf-8")[:size].decode("utf-8", "ignore")


_NUMBERS = re.compile(r"\d+(?:[.,]\d+)*")


def _seconds(func: Callable[[str], Sized], text: str) -> tuple[float, int]:
    """Wall time of ``func(text)`` and the length of its result."""
    start = time.perf_counter()
    found = func(text)
    return time.perf_counter() - start, len(found)


def main() -> None:
    """Print the seconds, claims and ratio to the reference of each text."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=1000, help="size of each text in kilobytes")
    size = parser.parse_args().kb * 1000
    extract("warm-up: China mines 60% of rare earths.")
    head = f"{'text of ' + format(size, ',') + ' bytes':<36}{'seconds':>9}{'claims':>10}{'x reference':>13}"
    print(head + f"{'command s':>11}")
    worst = worst_command = 0.0
    for name, unit in UNITS.items():
        text = adversarial(unit, size)
        reference, _ = _seconds(_NUMBERS.findall, text)
        seconds, claims = _seconds(extract, text)
        command, _ = _seconds(lambda t: extract(t, limit=MAX_CLAIMS), text)
        worst, worst_command = max(worst, seconds), max(worst_command, command)
        ratio = seconds / max(reference, 1e-6)
        print(f"{name:<36}{seconds:>9.2f}{claims:>10,}{ratio:>13.0f}{command:>11.2f}")
    print(f"{'slowest':<36}{worst:>9.2f}{'':>23}{worst_command:>11.2f}")


if __name__ == "__main__":
    main()
