#!/usr/bin/env python3
"""Changes a fact of a fact file, the way an analyst corrects one: the first quote's `said` day
moves one day (an odd day forward, an even one back), so the file alternates between two
contents that both check clean. For the edit loop of benches/edit.

    benches/redate.py FILE
"""
import re
import sys

path = sys.argv[1]
with open(path) as f:
    text = f.read()
m = re.search(r"^    said: \d{4}-\d{2}-(\d{2})$", text, re.M)
if not m:
    sys.exit(f"redate: no `said:` day in {path}")
day = int(m.group(1))
day = day + 1 if day % 2 else day - 1
text = text[: m.start(1)] + f"{day:02d}" + text[m.end(1):]
with open(path, "w") as f:
    f.write(text)
