#!/bin/sh
# The PyTorch peer for developers: a project-local virtual environment (.venv-peer) with PyTorch 2.13 (CPU) and numpy,
# which the cross-check test (PeerCrossCheckTest: ark4j against PyTorch on the same weights) and `ark4j bench --peer`
# use. The peer is developer tooling: nothing in the kit needs it.
#
#   tools/peer.sh --setup     create or update .venv-peer (pip install torch==2.13.0 numpy)
#
# Then: ARK4J_DATA=<folder with the full MNIST> ./mvnw test -Dtest=PeerCrossCheckTest
set -eu
cd "$(dirname "$0")/.."
case "${1:-}" in
  --setup)
    [ -x .venv-peer/bin/python ] || python3 -m venv .venv-peer
    .venv-peer/bin/pip install --quiet --disable-pip-version-check torch==2.13.0 numpy
    .venv-peer/bin/python -c 'import torch, numpy; print("peer: PyTorch", torch.__version__, "numpy", numpy.__version__, "in .venv-peer")'
    ;;
  *) echo "usage: tools/peer.sh --setup" >&2; exit 2 ;;
esac
