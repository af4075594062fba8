#!/usr/bin/env python3
"""Changes a fact file without changing its facts: adds a trailing comment line, or takes it away
again, so that the file alternates between two contents. For benches/warm's edit loop.

    benches/flip.py FILE
"""
import sys

MARK = "# touched by benches/flip.py\n"
path = sys.argv[1]
with open(path) as f:
    text = f.read()
text = text[: -len(MARK)] if text.endswith(MARK) else text + MARK
with open(path, "w") as f:
    f.write(text)
