#!/bin/sh
# Executes notebooks on the quick profile and renders them into the static site docs/notebooks/ (one HTML page per
# notebook with its figures and tables inline, an index with a thumbnail of each notebook's key figure and links to
# the reports). Notebooks 04 and 07 need CIFAR-10: set ARK4J_DATA to a folder holding cifar-10/.
#
#   tools/build-site.sh [--kernel NAME] [notebooks/NN-name.ipynb ...]     (default: every notebook, kernel ark4j)
#
# Uses the `jupyter` on PATH (activate the environment tools/lab.sh or conda made first). `tools/site.py check` tells
# which pages are stale after an edit of a notebook's cells.
set -eu
KERNEL=ark4j
if [ "${1:-}" = --kernel ]; then
  [ $# -ge 2 ] || { echo "usage: tools/build-site.sh [--kernel NAME] [notebook.ipynb ...]" >&2; exit 2; }
  KERNEL=$2; shift 2
fi
ARK4J_PROFILE=quick
export ARK4J_PROFILE
"$(dirname "$0")/run-notebooks.sh" --kernel "$KERNEL" "$@"
cd "$(dirname "$0")/.."
python3 tools/site.py build "target/nb-out/$KERNEL" "$@"
