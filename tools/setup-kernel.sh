#!/bin/sh
# Installs the project-local Jupyter kernelspec "ark4j" (rapaio-jupyter-kernel 3.0.1 from Maven Central) under
# target/jupyter; use it with JUPYTER_PATH=$PWD/target/jupyter. The kernel's class path is the built library and
# its runtime dependencies (target/classes, target/lib). Nothing is written outside the project.
# Requires: a JDK 17 and, to run notebooks, Debian's jupyter-nbconvert + jupyter-client (or any Jupyter).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
KDIR="$ROOT/target/jupyter/kernels/ark4j"
RJK=3.0.1
mkdir -p "$KDIR"
./mvnw -B -q package -DskipTests
./mvnw -B -q dependency:copy -Dartifact=io.github.padreati:rapaio-jupyter-kernel:$RJK -DoutputDirectory="$KDIR"
# start-up race fix for rapaio 3.0.x: compiled class placed before the kernel jar
javac --release 17 -d "$KDIR/fix" tools/rjk-fix/org/rapaio/jupyter/kernel/channels/LoopThread.java
cat > "$KDIR/kernel.json" <<JSON
{
  "argv": ["java", "-Xmx3g", "-Dorg.bytedeco.javacpp.maxbytes=4g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=8g",
           "-Djava.awt.headless=true",
           "-cp", "$KDIR/fix:$KDIR/rapaio-jupyter-kernel-$RJK.jar",
           "org.rapaio.jupyter.kernel.MainApp", "{connection_file}"],
  "display_name": "Java (ark4j)",
  "language": "java",
  "interrupt_mode": "message",
  "env": {
    "RJK_CLASSPATH": "$ROOT/target/classes;$ROOT/target/lib/*.jar",
    "RJK_TIMEOUT_MILLIS": "-1",
    "RJK_COMPILER_OPTIONS": "",
    "RJK_INIT_SCRIPT": "",
    "OMP_NUM_THREADS": "2"
  }
}
JSON
echo "kernelspec: $KDIR (use: JUPYTER_PATH=$ROOT/target/jupyter jupyter notebook notebooks/)"
