"""The Spark session linkage scores in: started locally (two cores, bounded memory, nothing
listening beyond 127.0.0.1, its scratch in one temporary folder) or under a cluster's own
configuration, with Splink's similarity jar on the classpath; and stopped with the JVM PySpark
started for it and its temporary folder.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

TMPDIR_CONF = "spark.seen.tmpdir"  # the session's temporary folder, removed by stop_spark

LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
"""


def _local_cores(master: str) -> int | None:
    """Cores of a local master ("local", "local[2]", "local[*]"); None for a cluster."""
    if master == "local":
        return 1
    if master.startswith("local[") and master.endswith("]"):
        inner = master[len("local[") : -1].split(",")[0]
        return (os.cpu_count() or 2) if inner == "*" else max(int(inner), 1)
    return None


def spark_session(
    app_name: str = "seen-linkage", *, master: str | None = "local[2]"
) -> SparkSession:
    """A Spark session for scoring. Locally (master "local[N]", the default two cores of this
    machine): driver memory SEEN_SPARK_DRIVER_MEMORY (default 8g of the 24 GB, leaving DuckDB
    and Django theirs), 2N shuffle partitions, bound to 127.0.0.1, no UI, no downloads, errors
    only in the log, and its scratch, warehouse and checkpoint folders in one temporary folder
    that stop_spark (or the end of the process) removes. With a cluster master, or None when
    spark-submit has set one, only what the cluster's own configuration leaves open is set;
    SEEN_SPARK_CHECKPOINT_DIR then names shared storage for Splink's intermediate tables.

    Splink's similarity jar is on the classpath (`spark.jars`, as Splink's docs say for
    SparkAPI; SparkAPI registers its functions), and so is Seen's compiled one when this
    machine can build it (seen.linkage.spark.compiled). If a session is already running in
    this process, Spark returns it with its own configuration."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    from seen.linkage.spark.compiled import similarity_jar

    folder = Path(tempfile.mkdtemp(prefix="seen-spark-"))
    atexit.register(shutil.rmtree, folder, True)
    (folder / "log4j2.properties").write_text(LOG4J2)
    builder = SparkSession.builder.appName(app_name)
    jars = [similarity_jar_location(), *([str(own)] if (own := similarity_jar()) else [])]
    conf: dict[str, str] = {
        "spark.jars": ",".join(jars),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.log.structuredLogging.enabled": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.catalogImplementation": "in-memory",
        "spark.sql.warehouse.dir": str(folder / "warehouse"),
        TMPDIR_CONF: str(folder),
    }
    cores = _local_cores(master) if master else None
    if master:
        builder = builder.master(master)
    if cores is not None:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        partitions = str(2 * cores)
        conf |= {
            "spark.driver.memory": os.environ.get("SEEN_SPARK_DRIVER_MEMORY", "8g"),
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.sql.shuffle.partitions": partitions,
            "spark.default.parallelism": partitions,
            # Splink repartitions its tables round robin, which sorts every row first so that a
            # retried task deals the same rows (a quarter of the scoring time here); a local
            # task is never retried, so the sort buys nothing
            "spark.sql.execution.sortBeforeRepartition": "false",
            "spark.local.dir": str(folder / "local"),
            # the Python workers that cluster (seen.linkage.spark.clusters) import Seen; on a
            # cluster it is shipped with --py-files (docs/scaling.md)
            "spark.executorEnv.PYTHONPATH": str(Path(__file__).resolve().parents[3]),
            "spark.driver.extraJavaOptions": (
                f"-Djava.io.tmpdir={folder} "
                f"-Dlog4j2.configurationFile={(folder / 'log4j2.properties').as_uri()}"
            ),
        }
    for key, value in conf.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    checkpoints = os.environ.get("SEEN_SPARK_CHECKPOINT_DIR") or str(folder / "checkpoints")
    spark.sparkContext.setCheckpointDir(checkpoints)
    return spark


def stop_spark(spark: SparkSession) -> None:
    """Stop the session, then the JVM PySpark started for it (spark.stop() alone leaves it
    running until Python exits), and remove the session's temporary folder."""
    from pyspark import SparkContext

    folder = None
    with contextlib.suppress(Exception):
        folder = spark.conf.get(TMPDIR_CONF, None)
    # a JVM already gone (killed for memory, say) must not hide the error that stopped the run
    with contextlib.suppress(Exception):
        spark.stop()
    gateway = SparkContext._gateway
    if gateway is not None:
        process = getattr(gateway, "proc", None)
        with contextlib.suppress(Exception):
            gateway.shutdown()
        if process is not None:  # the JVM exits when its stdin closes
            with contextlib.suppress(Exception):
                process.stdin.close()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        SparkContext._gateway = None
        SparkContext._jvm = None
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def frame_of(spark: SparkSession, table: pa.Table) -> DataFrame:
    """An Arrow table as a DataFrame. On a local session it is written to Parquet in the
    session's folder and read back: `createDataFrame` would embed every row in the query plan,
    which Spark's optimiser then copies and hashes in every plan that reads it (at 100,000
    records that filled the 8 GB driver). On a cluster the driver's folder is not the
    executors', so the rows go in the plan."""
    import pyarrow.parquet as pq

    folder = spark.conf.get(TMPDIR_CONF, None)
    if not folder or not (spark.sparkContext.master or "").startswith("local"):
        return spark.createDataFrame(table)
    path = Path(folder) / "frames" / f"{uuid.uuid4().hex}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return spark.read.parquet(str(path))
