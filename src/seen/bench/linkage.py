"""`seen bench linkage`: how well and how fast Seen's linkage model resolves people.

Each dataset runs in its own child process (forked), so that its wall time and peak memory are
its own: train (u by random sampling, m by EM), predict, cluster, from the raw records, with
evaluation against the ground truth afterwards (not timed). This module runs the datasets; the
datasets are loaded by seen.bench.linkage_datasets, run and measured by
seen.bench.linkage_evaluation, set beside a stock Splink model by seen.bench.linkage_baseline,
and printed by seen.bench.linkage_report.

Datasets (ground truth included):
- febrl3: FEBRL dataset 3, deduplication (5,000 records); soc_sec_id is never read.
- febrl4: FEBRL datasets 4a and 4b, linkage of one to the other (5,000 + 5,000).
- historical: Splink's historical_figures_with_errors_50k (50,578 records; `cluster` is the
  truth), with a straightforward Splink model run side by side as the baseline.
- synthetic: a synthetic partnership (seen.synth) of --births births (7,000 by default: about
  100,000 source records), with bands, breakdowns by sex and age band, and the 100k speed
  figure.
- independent: the independent evaluation set (seen.evalset, which shares nothing with
  seen.synth) of --people people (9,000 by default: about 21,000 records), with breakdowns by
  sex, hard case, naming tradition and role.
- speed: a synthetic partnership of about --records source records (1,000,000 by default).
"""

from __future__ import annotations

import functools
import multiprocessing
import tempfile
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from seen.bench.linkage_baseline import evaluate_baseline
from seen.bench.linkage_datasets import (
    generate_synthetic,
    load_febrl3,
    load_febrl4,
    load_historical,
    load_independent,
    load_synthetic,
)
from seen.bench.linkage_evaluation import evaluate_run, run_seen
from seen.linkage.model import Bands

DATASETS = ("febrl3", "febrl4", "historical", "synthetic", "independent", "speed")
DEFAULT_DATASETS = ("febrl3", "febrl4", "historical", "synthetic", "independent")
ROWS_PER_BIRTH = 14.4  # people.csv rows per birth in the synthetic partnership


def _bench_one(name: str, options: dict[str, Any], log: Callable[[str], None]) -> dict[str, Any]:
    bands = Bands(options["auto_link"], options["review"])
    data = Path(options["data"])
    if name in ("synthetic", "speed"):
        if name == "synthetic":
            births = options["births"]
        else:
            births = max(30, round(options["records"] / ROWS_PER_BIRTH))
        with tempfile.TemporaryDirectory(prefix="seen-bench-linkage-") as folder:
            log(f"{name}: generating a partnership of {births} births")
            start = _in_child(lambda: generate_synthetic(Path(folder), births), log)
            if isinstance(start, dict):  # the child failed
                return start
            dataset = load_synthetic(Path(folder), start)
        dataset.name = name
        result = {"births": births}
    elif name == "independent":
        log(f"{name}: generating {options['people']:,} people")
        dataset = load_independent(options["people"])
        result = {"people": options["people"]}
    else:
        loader = {"febrl3": load_febrl3, "febrl4": load_febrl4, "historical": load_historical}
        dataset = loader[name](data)
        result = {}
    log(f"{name}: {dataset.raw.num_rows} records: training, scoring, clustering")
    run = run_seen(dataset.raw, bands, seed=options["seed"], log=lambda s: log(f"{name}: {s}"))
    log(f"{name}: evaluating")
    result.update(evaluate_run(dataset, run, bands))
    result["notes"] = dataset.notes
    if name == "historical" and not options.get("no_baseline"):
        log(f"{name}: the baseline Splink model")
        result["baseline"] = evaluate_baseline(dataset, bands)
    return result


def _child(conn: Any, fn: Callable[[], Any]) -> None:
    try:
        conn.send(("ok", fn()))
    except BaseException:  # report any failure to the parent, which carries on
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def _in_child(fn: Callable[[], Any], log: Callable[[str], None]) -> Any:
    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child_end, fn))
    process.start()
    child_end.close()
    try:
        status, value = parent_end.recv()
    except EOFError:
        status, value = "error", "the child process died (out of memory?)"
    process.join()
    if status != "ok":
        log(value)
        return {"error": value.strip().splitlines()[-1] if value.strip() else "failed"}
    return value


def bench(
    names: Iterable[str], options: dict[str, Any], log: Callable[[str], None]
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name in names:
        results[name] = _in_child(functools.partial(_bench_one, name, options, log), log)
    return results
