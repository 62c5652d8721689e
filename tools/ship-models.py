#!/usr/bin/env python3
"""ship-models.py CACHED_MODEL.zip ...: copies trained models from the model cache into models/, for inference only.

Each copy keeps the network's configuration, parameters and ark4j metadata and leaves out the updater state (momentum,
Adam moments), which only continuing the training needs (the cache never continues a model without it), so the file
is about half the size. Entries are written in a fixed order with a fixed time stamp: the same model gives the same
bytes. Prints each file's size and SHA-256 for models/README.md and rewrites models/SHA256SUMS, against which the
model cache verifies every shipped model it reads.
"""
import hashlib
import os
import sys
import tempfile
import zipfile

MODELS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models")
KEEP = ["configuration.json", "coefficients.bin", "ark4j.properties"]


def ship(source):
    name = os.path.basename(source)
    if not name.endswith(".zip"):
        sys.exit(f"ship-models.py: {source}: expected a model file <architecture>-T<t>-e<epochs>-<key>.zip from the cache")
    with zipfile.ZipFile(source) as zin:
        present = set(zin.namelist())
        missing = [e for e in KEEP if e not in present]
        if missing:
            sys.exit(f"ship-models.py: {source}: not an ark4j model (missing {', '.join(missing)})")
        fd, tmp = tempfile.mkstemp(dir=MODELS, prefix="." + name + ".")
        with os.fdopen(fd, "wb") as out, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for entry in KEEP:
                zout.writestr(zipfile.ZipInfo(entry, date_time=(1980, 1, 1, 0, 0, 0)), zin.read(entry),
                              compress_type=zipfile.ZIP_DEFLATED)
    target = os.path.join(MODELS, name)
    os.replace(tmp, target)
    with open(target, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    print(f"{name}\t{os.path.getsize(target)}\t{digest}")


def write_sums():
    lines = []
    for name in sorted(n for n in os.listdir(MODELS) if n.endswith(".zip")):
        with open(os.path.join(MODELS, name), "rb") as f:
            lines.append(f"{hashlib.sha256(f.read()).hexdigest()}  {name}\n")
    fd, tmp = tempfile.mkstemp(dir=MODELS, prefix=".SHA256SUMS.")
    with os.fdopen(fd, "w") as out:
        out.writelines(lines)
    os.chmod(tmp, 0o644)
    os.replace(tmp, os.path.join(MODELS, "SHA256SUMS"))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path in sys.argv[1:]:
        ship(path)
    write_sums()
