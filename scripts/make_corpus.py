#!/usr/bin/env python3
"""Builds the bundled demo corpus (corpus/) from ../shared/data: the two seed articles
plus a small, attributed sample of real news in English, Russian and Ukrainian chosen so
that the demo shows several sources, languages and the Kiev/Kyiv (Киев/Київ) spellings.

Deterministic: re-running it gives the same files. Run from the repository root:
    python3 scripts/make_corpus.py ../shared
"""
import json
import random
import re
import shutil
import sys
from pathlib import Path

shared = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")
data = shared / "data"
out = Path("corpus")
out.mkdir(exist_ok=True)
(out / "seeds").mkdir(exist_ok=True)
for f in sorted((shared / "seeds").glob("*.txt")):
    shutil.copy(f, out / "seeds" / f.name)

rng = random.Random(20261122)
NAMES_EN = re.compile(r"\b(Kiev|Kyiv|Kharkov|Kharkiv|Odessa|Odesa|Lviv|Lvov|Ukraine|Ukrainian|Crimea|Donetsk|Poroshenko|Moscow|Putin)\b")
NAMES_CY = re.compile(r"(Киев|Київ|Києв|Харьк|Харків|Харков|Одес|Льві|Львов|Зеленск|Зеленськ|Днепр|Дніпр|Україн|Украин)")


def pick(records, pred, n_match, n_other):
    match = [r for r in records if pred(r)]
    other = [r for r in records if not pred(r)]
    rng.shuffle(match)
    rng.shuffle(other)
    chosen = match[:n_match] + other[:n_other]
    chosen.sort(key=lambda r: r["id"])
    return chosen


def text(r):
    return (r.get("title") or "") + "\n" + (r.get("body") or "")


en = [json.loads(l) for l in open(data / "news-large.jsonl", encoding="utf-8")]
# Prefer the modern outlets (2016-17) for the Ukraine-related sample; add a spread of the
# older Reuters and BBC pieces so that the demo is not only about one topic.
en_sel = pick([r for r in en if r.get("body")], lambda r: bool(NAMES_EN.search(text(r))), 260, 240)
multi = [json.loads(l) for l in open(data / "news-multilingual.jsonl", encoding="utf-8")]
ru = [r for r in multi if r.get("lang") == "ru"]
uk = [r for r in multi if r.get("lang") == "uk"]
ru_sel = pick(ru, lambda r: bool(NAMES_CY.search(text(r))), 220, 130)
uk_sel = pick(uk, lambda r: bool(NAMES_CY.search(text(r))), 90, 30)


def write(name, recs):
    with open(out / name, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


write("news-en.jsonl", en_sel)
write("telegram-ru.jsonl", ru_sel)
write("bruk-uk.jsonl", uk_sel)
size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
print(f"corpus: {len(en_sel)} en, {len(ru_sel)} ru, {len(uk_sel)} uk + seeds; {size/1e6:.2f} MB")
