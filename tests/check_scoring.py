"""Score ``reesim check`` against the annotated corpus of real articles (``tests/articles/corpus``).

An annotated claim is found when the checker reports a claim of the same kind, value (shares and
changes to 0.001, amounts within 0.5%) and context (stage or event kind) that names at least the
places the annotation names. Each found claim answers at most one annotation, one read from the
annotated sentence first. Claims of money and durations are left out: the manifest annotates
shares, events, quantities, changes, prices and ranks. The checker's claims
are counted once per article whatever the number of sentences that repeat them (the same kind,
value, context and countries named besides China and the United States).

- precision: found claims that match an annotation, over all claims found;
- recall: annotated claims found, over all annotated claims;
- verdicts: found claims whose verdict is the annotated one, over the annotated claims found.

Run ``python -m tests.check_scoring`` for the table by article.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reesim.check.extract import extract, normalise
from reesim.check.verify import Verdict, verify
from reesim.dataset import Dataset
from reesim.model.baseline import Baseline

CORPUS = Path(__file__).parent / "articles" / "corpus"
#: The kinds of claim the manifest annotates (amounts of money and durations of stocks are not).
SCORED = frozenset({"share", "event", "quantity", "change", "price", "rank"})
MANIFEST: dict[str, Any] = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


@dataclass
class Score:
    """Counts behind precision, recall and verdict accuracy."""

    found: int = 0
    real: int = 0
    annotated: int = 0
    recalled: int = 0
    right: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.found += other.found
        self.real += other.real
        self.annotated += other.annotated
        self.recalled += other.recalled
        self.right += other.right
        self.misses += other.misses

    @property
    def precision(self) -> float:
        return self.real / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.recalled / self.annotated if self.annotated else 1.0

    @property
    def verdicts(self) -> float:
        return self.right / self.recalled if self.recalled else 1.0


def article(name: str) -> str:
    """The text of the corpus article in file ``name``."""
    return (CORPUS / name).read_text(encoding="utf-8")


def checked(text: str, ds: Dataset, base: Baseline, date: str | None = None) -> list[Verdict]:
    """The verdicts ``reesim check`` gives ``text`` (with the article's date ``date``, YYYY-MM-DD,
    or none given)."""
    from reesim.check.dates import parse_option

    given = parse_option(date) if date else None
    return verify(extract(text, given), ds, base, given)


def rows(
    text: str, ds: Dataset, base: Baseline, date: str | None, last: str
) -> list[tuple[str, object, str, str, str]]:
    """Each verdict of :func:`checked` as (kind, value, event, topic or stage, verdict, and the
    verdict's attribute ``last``: ``figure`` or ``source``)."""
    return [
        (
            v.claim.kind,
            v.claim.value,
            v.claim.event or v.claim.topic or v.claim.stage,
            v.verdict,
            getattr(v, last),
        )
        for v in checked(text, ds, base, date)
    ]


def _same(kind: str, a: object, b: object) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    x, y = float(a), float(b)  # type: ignore[arg-type]
    if kind in {"share", "change"}:
        return abs(x - y) < 0.0005
    return abs(x - y) <= 0.005 * max(abs(y), 1.0)


def _context(v: Verdict) -> str:
    c = v.claim
    if c.kind == "event":
        return c.event
    if c.kind == "price":  # a price floor's level, or a market price
        return c.event or c.topic
    return c.topic or c.stage


def _matches(a: dict[str, Any], v: Verdict) -> bool:
    if v.claim.kind != a["kind"] or _context(v) != a["context"]:
        return False
    return _same(a["kind"], v.claim.value, a["value"]) and set(a.get("places", [])) <= set(v.claim.places)


def _read_from(a: dict[str, Any], v: Verdict) -> bool:
    """Whether the claim was read from the sentence of the annotated span (its first words)."""
    words = normalise(a["span"].split("...")[0]).strip()[:12]
    return bool(words) and words in v.claim.sentence


def score_article(entry: dict[str, Any], ds: Dataset, base: Baseline) -> Score:
    """The counts for one article of the manifest."""
    text = (CORPUS / entry["file"]).read_text(encoding="utf-8")
    verdicts = [v for v in verify(extract(text), ds, base) if v.claim.kind in SCORED]
    unique: dict[tuple[object, ...], Verdict] = {}
    for v in verdicts:
        c = v.claim
        named = tuple(sorted(set(c.places) - {"CHN", "USA"}))
        unique.setdefault((c.kind, c.value, _context(v), named), v)
    found = list(unique.values())
    used: set[int] = set()
    out = Score(found=len(found), annotated=len(entry["claims"]))
    pairs: dict[int, int] = {}  # annotation -> claim found: first those read from its sentence
    for same_sentence in (True, False):
        for k, a in enumerate(entry["claims"]):
            if k in pairs:
                continue
            for i, v in enumerate(found):
                if i not in used and _matches(a, v) and (not same_sentence or _read_from(a, v)):
                    used.add(i)
                    pairs[k] = i
                    break
    for k, a in enumerate(entry["claims"]):
        if k not in pairs:
            out.misses.append(f"{entry['file']}: {a['span']} not found")
            continue
        v = found[pairs[k]]
        out.recalled += 1
        out.right += v.verdict == a["verdict"]
        if v.verdict != a["verdict"]:
            out.misses.append(f"{entry['file']}: {a['span']} -> {v.verdict}, not {a['verdict']}")
    out.real = len(used)
    for i, v in enumerate(found):
        if i not in used:
            out.misses.append(f"{entry['file']}: extra {v.claim.kind} {v.claim.value} {_context(v)}")
    return out


def score_corpus(ds: Dataset, base: Baseline, held_out: bool | None = None) -> Score:
    """The counts over the corpus, or over its held-out (True) or tuned (False) part."""
    total = Score()
    for entry in MANIFEST["articles"]:
        if held_out is None or entry["held_out"] == held_out:
            total.add(score_article(entry, ds, base))
    return total


def score_batch(ds: Dataset, base: Baseline, batch: str | None) -> Score:
    """The counts over the articles of one ``batch`` of the manifest (None: those with no batch)."""
    total = Score()
    for entry in MANIFEST["articles"]:
        if entry.get("batch") == batch:
            total.add(score_article(entry, ds, base))
    return total


def main() -> None:
    """Print the figures by article and for the whole corpus and its held-out third."""
    from reesim.dataset import load_dataset
    from reesim.model.baseline import build_baseline

    ds = load_dataset()
    base = build_baseline(ds)
    for entry in MANIFEST["articles"]:
        s = score_article(entry, ds, base)
        mark = "held out" if entry["held_out"] else ""
        print(f"{entry['file']:40} {s.found:3} {s.real:3} {s.annotated:3} {s.recalled:3} {s.right:3} {mark}")
    parts = [("all", score_corpus(ds, base)), ("held out", score_corpus(ds, base, True))]
    parts += [("tuned", score_corpus(ds, base, False))]
    batches = sorted({str(e["batch"]) for e in MANIFEST["articles"] if e.get("batch")})
    parts += [(b, score_batch(ds, base, b)) for b in batches]
    for name, s in parts:
        counts = f"found {s.found} real {s.real} annotated {s.annotated} recalled {s.recalled}"
        rates = f"precision {s.precision:.2f} recall {s.recall:.2f} verdicts {s.verdicts:.2f}"
        print(f"{name:9} {counts} right {s.right}: {rates}")
    for miss in score_corpus(ds, base, False).misses:
        print("  ", miss)


if __name__ == "__main__":
    main()
