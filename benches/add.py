#!/usr/bin/env python3
"""Adds a quote to a fact file, or takes the one it added away again, so that the file
alternates between two contents: an edit that adds a record. For benches/edit.

    benches/add.py FILE
"""
import re
import sys

path = sys.argv[1]
with open(path) as f:
    text = f.read()
added = re.search(r"  - id: quote-added-by-bench\n(?:    .*\n)*", text)
if added:
    text = text[: added.start()] + text[added.end() :]
else:
    speaker = re.search(r"^  - id: (actor-\S+)$", text, re.M).group(1)
    source = re.search(r"^  - id: (source-\S+)$", text, re.M).group(1)
    quote = (
        "  - id: quote-added-by-bench\n"
        f"    speaker: {speaker}\n"
        "    text: Words a reporter added to the base after its first run\n"
        "    kind: reported\n"
        f"    source: {source}\n"
    )
    at = text.index("\nevents:\n") + 1 if "\nevents:\n" in text else len(text)
    text = text[:at] + quote + text[at:]
with open(path, "w") as f:
    f.write(text)
