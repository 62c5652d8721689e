#!/bin/sh
# Writes a Jupyter kernelspec "ark4j" for users of the IJava kernel (conda-forge `ijava`, see environment.yml):
# a copy of the installed "java" kernelspec whose environment puts the built kit and its dependencies on the
# kernel's class path (IJAVA_CLASSPATH, ':'-separated, globs allowed). Build first: mvn -q package -DskipTests.
# JJava users: the same with JJAVA_CLASSPATH (set KIT_CLASSPATH_VAR=JJAVA_CLASSPATH).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
[ -d target/lib ] || { echo "target/lib missing: run 'mvn -q package -DskipTests' first" >&2; exit 2; }
VAR=${KIT_CLASSPATH_VAR:-IJAVA_CLASSPATH}
python3 - "$ROOT" "$VAR" <<'PY'
import json, os, subprocess, sys, tempfile
root, var = sys.argv[1], sys.argv[2]
specs = json.loads(subprocess.check_output(["jupyter", "kernelspec", "list", "--json"]))["kernelspecs"]
if "java" not in specs:
    sys.exit("no 'java' kernelspec found: install IJava (conda install -c conda-forge ijava) first")
spec = specs["java"]["spec"]
spec["display_name"] = "Java (ark4j)"
env = dict(spec.get("env", {}))
env[var] = os.pathsep.join([root + "/target/classes", root + "/target/lib/*"])
env.setdefault("OMP_NUM_THREADS", "2")
spec["env"] = env
argv = spec["argv"]
# more heap than IJava's default, and a bound on resident memory: ND4J's off-heap buffers are freed only when the
# garbage collector finds their (small) Java objects, so without the bound a long attack loop grows for gigabytes
if not any(a.startswith("-Xmx") for a in argv):
    argv[1:1] = ["-Xmx3g", "-Dorg.bytedeco.javacpp.maxbytes=4g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=8g"]
spec["argv"] = argv
with tempfile.TemporaryDirectory() as d:
    with open(os.path.join(d, "kernel.json"), "w") as f:
        json.dump(spec, f, indent=2)
    subprocess.check_call(["jupyter", "kernelspec", "install", "--user", "--replace", "--name", "ark4j", d])
print("kernelspec 'ark4j' installed; choose 'Java (ark4j)' in JupyterLab")
PY
