#!/usr/bin/env python3
"""check_outputs.py EXECUTED.ipynb [MIME ...]: fails on error outputs, on stderr output that is not a warning (a
student's JupyterLab shows stderr in red, like an error), and when a required MIME type never appears."""
import json
import sys

nb = json.load(open(sys.argv[1]))
outs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
errors = [o["ename"] + ": " + o.get("evalue", "") for o in outs if o["output_type"] == "error"]
stderr = [line for o in outs if o["output_type"] == "stream" and o.get("name") == "stderr"
          for line in "".join(o["text"]).splitlines() if line.strip() and "warn" not in line.lower()]
mimes = {m for o in outs for m in o.get("data", {})}
missing = set(sys.argv[2:]) - mimes
if errors or stderr or missing:
    sys.exit(f"{sys.argv[1]}: errors={errors} stderr={stderr[:5]} missing={sorted(missing)}")
print(f"{sys.argv[1]}: ok, mimes={sorted(mimes)}")
