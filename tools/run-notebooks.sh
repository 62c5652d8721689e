#!/bin/sh
# Executes every notebook headless with the project-local kernel (tools/setup-kernel.sh first), one nbconvert call
# per notebook (nbconvert stops at the first failing notebook), retrying only kernel start-up failures; then checks
# that each executed notebook has no error output and has image/png and text/html outputs.
# Usage: tools/run-notebooks.sh [notebooks/NN-name.ipynb ...]     Output: target/nb-out/
set -u
# notebooks run in notebooks/, so a relative data path must be made absolute first
if [ -n "${ARK4J_DATA:-}" ]; then ARK4J_DATA=$(cd "$ARK4J_DATA" && pwd); export ARK4J_DATA; fi
cd "$(dirname "$0")/.."
export JUPYTER_PATH="$(pwd)/target/jupyter"
OUT=target/nb-out
mkdir -p "$OUT"
fail=0
[ $# -eq 0 ] && set -- notebooks/*.ipynb
for nb in "$@"; do
  name=$(basename "$nb")
  start=$(date +%s)
  for attempt in 1 2 3; do
    jupyter nbconvert --to notebook --execute "$nb" --output-dir "$OUT" \
      --ExecutePreprocessor.kernel_name=ark4j \
      --ExecutePreprocessor.timeout=1200 --ExecutePreprocessor.startup_timeout=90 \
      > "$OUT/$name.log" 2>&1
    rc=$?
    if [ $rc -ne 0 ] && grep -q "Kernel didn't respond" "$OUT/$name.log"; then
      echo "retry $name (kernel start-up)"
      continue
    fi
    break
  done
  secs=$(( $(date +%s) - start ))
  if [ $rc -eq 0 ] && /usr/bin/python3 tools/check_outputs.py "$OUT/$name" image/png text/html; then
    echo "ok   $name (${secs} s)"
  else
    echo "FAIL $name (${secs} s)"
    tail -40 "$OUT/$name.log"
    fail=1
  fi
done
exit $fail
