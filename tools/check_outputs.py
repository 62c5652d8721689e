#!/usr/bin/python3
"""check_outputs.py EXECUTED.ipynb [MIME ...]: fails on error outputs or when a required MIME type never appears."""
import json
import sys

nb = json.load(open(sys.argv[1]))
outs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
errors = [o for o in outs if o["output_type"] == "error"]
mimes = {m for o in outs for m in o.get("data", {})}
missing = set(sys.argv[2:]) - mimes
if errors or missing:
    sys.exit(f"{sys.argv[1]}: errors={[e['ename'] + ': ' + e.get('evalue', '') for e in errors]} missing={sorted(missing)}")
print(f"{sys.argv[1]}: ok, mimes={sorted(mimes)}")
