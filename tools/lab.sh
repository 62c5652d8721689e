#!/bin/sh
# One command from a clone to JupyterLab on the notebooks with the ark4j kernel.
#
#   tools/lab.sh [--setup] [setup-kernel options...]
#
# In an active conda environment (environment.yml) it uses that environment and conda-forge's IJava. Otherwise it
# creates .venv (python3 -m venv) if missing and installs JupyterLab and nbconvert into it. Then it builds the kit
# and installs the kernelspec "ark4j" into that environment (tools/setup-kernel.sh, which takes the options given
# here, e.g. --kernel rapaio or --ijava-jar JAR), and opens JupyterLab on notebooks/.
# --setup   only create the environment and install the kernel; do not start JupyterLab (CI, or a class machine image).
# Requires a JDK 17 and python3 (with venv). Afterwards, `. .venv/bin/activate` puts that Jupyter on PATH.
set -eu
cd "$(dirname "$0")/.."
LAB=1
if [ "${1:-}" = --setup ]; then LAB=0; shift; fi
if [ -z "${CONDA_PREFIX:-}" ]; then
  if [ ! -x .venv/bin/jupyter-lab ]; then
    echo "creating .venv with JupyterLab 4.6.4 and nbconvert"
    python3 -m venv .venv || { echo "python3 -m venv failed: install python3-venv (Debian/Ubuntu: apt install python3-venv)" >&2; exit 2; }
    .venv/bin/pip install -q jupyterlab==4.6.4 nbconvert
  fi
  VIRTUAL_ENV=$(pwd)/.venv
  PATH="$VIRTUAL_ENV/bin:$PATH"
  export VIRTUAL_ENV PATH
fi
tools/setup-kernel.sh "$@"
[ "$LAB" = 1 ] || exit 0
exec jupyter lab notebooks/
