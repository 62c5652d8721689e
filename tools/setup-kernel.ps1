# Windows variant of tools/setup-kernel.sh: builds the kit with the Windows x86-64 natives and installs the Jupyter
# kernelspec "ark4j" ("Java (ark4j)") into the active conda environment (or venv), the kernel the notebooks name.
#
#   powershell -ExecutionPolicy Bypass -File tools\setup-kernel.ps1 [-Kernel ijava|rapaio] [-IJavaJar JAR]
#                                                                [-Prefix DIR] [-Name NAME] [-Full] [-NoBuild]
#
# -Kernel   ijava: conda-forge's IJava (the jar of the environment's "java" kernelspec, or -IJavaJar);
#           rapaio: rapaio-jupyter-kernel 3.0.1 from Maven Central. Default: ijava when a jar is found, else rapaio.
# -Prefix   the Jupyter data folder (kernelspec in DIR\kernels\NAME). Default: %CONDA_PREFIX%\share\jupyter, else
#           %VIRTUAL_ENV%\share\jupyter, else target\jupyter (then set JUPYTER_PATH to it).
# -Full     memory for the full profile (as tools/setup-kernel.sh --full) instead of the quick profile's 2 GiB.
# ND4J has no Windows build for ARM processors; on Windows on ARM use the x86-64 JDK (it runs under emulation).
param(
    [ValidateSet("", "ijava", "rapaio")][string]$Kernel = "",
    [string]$IJavaJar = "",
    [string]$Prefix = "",
    [string]$Name = "ark4j",
    [switch]$Full,
    [switch]$NoBuild
)
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..")).Path
Set-Location $Root
$Rapaio = "3.0.1"

if (-not $Prefix) {
    if ($env:CONDA_PREFIX) { $Prefix = Join-Path $env:CONDA_PREFIX "share\jupyter" }
    elseif ($env:VIRTUAL_ENV) { $Prefix = Join-Path $env:VIRTUAL_ENV "share\jupyter" }
    else { $Prefix = Join-Path $Root "target\jupyter" }
}
New-Item -ItemType Directory -Force -Path (Join-Path $Prefix "kernels") | Out-Null
$Prefix = (Resolve-Path $Prefix).Path

$JavaSpec = Join-Path $Prefix "kernels\java\kernel.json"
if (-not $IJavaJar -and $Kernel -ne "rapaio" -and (Test-Path $JavaSpec)) {
    # conda-forge's ijava: argv is java -jar <install dir>\ijava-<version>.jar {connection_file}
    $argv = (Get-Content $JavaSpec -Raw | ConvertFrom-Json).argv
    $i = [array]::IndexOf($argv, "-jar")
    if ($i -ge 0) { $IJavaJar = $argv[$i + 1] }
}
if (-not $Kernel) { $Kernel = if ($IJavaJar) { "ijava" } else { "rapaio" } }
if ($Kernel -eq "ijava") {
    if (-not $IJavaJar) { throw "-Kernel ijava: no IJava jar found in $Prefix\kernels\java; install conda-forge's ijava (environment.yml) or pass -IJavaJar JAR" }
    if (-not (Test-Path $IJavaJar)) { throw "-IJavaJar: no such file: $IJavaJar" }
}

if (-not $NoBuild) {
    & .\mvnw.cmd -B -q package -DskipTests -Pplain "-Djavacpp.platform=windows-x86_64"
    if ($LASTEXITCODE -ne 0) { throw "the build failed (mvnw.cmd package -Pplain -Djavacpp.platform=windows-x86_64)" }
}
if (-not (Test-Path "target\classes") -or -not (Test-Path "target\lib")) {
    throw "target\classes or target\lib missing: run .\mvnw.cmd -q package -DskipTests -Pplain -Djavacpp.platform=windows-x86_64"
}

$KDir = Join-Path $Prefix "kernels\$Name"
if (Test-Path $KDir) { Remove-Item -Recurse -Force $KDir }
New-Item -ItemType Directory -Force -Path $KDir | Out-Null
# the same memory settings as tools/setup-kernel.sh (see there for why)
$DisplayName = "Java (ark4j)"
$Jvm = @("-Xmx600m", "-XX:MaxMetaspaceSize=256m", "-Dorg.bytedeco.javacpp.maxbytes=900m", "-Dorg.bytedeco.javacpp.maxphysicalbytes=1600m", "-Djava.awt.headless=true")
if ($Full) {
    $DisplayName = "Java (ark4j, full profile)"
    $Jvm = @("-Xmx3g", "-Dorg.bytedeco.javacpp.maxbytes=4g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=8g", "-Djava.awt.headless=true")
}
if ($Kernel -eq "ijava") {
    Copy-Item $IJavaJar (Join-Path $KDir "ijava.jar")
    $spec = [ordered]@{
        argv = @("java") + $Jvm + @("-jar", (Join-Path $KDir "ijava.jar"), "{connection_file}")
        display_name = $DisplayName
        language = "java"
        interrupt_mode = "message"
        env = [ordered]@{ IJAVA_CLASSPATH = "$Root\target\classes;$Root\target\lib\*"; OMP_NUM_THREADS = "2" }
    }
} else {
    & .\mvnw.cmd -B -q dependency:copy "-Dartifact=io.github.padreati:rapaio-jupyter-kernel:$Rapaio" "-DoutputDirectory=$KDir"
    if ($LASTEXITCODE -ne 0) { throw "could not fetch rapaio-jupyter-kernel $Rapaio from Maven Central" }
    # start-up race fix for rapaio 3.0.x: the compiled class is placed before the kernel jar
    & javac --release 17 -d (Join-Path $KDir "fix") "tools\rjk-fix\org\rapaio\jupyter\kernel\channels\LoopThread.java"
    if ($LASTEXITCODE -ne 0) { throw "javac failed on tools\rjk-fix (a JDK 17 must be on PATH)" }
    $spec = [ordered]@{
        argv = @("java") + $Jvm + @("-cp", "$KDir\fix;$KDir\rapaio-jupyter-kernel-$Rapaio.jar",
                "org.rapaio.jupyter.kernel.MainApp", "{connection_file}")
        display_name = $DisplayName
        language = "java"
        interrupt_mode = "message"
        env = [ordered]@{
            RJK_CLASSPATH = "$Root\target\classes;$Root\target\lib\*.jar"; RJK_TIMEOUT_MILLIS = "-1"
            RJK_COMPILER_OPTIONS = ""; RJK_INIT_SCRIPT = ""; OMP_NUM_THREADS = "2"
        }
    }
}
$json = $spec | ConvertTo-Json -Depth 4
[System.IO.File]::WriteAllText((Join-Path $KDir "kernel.json"), $json, (New-Object System.Text.UTF8Encoding $false))
Write-Output "kernelspec '$Name' ($Kernel): $KDir"
