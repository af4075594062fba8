#!/usr/bin/env python3
"""Writes a synthetic kz fact base with N quotes, and the same base as one JSON and one YAML file.

    benches/gen.py N OUT [--files F]

OUT/facts/    the base as kz reads it: shards of at most 10,000 quotes (all sections in each
              shard, as a user adding articles would write them) plus a text file per source,
              so `kz check` verifies every direct quote and every evidence sentence. With
              `--files F`, the quotes are spread over at most F shards instead (at least one
              source, 100 quotes, per shard).
OUT/base.json the whole base as one JSON object of six arrays, for jq and jaq.
OUT/base.yaml the whole base as one YAML file, for yq and `jaq --from yaml`.

Per 100 quotes there is one source, 5 actors, one organisation, one place and 5 events, so
the 100k base is about 27 MB of YAML. The output depends only on N.
"""
import json
import os
import random
import re
import sys

WORDS = ("troops alliance protest capital security council minister deployment border treaty "
         "president unrest fuel prices government buildings peacekeepers region observer status "
         "sovereignty policy investment reform military citizens statement interview").split()
MONTHS = [(2021, m) for m in range(1, 13)] + [(2022, m) for m in range(1, 13)]


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def build(n):
    rng = random.Random(n)
    sources, actors, orgs, places, quotes, events = [], [], [], [], [], []
    texts = {}
    n_sources = max(1, n // 100)
    for s in range(n_sources):
        sid = f"source-{s:06d}"
        sources.append({"id": sid, "title": f"Report number {s} on the situation",
                        "publisher": f"Outlet {s % 50}", "published": f"2022-01-{s % 28 + 1:02d}",
                        "text": f"sources/{sid}.txt"})
        texts[sid] = []
        p = f"place-{s:06d}"
        places.append({"id": p, "name": f"Placeville {s}", "aliases": [f"Пласвиль {s}"],
                       "kind": "city" if s % 10 else "country",
                       "part_of": f"place-{(s // 10) * 10:06d}" if s % 10 else None,
                       "source": sid})
        o = f"org-{s:06d}"
        orgs.append({"id": o, "name": f"Organisation {s} of Examples", "aliases": [f"OE{s}"],
                     "kind": ["military alliance", "news outlet", "university", "government body"][s % 4],
                     "founded": 1990 + s % 30, "based_in": p,
                     "members": [{"member": f"place-{(s + k) % n_sources:06d}"} for k in range(3)],
                     "source": sid})
        for a in range(5):
            i = s * 5 + a
            ev = f"Actor {i} is a member of the staff of Organisation {s} of Examples."
            texts[sid].append(ev)
            actors.append({"id": f"actor-{i:07d}", "name": f"Firstname{i} Lastname{i}",
                           "aliases": [f"Lastname{i}", f"Фамилия{i}"],
                           "description": sentence(rng, 6),
                           "nationality": p,
                           "roles": [{"title": "Staff member", "org": o, "since": 2015 + a,
                                      "evidence": ev}],
                           "source": sid})
        for e in range(5):
            y, m = MONTHS[(s + e) % len(MONTHS)]
            events.append({"id": f"event-{s * 5 + e:07d}", "date": f"{y}-{m:02d}-{e + 1:02d}",
                           "title": sentence(rng, 6), "involving": [f"actor-{s * 5 + e:07d}", o],
                           "places": [p], "source": sid})
    for q in range(n):
        s = q // 100
        sid = f"source-{s:06d}"
        text = sentence(rng, 11) + f" number {q}"
        direct = q % 3 != 0
        if direct:
            texts[sid].append(f"“{text},” said the speaker.")
        y, m = MONTHS[q % len(MONTHS)]
        quotes.append({"id": f"quote-{q:07d}", "speaker": f"actor-{s * 5 + q % 5:07d}",
                       "text": text, "kind": "direct" if direct else "reported",
                       "said": f"{y}-{m:02d}-{q % 28 + 1:02d}",
                       "context": ["interview", "press conference", "tweet"][q % 3],
                       "about": [f"org-{s:06d}", f"place-{s:06d}"], "source": sid})
    return sources, actors, orgs, places, quotes, events, texts


def clean(record):
    return {k: v for k, v in record.items() if v is not None}


PLAIN = re.compile(r"^[A-Za-z\u0400-\u04FF][\w .\-\u0400-\u04FF]*$|^\d{4}-\d{2}-\d{2}$")


def yaml_scalar(v):
    if isinstance(v, int):
        return str(v)
    if PLAIN.match(v) and v.lower() not in ("yes", "no", "true", "false", "null", "on", "off", "y", "n"):
        return v
    return json.dumps(v, ensure_ascii=False)


def yaml_record(rec, out):
    first = True
    for k, v in clean(rec).items():
        lead = "  - " if first else "    "
        first = False
        if isinstance(v, list) and v and isinstance(v[0], dict):
            out.append(f"{lead}{k}:")
            for item in v:
                inner = True
                for k2, v2 in item.items():
                    out.append(f"      {'- ' if inner else '  '}{k2}: {yaml_scalar(v2)}")
                    inner = False
        elif isinstance(v, list):
            out.append(f"{lead}{k}: [{', '.join(yaml_scalar(x) for x in v)}]")
        else:
            out.append(f"{lead}{k}: {yaml_scalar(v)}")


def yaml_doc(sections):
    out = []
    for name, records in sections:
        out.append(f"{name}:")
        for rec in records:
            yaml_record(rec, out)
    return "\n".join(out) + "\n"


def main():
    args = sys.argv[1:]
    files = None
    if "--files" in args:
        at = args.index("--files")
        files = int(args[at + 1])
        del args[at:at + 2]
    n, outdir = int(args[0]), args[1]
    sources, actors, orgs, places, quotes, events, texts = build(n)
    facts = os.path.join(outdir, "facts")
    os.makedirs(os.path.join(facts, "sources"), exist_ok=True)
    for sid, lines in texts.items():
        with open(os.path.join(facts, "sources", f"{sid}.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
    per_shard = 100  # sources per shard: 10,000 quotes
    if files:
        per_shard = max(1, -(-len(sources) // files))
    for start in range(0, len(sources), per_shard):
        ids = {s["id"] for s in sources[start:start + per_shard]}
        pick = lambda recs: [r for r in recs if r["source"] in ids]
        doc = yaml_doc([("sources", [s for s in sources if s["id"] in ids]),
                        ("actors", pick(actors)), ("organisations", pick(orgs)),
                        ("places", pick(places)), ("quotes", pick(quotes)),
                        ("events", pick(events))])
        with open(os.path.join(facts, f"shard-{start // per_shard:04d}.yaml"), "w") as f:
            f.write(doc)
    whole = [("sources", [{**s, "text": f"facts/{s['text']}"} for s in sources]), ("actors", actors),
             ("organisations", orgs), ("places", places), ("quotes", quotes), ("events", events)]
    with open(os.path.join(outdir, "base.json"), "w") as f:
        json.dump({k: [clean(r) for r in v] for k, v in whole}, f, ensure_ascii=False)
    with open(os.path.join(outdir, "base.yaml"), "w") as f:
        f.write(yaml_doc(whole))


if __name__ == "__main__":
    main()
