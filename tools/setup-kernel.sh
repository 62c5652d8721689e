#!/bin/sh
# Builds the kit and installs the Jupyter kernelspec "ark4j" ("Java (ark4j)"), the kernel the notebooks name in their
# metadata: a Java kernel whose class path holds the built kit (target/classes) and its dependencies (target/lib).
#
#   tools/setup-kernel.sh [--kernel ijava|rapaio] [--ijava-jar JAR] [--prefix DIR] [--name NAME] [--platform P] [--full] [--no-build]
#
# Windows: tools/setup-kernel.ps1 (PowerShell) does the same.
#
# --kernel   ijava: IJava (conda-forge's `ijava`, or the jar given by --ijava-jar); rapaio: rapaio-jupyter-kernel
#            3.0.1 from Maven Central. Default: ijava when a jar is found, else rapaio.
# --ijava-jar the IJava jar; default: the one of the environment's "java" kernelspec (conda-forge's ijava).
# --prefix   the Jupyter data folder to install into (the kernelspec goes to DIR/kernels/NAME). Default: the active
#            environment's (conda: $CONDA_PREFIX/share/jupyter, venv: $VIRTUAL_ENV/share/jupyter), so the Jupyter of
#            that environment finds it; with neither, target/jupyter (then run Jupyter with JUPYTER_PATH=target/jupyter).
#            Nothing is written to the home folder.
# --name     the kernelspec's name (default ark4j).
# --platform the native build of ND4J to fetch (javacpp platform: linux-x86_64, linux-arm64, macosx-x86_64,
#            macosx-arm64, windows-x86_64). Default: this machine's. Linux x86-64 with AVX2 gets the oneDNN build (the
#            fast engine), every other platform the plain build (-Pplain).
# --full     memory for the full profile (ARK4J_PROFILE=full: up to 3 GB heap and 8 GB resident) instead of the quick
#            profile's 2 GiB; e.g. --full --name ark4j-full beside the default kernel.
# Requires a JDK 17 (java on PATH when the kernel starts) and python3.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
KERNEL="" JAR="" PREFIX="" NAME=ark4j BUILD=1 PLATFORM="" FULL=0
RAPAIO=3.0.1
usage() { echo "usage: tools/setup-kernel.sh [--kernel ijava|rapaio] [--ijava-jar JAR] [--prefix DIR] [--name NAME] [--platform P] [--full] [--no-build]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel) [ $# -ge 2 ] || usage; KERNEL=$2; shift 2 ;;
    --ijava-jar) [ $# -ge 2 ] || usage; JAR=$2; shift 2 ;;
    --prefix) [ $# -ge 2 ] || usage; PREFIX=$2; shift 2 ;;
    --name) [ $# -ge 2 ] || usage; NAME=$2; shift 2 ;;
    --platform) [ $# -ge 2 ] || usage; PLATFORM=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --full) FULL=1; shift ;;
    *) usage ;;
  esac
done
if [ -z "$PREFIX" ]; then
  if [ -n "${CONDA_PREFIX:-}" ]; then PREFIX="$CONDA_PREFIX/share/jupyter"
  elif [ -n "${VIRTUAL_ENV:-}" ]; then PREFIX="$VIRTUAL_ENV/share/jupyter"
  else PREFIX="$ROOT/target/jupyter"; fi
fi
mkdir -p "$PREFIX/kernels"
PREFIX=$(cd "$PREFIX" && pwd)
if [ -z "$JAR" ] && [ "$KERNEL" != rapaio ] && [ -f "$PREFIX/kernels/java/kernel.json" ]; then
  # conda-forge's ijava: argv is java -jar <install dir>/ijava-<version>.jar {connection_file}
  JAR=$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["argv"]; print(a[a.index("-jar")+1] if "-jar" in a else "")' \
        "$PREFIX/kernels/java/kernel.json")
fi
[ -n "$KERNEL" ] || { if [ -n "$JAR" ]; then KERNEL=ijava; else KERNEL=rapaio; fi; }
case "$KERNEL" in
  ijava) [ -n "$JAR" ] || { echo "--kernel ijava: no IJava jar found in $PREFIX/kernels/java; install conda-forge's ijava (environment.yml) or pass --ijava-jar JAR" >&2; exit 2; }
         [ -f "$JAR" ] || { echo "--ijava-jar: no such file: $JAR" >&2; exit 2; } ;;
  rapaio) ;;
  *) echo "--kernel: expected ijava or rapaio, got '$KERNEL'" >&2; exit 2 ;;
esac

if [ -z "$PLATFORM" ]; then
  case "$(uname -s)" in
    Linux) os=linux ;; Darwin) os=macosx ;;
    MINGW*|MSYS*|CYGWIN*) echo "on Windows, run tools/setup-kernel.ps1 in PowerShell (a kernelspec needs Windows paths)" >&2; exit 2 ;;
    *) echo "unknown operating system '$(uname -s)': pass --platform (linux-x86_64, linux-arm64, macosx-x86_64, macosx-arm64, windows-x86_64)" >&2; exit 2 ;;
  esac
  case "$(uname -m)" in
    x86_64|amd64) arch=x86_64 ;; arm64|aarch64) arch=arm64 ;;
    *) echo "no ND4J build for the processor '$(uname -m)': ND4J ships x86_64 and arm64 natives" >&2; exit 2 ;;
  esac
  PLATFORM=$os-$arch
fi
case "$PLATFORM" in
  linux-x86_64|linux-arm64|macosx-x86_64|macosx-arm64|windows-x86_64) ;;
  *) echo "--platform: expected linux-x86_64, linux-arm64, macosx-x86_64, macosx-arm64 or windows-x86_64, got '$PLATFORM'" >&2; exit 2 ;;
esac
if [ "$PLATFORM" = linux-x86_64 ] && grep -qw avx2 /proc/cpuinfo 2>/dev/null; then MVN_PLATFORM=""
else MVN_PLATFORM="-Pplain -Djavacpp.platform=$PLATFORM"; fi
if [ "$BUILD" = 1 ]; then
  echo "building with the native build for ${MVN_PLATFORM:-linux-x86_64 with oneDNN (the default)}"
  # shellcheck disable=SC2086
  ./mvnw -B -q package -DskipTests $MVN_PLATFORM
fi
[ -d target/lib ] && [ -d target/classes ] || { echo "target/classes or target/lib missing: run ./mvnw -q package -DskipTests" >&2; exit 2; }

KDIR="$PREFIX/kernels/$NAME"
rm -rf "$KDIR"
mkdir -p "$KDIR"
# Bounds on heap and native memory: ND4J's off-heap buffers are freed only when the garbage collector finds their small
# Java objects, so without a bound a long attack loop grows for gigabytes. The quick profile's notebooks stay within
# 2 GiB resident with these (measured in CI); --full sets the full profile's (up to 3 GB heap, 8 GB resident).
DISPLAY_NAME="Java (ark4j)"
if [ "$FULL" = 1 ]; then
  DISPLAY_NAME="Java (ark4j, full profile)"
  JVM='"-Xmx3g", "-Dorg.bytedeco.javacpp.maxbytes=4g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=8g", "-Djava.awt.headless=true"'
else
  JVM='"-Xmx600m", "-XX:MaxMetaspaceSize=256m", "-Dorg.bytedeco.javacpp.maxbytes=900m", "-Dorg.bytedeco.javacpp.maxphysicalbytes=1600m", "-Djava.awt.headless=true"'
fi
if [ "$KERNEL" = ijava ]; then
  cp "$JAR" "$KDIR/ijava.jar"
  cat > "$KDIR/kernel.json" <<JSON
{
  "argv": ["java", $JVM, "-jar", "$KDIR/ijava.jar", "{connection_file}"],
  "display_name": "$DISPLAY_NAME",
  "language": "java",
  "interrupt_mode": "message",
  "env": {
    "IJAVA_CLASSPATH": "$ROOT/target/classes:$ROOT/target/lib/*",
    "OMP_NUM_THREADS": "2"
  }
}
JSON
else
  ./mvnw -B -q dependency:copy -Dartifact=io.github.padreati:rapaio-jupyter-kernel:$RAPAIO -DoutputDirectory="$KDIR"
  # start-up race fix for rapaio 3.0.x: the compiled class is placed before the kernel jar
  javac --release 17 -d "$KDIR/fix" tools/rjk-fix/org/rapaio/jupyter/kernel/channels/LoopThread.java
  cat > "$KDIR/kernel.json" <<JSON
{
  "argv": ["java", $JVM, "-cp", "$KDIR/fix:$KDIR/rapaio-jupyter-kernel-$RAPAIO.jar",
           "org.rapaio.jupyter.kernel.MainApp", "{connection_file}"],
  "display_name": "$DISPLAY_NAME",
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
fi
echo "kernelspec '$NAME' ($KERNEL): $KDIR"
case "$PREFIX" in
  "$ROOT/target/jupyter") echo "use it with: JUPYTER_PATH=$PREFIX jupyter lab notebooks/" ;;
esac
