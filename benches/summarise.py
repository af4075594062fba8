#!/usr/bin/env python3
"""Turns benches/run's hyperfine and memory results into the Markdown of benches/RESULTS.md."""
import json
import os
import sys

results = sys.argv[1]

INTRO = """# Benchmarks

These benchmarks live here:

- `benches/run` times whole commands side by side with hyperfine. It compares kz with jq and jaq
  on the same data as JSON, and with yq and `jaq --from yaml` on the YAML. It also records peak
  memory with `/usr/bin/time`. It installs what is missing: hyperfine, jq and yq from Debian's
  packages, and jaq with `cargo install`. Run `benches/run` for 1k, 10k and 100k quotes, or
  `benches/run 1000 1000000` for the sizes you choose. It rewrites this file above the
  hand-written sections at its end.
- `benches/warm` times warm answers (`quotes --by`, `who`) on 100k quotes in 1,000 files and on
  1M quotes, the edit-and-ask loop (one file of the thousand changed before each run), the
  built-in base (beside an older build, `KZ_OLD=path`), and kz's memory, all against jq.
- `benches/first-run` times the first run (`--no-cache`) on one file and on 1,000 files.
- `cargo bench --bench micro` runs divan micro-benchmarks of the stages: parse and check, parse
  alone, snapshot load, name matching, and rendering.

`benches/gen.py N OUT` writes the synthetic bases into `benches/data/`, which is not committed.
Per 100 quotes there is 1 source with its full text, 5 people, 1 organisation, 1 place and
5 events. The base is written three ways:

- as kz reads it: shards of 10,000 quotes, each holding every section, plus the source texts,
  so `kz check` verifies every direct quote and every piece of evidence;
- as one JSON file, for jq and jaq;
- as one YAML file, for yq and `jaq --from yaml`.

The query is `kz quotes --by NAME`. In the peers it is the jq filter that finds that person's id
by name and selects their quotes. "First run" is `--no-cache`: the YAML is parsed and checked.
"Warm" answers from the snapshot that the previous run left.

## How kz gets its speed

- **First run.** Each file is cut into sections and list items by a line scanner, and batches of
  items are deserialised in parallel. Items in kz's plain subset of YAML are read by the fast
  path (`src/load/fast/`), which drives the same `Deserialize` impls as serde_yaml would; the rest
  are read by serde_yaml. No whole-document event stream is held in memory. Tests check that this
  gives exactly what one whole-file parse by serde_yaml gives, on every fixture. The checks run in
  parallel too.
- **Warm.** The checked base is stored as a snapshot under `$XDG_CACHE_HOME/kz`, found by the
  fact paths asked for and kz's version, and read in place: the file is memory-mapped, and each
  kind of record is a table of postcard blobs with an offset and a checksum each, so a query
  decodes and verifies only the records it returns. Stored indexes (ids, normalised names and
  aliases, and every relation as a compressed sparse row list) answer `who` and `--by` without
  reading records; their sections are checked 64 KiB block by block as they are read. Freshness
  is git's: each fact file and source text is known by its size, times, inode and device, and
  hashed only when its times are too close to the snapshot's to trust. A warm query never touches
  YAML.
- **Edits.** The parse of each fact file is kept (by the hash of its bytes), and so is every
  verbatim verdict (by the hash of the claim and of its source text), so after an edit only the
  changed files are parsed and only new claims are searched for; the checks across files run
  again over the whole base.
- **Memory.** Short strings (ids, names, dates) are stored inline (compact_str), and id lists are
  inline SmallVecs. The base is never dropped at exit, because the process ending frees it.

Profiles, taken with `perf record` on the 100k base, show where the rest of the time goes:

- **First run.** Before the fast path, about 60% of the CPU went to libyaml's scanner and reader
  and to serde_yaml's event buffering. Now reading the YAML takes about a quarter, and the largest
  parts are the checks (a third, mostly the verbatim search of 70,000 quotes in their source
  texts) and the kernel's page faults; see "First run with the fast path" below.
- **Warm.** On 100k quotes a warm run is mostly process start, mapping the snapshot, one `stat`
  per fact file and source text (1,100 of them), and the few records the answer holds. On 1M
  quotes the 10,100 `stat` calls are most of the time (about 11 ms of system time); see
  "Warm answers and edits" below.
"""


def load(name):
    with open(os.path.join(results, name)) as f:
        return {r["command"]: r for r in json.load(f)["results"]}


def memory(n):
    path = os.path.join(results, f"{n}.memory.txt")
    if not os.path.exists(path):
        return {}
    out = {}
    for line in open(path):
        key, _, value = line.rpartition(": ")
        out[key] = int(value)
    return out


def ms(r):
    return r["median"] * 1000


print(INTRO)
print("## Latest results\n")
print("Written by `benches/run`. Every figure is a hyperfine median from one run, with all tools")
print("run side by side on the same machine, so the ratios matter more than the milliseconds.\n")
print("```")
print(open(os.path.join(results, "machine.txt")).read().strip())
print("```\n")

tiny = load("tiny.json")
jq_tiny = next(r for c, r in tiny.items() if c.startswith("jq"))
print("## Built-in base\n")
print("| command | median | vs `jq . tiny.json` |")
print("|---|---:|---:|")
for command, r in tiny.items():
    print(f"| {command} | {ms(r):.1f} ms | {ms(r) / ms(jq_tiny):.2f}× |")
print()

sizes = sorted(int(f.split(".")[0]) for f in os.listdir(results) if f.split(".")[0].isdigit() and f.endswith(".json"))
per_quote = {}
summary = {}
for n in sizes:
    runs = load(f"{n}.json")
    mem = memory(n)
    jq = runs["jq (JSON)"]
    print(f"## {n:,} quotes\n")
    yaml_mb = mem.get("yaml bytes", 0) / 1e6
    print(f"`kz quotes --by NAME` against the same filter in the peers; {yaml_mb:.1f} MB of YAML.\n")
    print("| command | median | vs jq | peak memory |")
    print("|---|---:|---:|---:|")
    for command, r in runs.items():
        peak = mem.get(command)
        peak = f"{peak / 1024:.0f} MB" if peak else ""
        print(f"| {command} | {ms(r):.1f} ms | {ms(r) / ms(jq):.3f}× | {peak} |")
    print()
    per_quote[n] = runs["kz first run"]["median"] / n * 1e6
    summary[n] = (runs, mem)

if per_quote:
    print("## Growth\n")
    print("| quotes | kz first run per quote |")
    print("|---:|---:|")
    for n, us in per_quote.items():
        print(f"| {n:,} | {us:.2f} µs |")
    spread = max(per_quote.values()) / min(per_quote.values())
    print(f"\nLargest over smallest: {spread:.2f}×.\n")

if 100000 in summary:
    runs, mem = summary[100000]
    jq = runs["jq (JSON)"]
    first, warm = runs["kz first run"], runs["kz warm"]
    tiny_kz = tiny["kz who Serdyukov (built-in, warm)"]
    rows = [
        ("`kz who Serdyukov`, built-in base", "≤ 0.25× jq on a tiny file", f"{ms(tiny_kz) / ms(jq_tiny):.2f}×"),
        ("100k quotes, first run", "≤ 0.5× jq", f"{ms(first) / ms(jq):.2f}×"),
        ("100k quotes, warm", "≤ 0.05× jq", f"{ms(warm) / ms(jq):.3f}×"),
        ("peak memory, first run", "≤ jq's", f"{mem['kz first run'] / mem['jq (JSON)']:.2f}× jq"),
        ("peak memory, warm", "≤ 2× the YAML", f"{mem['kz warm'] * 1024 / mem['yaml bytes']:.2f}× the YAML"),
    ]
    if per_quote:
        rows.append(("growth, 1k to largest", "within 1.5×", f"{spread:.2f}×"))
    print("## Targets\n")
    print("| case | target | measured |")
    print("|---|---|---:|")
    for case, target, got in rows:
        print(f"| {case} | {target} | {got} |")

bounds = os.path.join(results, "bounds.txt")
if os.path.exists(bounds):
    print("\n## Hostile files\n")
    print("`benches/bounds` runs `kz --no-cache check` on files built to be expensive. The target is")
    print("at most one second and 200 MB for any file of up to 1 MB.\n")
    print("| file | size | time | peak memory |")
    print("|---|---:|---:|---:|")
    for line in open(bounds):
        name, size, secs, kib = line.split()
        print(f"| {name} | {int(size) / 1e6:.2f} MB | {float(secs):.2f} s | {int(kib) / 1024:.0f} MB |")

micro = os.path.join(results, "micro.txt")
if os.path.exists(micro):
    print("\n## Micro-benchmarks\n")
    print("`cargo bench --bench micro`, divan's output as it printed it:\n")
    print("```")
    print(open(micro).read().rstrip())
    print("```")

# Sections written by hand (the fast path's first-run figures) follow this marker, and are kept.
KEPT = "<!-- Written by hand; benches/summarise.py keeps everything below this line. -->"
readme = os.path.join(os.path.dirname(os.path.abspath(__file__)), "README.md")
if os.path.exists(readme):
    text = open(readme).read()
    if KEPT in text:
        print("\n" + KEPT + text.split(KEPT, 1)[1].rstrip())
