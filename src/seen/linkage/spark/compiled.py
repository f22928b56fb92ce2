"""The compiled string functions' jar: java/SeenSimilarity.java built with this machine's JDK
against the Spark jars PySpark ships, once per source and Spark version, into a cache folder
(SEEN_SPARK_JAR_DIR, else ~/.cache/seen). Spark then runs DuckDB's Jaro, Jaro-Winkler and
Hamming as JIT-compiled code rather than as SQL interpreted pair by pair (docs/scaling.md).
Without a Java compiler there is no jar, and seen.linkage.spark.similarity falls back to the
SQL definitions, which give the same values more slowly.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import zipfile
from functools import cache
from pathlib import Path

SOURCE = Path(__file__).with_name("java") / "SeenSimilarity.java"
CLASSES = "seen.spark.SeenSimilarity"
log = logging.getLogger(__name__)


def _spark_jars() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent / "jars"


def _cache_folder() -> Path:
    if folder := os.environ.get("SEEN_SPARK_JAR_DIR"):
        return Path(folder)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "seen"


def _javac() -> str | None:
    if home := os.environ.get("JAVA_HOME"):
        candidate = Path(home) / "bin" / "javac"
        if candidate.is_file():
            return str(candidate)
    return shutil.which("javac")


@cache
def similarity_jar() -> Path | None:
    """The jar, built if this source and Spark version have none yet; None when no Java
    compiler is on this machine (or it fails, which is logged)."""
    import pyspark

    source = SOURCE.read_bytes()
    key = hashlib.sha256(source + pyspark.__version__.encode()).hexdigest()[:16]
    jar = _cache_folder() / f"seen-similarity-{key}.jar"
    if jar.is_file():
        return jar
    javac = _javac()
    if javac is None:
        log.warning("no Java compiler: Spark uses the slower SQL string functions")
        return None
    with tempfile.TemporaryDirectory(prefix="seen-javac-") as work:
        classes = Path(work) / "classes"
        command = [
            javac, "--release", "17", "-nowarn", "-d", str(classes),
            "-cp", str(_spark_jars() / "*"), str(SOURCE),
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log.warning("javac failed, Spark uses the SQL string functions: %s", done.stderr)
            return None
        built = Path(work) / "seen-similarity.jar"
        with zipfile.ZipFile(built, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
            for path in sorted(classes.rglob("*.class")):
                archive.write(path, path.relative_to(classes).as_posix())
        jar.parent.mkdir(parents=True, exist_ok=True)
        staged = jar.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(built, staged)
        os.replace(staged, jar)  # atomic: a concurrent build writes the same bytes
    return jar
