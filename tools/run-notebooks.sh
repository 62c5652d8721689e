#!/bin/sh
# Executes notebooks headless on a Jupyter kernelspec, one nbconvert call per notebook, retrying only kernel start-up
# failures; then checks each executed notebook (tools/check_outputs.py): no error output, no stderr output other
# than warnings, and image/png and text/html outputs present. Prints a line with the time each notebook took.
#
#   tools/run-notebooks.sh [--kernel NAME] [notebooks/NN-name.ipynb ...]
#
# --kernel  the kernelspec to run on (default ark4j, the one the notebooks name; see tools/setup-kernel.sh).
# Uses the `jupyter` on PATH (activate the environment tools/lab.sh or conda made first). Output: target/nb-out/NAME/
set -u
KERNEL=ark4j
if [ "${1:-}" = --kernel ]; then
  [ $# -ge 2 ] || { echo "usage: tools/run-notebooks.sh [--kernel NAME] [notebook.ipynb ...]" >&2; exit 2; }
  KERNEL=$2; shift 2
fi
# notebooks run in notebooks/, so a relative data path must be made absolute first
if [ -n "${ARK4J_DATA:-}" ]; then ARK4J_DATA=$(cd "$ARK4J_DATA" && pwd); export ARK4J_DATA; fi
for nb in "$@"; do [ -f "$nb" ] || { echo "no such notebook: $nb" >&2; exit 2; }; done
NBS=""
for nb in "$@"; do NBS="$NBS $(cd "$(dirname "$nb")" && pwd)/$(basename "$nb")"; done
cd "$(dirname "$0")/.."
[ -n "$NBS" ] || NBS=$(ls "$(pwd)"/notebooks/*.ipynb)
command -v jupyter >/dev/null || { echo "jupyter not found on PATH: run tools/lab.sh --setup and activate .venv (or the conda env)" >&2; exit 2; }
jupyter kernelspec list --json | python3 -c 'import json,sys; sys.exit(0 if sys.argv[1] in json.load(sys.stdin)["kernelspecs"] else 1)' "$KERNEL" \
  || { echo "--kernel: no kernelspec '$KERNEL' in this Jupyter (jupyter kernelspec list); install it with tools/setup-kernel.sh" >&2; exit 2; }
OUT=target/nb-out/$KERNEL
mkdir -p "$OUT"
fail=0
for nb in $NBS; do
  name=$(basename "$nb")
  start=$(date +%s)
  for attempt in 1 2 3; do
    jupyter nbconvert --to notebook --execute "$nb" --output-dir "$OUT" \
      --ExecutePreprocessor.kernel_name="$KERNEL" \
      --ExecutePreprocessor.timeout=1200 --ExecutePreprocessor.startup_timeout=90 \
      > "$OUT/$name.log" 2>&1
    rc=$?
    if [ $rc -ne 0 ] && grep -q "Kernel didn't respond" "$OUT/$name.log"; then
      echo "retry $name (kernel start-up, attempt $attempt)"
      continue
    fi
    break
  done
  secs=$(( $(date +%s) - start ))
  if [ $rc -eq 0 ] && python3 tools/check_outputs.py "$OUT/$name" image/png text/html; then
    echo "ok   $name on $KERNEL (${secs} s)"
  else
    echo "FAIL $name on $KERNEL (${secs} s)"
    tail -40 "$OUT/$name.log"
    fail=1
  fi
done
exit $fail
