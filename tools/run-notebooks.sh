#!/bin/sh
# Executes notebooks headless on a Jupyter kernelspec, one nbconvert call per notebook, retrying only kernel start-up
# failures; then checks each executed notebook (tools/check_outputs.py): no error output, no stderr output other
# than warnings, and image/png and text/html outputs present. Prints a line per notebook as it ends and a table of
# every notebook's time and peak memory (the largest resident set of nbconvert and its kernel) at the end.
#
#   tools/run-notebooks.sh [--kernel NAME] [--budget SECONDS] [--max-rss MIB] [notebooks/NN-name.ipynb ...]
#
# --kernel  the kernelspec to run on (default ark4j, the one the notebooks name; see tools/setup-kernel.sh).
# --budget  fail when a notebook takes longer than this (default: no limit; CI uses 360 s: the README's 5 minutes plus 20% for the CI machine).
# --max-rss fail when a notebook's peak resident memory exceeds this many MiB (default: no limit; CI uses 2048).
# Uses the `jupyter` on PATH (activate the environment tools/lab.sh or conda made first). Output: target/nb-out/NAME/
set -u
KERNEL=ark4j
BUDGET=""
MAXRSS=""
USAGE="usage: tools/run-notebooks.sh [--kernel NAME] [--budget SECONDS] [--max-rss MIB] [notebook.ipynb ...]"
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel) [ $# -ge 2 ] || { echo "$USAGE" >&2; exit 2; }; KERNEL=$2; shift 2 ;;
    --budget) [ $# -ge 2 ] && [ "$2" -gt 0 ] 2>/dev/null || { echo "--budget: expected a positive number of seconds; $USAGE" >&2; exit 2; }
              BUDGET=$2; shift 2 ;;
    --max-rss) [ $# -ge 2 ] && [ "$2" -gt 0 ] 2>/dev/null || { echo "--max-rss: expected a positive number of MiB; $USAGE" >&2; exit 2; }
              MAXRSS=$2; shift 2 ;;
    --*) echo "unknown option $1; $USAGE" >&2; exit 2 ;;
    *) break ;;
  esac
done
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
# GNU time reports the largest resident set among nbconvert and the children it waited for (the kernel)
TIMER=""
if /usr/bin/time -f %M true >/dev/null 2>&1; then TIMER="/usr/bin/time -o $OUT/.rss -f %M"; fi
fail=0
TABLE="| notebook | kernel | seconds | peak RSS (MiB) | result |
|---|---|---|---|---|"
for nb in $NBS; do
  name=$(basename "$nb")
  start=$(date +%s)
  for attempt in 1 2 3; do
    $TIMER jupyter nbconvert --to notebook --execute "$nb" --output-dir "$OUT" \
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
  rss="-"
  if [ -n "$TIMER" ] && [ -s "$OUT/.rss" ]; then rss=$(( $(tail -1 "$OUT/.rss") / 1024 )); fi
  if [ $rc -eq 0 ] && python3 tools/check_outputs.py "$OUT/$name" image/png text/html; then
    result=ok
    if [ -n "$BUDGET" ] && [ "$secs" -gt "$BUDGET" ]; then result="over the ${BUDGET} s budget"; fail=1; fi
    if [ -n "$MAXRSS" ] && [ "$rss" != "-" ] && [ "$rss" -gt "$MAXRSS" ]; then result="over the ${MAXRSS} MiB memory budget"; fail=1; fi
    echo "$result   $name on $KERNEL (${secs} s, peak RSS ${rss} MiB)"
  else
    result=FAIL
    echo "FAIL $name on $KERNEL (${secs} s)"
    tail -40 "$OUT/$name.log"
    fail=1
  fi
  TABLE="$TABLE
| $name | $KERNEL | $secs | $rss | $result |"
done
rm -f "$OUT/.rss"
echo "$TABLE" | tee "$OUT/times.md"
exit $fail
