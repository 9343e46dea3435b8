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

Agreement between annotators (:func:`agreement`) compares the second, blind annotation of a sample of
the untuned articles (``second_annotations.json``) with the manifest's by the same rule, the second
annotator's claims in the place of the checker's.

Run ``python -m tests.check_scoring`` for the table by article, ``python -m tests.check_scoring
agreement`` for the agreement between annotators and their disagreements.
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
#: A second annotator's claims for a sample of the untuned articles, written blind (see its "about").
SECOND: dict[str, Any] = json.loads((CORPUS / "second_annotations.json").read_text(encoding="utf-8"))


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


def _same_claim(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether annotation ``b`` is annotation ``a`` by the scorer's rule (``b`` names at least
    ``a``'s countries)."""
    if a["kind"] != b["kind"] or a["context"] != b["context"]:
        return False
    return _same(a["kind"], b["value"], a["value"]) and set(a.get("places", [])) <= set(b.get("places", []))


def _position(text: str, span: str) -> int:
    """Where the first words of ``span`` stand in ``text`` (-1 when they are not found)."""
    return text.find(span.split("...", maxsplit=1)[0].strip())


def _one_sentence(text: str, i: int, j: int) -> bool:
    """Whether positions ``i`` and ``j`` of ``text`` fall in one paragraph (no line break between)."""
    return i >= 0 and j >= 0 and "\n" not in text[min(i, j) : max(i, j)]


def agreement(first: list[dict[str, Any]], second: list[dict[str, Any]], text: str, name: str = "") -> Score:
    """How far the claims a second annotator found in one article (``second``) agree with the
    first's (``first``), both in the manifest's format, ``text`` the article's.

    Claims are paired as the scorer pairs the checker's: same kind, value (shares and changes to
    0.001, amounts within 0.5%) and context, the second naming at least the first's countries; each
    claim pairs at most once, first with a claim of the same paragraph. ``found`` counts the
    second's claims, ``annotated`` the first's, ``real`` and ``recalled`` the pairs and ``right``
    the pairs with the same verdict; ``misses`` lists the claims one annotator has and the other has
    not, and the verdicts that differ.
    """
    a_list = [a for a in first if a["kind"] in SCORED]
    b_list = [b for b in second if b["kind"] in SCORED]
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for same_paragraph in (True, False):
        for k, a in enumerate(a_list):
            if k in pairs:
                continue
            for i, b in enumerate(b_list):
                near = _one_sentence(text, _position(text, a["span"]), _position(text, b["span"]))
                if i not in used and _same_claim(a, b) and (near or not same_paragraph):
                    used.add(i)
                    pairs[k] = i
                    break
    out = Score(found=len(b_list), annotated=len(a_list), real=len(pairs), recalled=len(pairs))
    for k, a in enumerate(a_list):
        if k not in pairs:
            out.misses.append(f"{name}: first only: {a['kind']} {a['value']} {a['context']} {a['span']}")
            continue
        b = b_list[pairs[k]]
        out.right += a["verdict"] == b["verdict"]
        if a["verdict"] != b["verdict"]:
            out.misses.append(
                f"{name}: verdict {a['verdict']} / {b['verdict']}: {a['kind']} {a['value']} {a['span']}"
            )
    for i, b in enumerate(b_list):
        if i not in used:
            out.misses.append(f"{name}: second only: {b['kind']} {b['value']} {b['context']} {b['span']}")
    return out


def agreement_by_language(language: str | None = None) -> Score:
    """The agreement between the manifest's annotations and the second annotator's over the
    sample, or over its articles in ``language`` (``en``, ``zh-Hans``, ``zh-Hant``)."""
    entries = {e["file"]: e for e in MANIFEST["articles"]}
    total = Score()
    for name, second in SECOND["articles"].items():
        entry = entries[name]
        if language is None or entry["language"] == language:
            total.add(agreement(entry["claims"], second, article(name), name))
    return total


def print_agreement() -> None:
    """Print the agreement between annotators, over the sample and by language, and their
    disagreements."""
    for language in (None, "en", "zh-Hans", "zh-Hant"):
        s = agreement_by_language(language)
        counts = f"second {s.found} first {s.annotated} paired {s.real} same verdict {s.right}"
        rates = f"precision {s.precision:.2f} recall {s.recall:.2f} verdicts {s.verdicts:.2f}"
        print(f"{language or 'all':8} {counts}: {rates}")
    for miss in agreement_by_language().misses:
        print("  ", miss)


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
    import sys

    print_agreement() if sys.argv[1:] == ["agreement"] else main()
