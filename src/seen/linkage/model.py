"""Seen's identity-resolution model: Splink 5 on DuckDB, trained without labels.

A `LinkageModel` is a Splink settings document (comparisons, blocking rules and the trained m and
u probabilities) plus Seen's own metadata, saved as one versioned JSON artefact. It reads the
table `seen.linkage.prepare` makes. This module owns the model itself: its identity and levels,
the artefact, scoring and clustering, and the bands a scored pair falls in. What goes into it
lives beside it: the comparisons (seen.linkage.comparisons), blocking (seen.linkage.blocking),
training (seen.linkage.training) and the evidence each scored pair keeps (seen.linkage.evidence).
See docs/linkage.md for the why of each choice.

    prepared = prepare_records(rows)
    model = LinkageModel.train(prepared, seed=1)      # u by random sampling, m by EM
    model.save(path); model = LinkageModel.load(path)
    pairs = model.predict(prepared, threshold=0.5)    # scored pairs with per-comparison evidence
    persons = model.cluster(prepared, pairs, threshold=0.99).persons
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from seen.linkage.clustering import Clustering, cluster
from seen.linkage.evidence import evidence_table
from seen.linkage.exclusions import CORROBORATING, EXCLUSION_COLUMNS, Exclusion, exclusions_for
from seen.linkage.prepare import connect
from seen.linkage.splink_duckdb import db_api, quiet_splink
from seen.linkage.training import EM_MAX_PAIRS, U_MAX_PAIRS, Progress, train_settings

SEEN_MODEL_VERSION = 1
ARTEFACT_FORMAT = "seen-linkage-model"


@dataclass(frozen=True)
class Bands:
    """The three bands of a scored pair: at or above `auto_link` the records are linked
    automatically; at or above `review` (and below auto_link) a person decides; below, no
    link. Match probabilities."""

    auto_link: float = 0.995
    review: float = 0.1

    def __post_init__(self) -> None:
        if not 0 < self.review <= self.auto_link < 1:
            raise ValueError(
                f"bands need 0 < review ({self.review}) <= auto_link ({self.auto_link}) < 1"
            )

    def band(self, probability: float) -> str:
        if probability >= self.auto_link:
            return "link"
        if probability >= self.review:
            return "review"
        return "no_link"


class LinkageModel:
    """A trained model. `settings` is the Splink settings document (JSON-ready)."""

    def __init__(self, settings: dict[str, Any], *, meta: dict[str, Any] | None = None) -> None:
        self.settings = settings
        self.meta = dict(meta or {})

    # ---- identity ------------------------------------------------------------------------

    @property
    def comparison_names(self) -> list[str]:
        return [c["output_column_name"] for c in self.settings["comparisons"]]

    @property
    def version(self) -> str:
        """Seen's artefact version and a digest of the trained settings: two models with the
        same version score every pair the same."""
        digest = hashlib.sha256(
            json.dumps(self.settings, sort_keys=True, default=str).encode()
        ).hexdigest()[:12]
        return f"{SEEN_MODEL_VERSION}-{digest}"

    @property
    def prior_match_weight(self) -> float:
        """The match weight of the prior (the chance that two random records match): a pair's
        match_weight is this plus its comparisons' weights."""
        prior = float(self.settings["probability_two_random_records_match"])
        return math.log2(prior / (1 - prior))

    def level_label(self, comparison: str, index: int | None) -> str | None:
        """The label of the level a pair met, by its `level_` index (see
        seen.linkage.evidence.level_index_sql)."""
        if index is None:
            return None
        for c in self.settings["comparisons"]:
            if c["output_column_name"] == comparison:
                levels = c["comparison_levels"]
                if index < 0:
                    nulls = [lv for lv in levels if lv.get("is_null_level")]
                    return nulls[0].get("label_for_charts", "") if nulls else None
                others = [lv for lv in levels if not lv.get("is_null_level")]
                return others[index].get("label_for_charts", "") if index < len(others) else None
        return None

    def level_labels(self, comparison: str) -> list[str]:
        """Labels of a comparison's levels, indexed by the gamma value Splink gives them
        (gamma -1 is the null level, then the highest level down to 0 for "all other")."""
        for c in self.settings["comparisons"]:
            if c["output_column_name"] == comparison:
                levels = [lv for lv in c["comparison_levels"] if not lv.get("is_null_level")]
                return [lv.get("label_for_charts", "") for lv in reversed(levels)]
        raise KeyError(comparison)

    # ---- training ------------------------------------------------------------------------

    @classmethod
    def train(
        cls,
        prepared: pa.Table,
        *,
        seed: int = 1,
        progress: Progress | None = None,
        u_max_pairs: float = U_MAX_PAIRS,
        em_max_pairs: float = EM_MAX_PAIRS,
    ) -> LinkageModel:
        """Train on the records themselves, with no labels: u probabilities by random sampling
        (seeded), the prior from deterministic rules, m probabilities by expectation
        maximisation over EM_RULES (seen.linkage.training)."""
        settings, meta = train_settings(
            prepared,
            seed=seed,
            progress=progress,
            u_max_pairs=u_max_pairs,
            em_max_pairs=em_max_pairs,
        )
        return cls(settings, meta=meta)

    # ---- artefact --------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": ARTEFACT_FORMAT,
            "seen_model_version": SEEN_MODEL_VERSION,
            "version": self.version,
            "splink_version": _splink_version(),
            "training": self.meta,
            "splink_settings": self.settings,
        }

    def save(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n")
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path) -> LinkageModel:
        path = Path(path)
        try:
            document = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise ValueError(f"{path}: not a linkage model ({error})") from None
        if not isinstance(document, dict) or document.get("format") != ARTEFACT_FORMAT:
            raise ValueError(f"{path}: not a Seen linkage model (no format {ARTEFACT_FORMAT!r})")
        version = document.get("seen_model_version")
        if version != SEEN_MODEL_VERSION:
            raise ValueError(
                f"{path}: model version {version} is not the one this Seen reads "
                f"({SEEN_MODEL_VERSION}); train a new model"
            )
        return cls(document["splink_settings"], meta=document.get("training", {}))

    # ---- scoring ---------------------------------------------------------------------------

    def predict(
        self, prepared: pa.Table, *, threshold: float, progress: Progress | None = None
    ) -> pa.Table:
        """Score the candidate pairs and keep those with match probability >= threshold.

        Columns: record_id_l, record_id_r (record_id_l < record_id_r), match_probability,
        match_weight, and for each comparison C in comparison_names: level_C (the level the
        pair met; see level_label) and mw_C (its match weight, log2 of the
        Bayes factor, term-frequency adjustment included). match_weight is the prior's
        weight plus the sum of the mw_ columns."""
        from splink import Linker

        quiet_splink()
        step = progress or (lambda _label: None)
        con = connect()
        try:
            api = db_api(con)
            records = api.register(prepared, dataset_display_name="records")
            linker = Linker(records, copy.deepcopy(self.settings), log_level=None)
            step("scoring candidate pairs")
            scored = linker.inference.predict(
                threshold_match_probability=threshold, warning_mode="never"
            )
            return evidence_table(con, scored.physical_name, self.settings)
        finally:
            con.close()

    def cluster(
        self,
        prepared: pa.Table,
        pairs: pa.Table,
        *,
        threshold: float,
        merge_mean: float | None = None,
    ) -> Clustering[str]:
        """Records into persons (seen.linkage.clustering): automatic links are the pairs at or
        above `threshold`, held back where the records disagree on an identifier
        (seen.linkage.exclusions), as `seen link` makes persons. With `merge_mean` (such as
        seen.linkage.clustering.CLUSTER_MERGE_MEAN), clusters then join by the mean probability
        of their pairs: the benchmark reports that too, but no command uses it. Every record of
        `prepared` appears, alone if it has no such pair. Pairs below `threshold` count towards
        the mean only if `pairs` holds them (predict with a lower threshold)."""
        lefts = pairs.column("record_id_l").to_pylist()
        rights = pairs.column("record_id_r").to_pylist()
        probabilities = pairs.column("match_probability").to_pylist()
        edges = list(zip(lefts, rights, probabilities, strict=True))
        rows = uncorroborated_rows(pairs, threshold) if self.corroboration else []
        weak = [(lefts[i], rights[i]) for i in rows]
        return cluster(
            prepared.column("record_id").to_pylist(),
            edges,
            threshold=threshold,
            identifiers=identifiers_of(prepared),
            exclusions=self.exclusions,
            merge_mean=merge_mean,
            uncorroborated=weak,
        )

    @property
    def corroboration(self) -> bool:
        """Whether an automatic link needs more than a name and a date of birth
        (seen.linkage.exclusions.uncorroborated): where the records carry NHS numbers, as a
        partnership's do. In records without any (FEBRL, the historical figures) every link
        rests on names and dates, and the rule would hold back most of them."""
        return "nhs_number" in self.comparison_names

    @property
    def exclusions(self) -> tuple[Exclusion, ...]:
        """What no score overrides, for the records this model was trained on
        (seen.linkage.exclusions)."""
        return exclusions_for(self.settings)


def uncorroborated_rows(pairs: pa.Table, threshold: float) -> list[int]:
    """Rows at or above `threshold` that seen.linkage.exclusions.uncorroborated holds back,
    computed over the columns at once (the same test: no corroborating weight above 0, one
    below)."""
    import pyarrow.compute as pc

    weights = [
        pc.fill_null(pairs.column(f"mw_{name}"), 0.0)
        for name in CORROBORATING
        if f"mw_{name}" in pairs.column_names
    ]
    if not weights:
        return []
    agree = functools.reduce(pc.or_, [pc.greater(w, 0.0) for w in weights])
    disagree = functools.reduce(pc.or_, [pc.less(w, 0.0) for w in weights])
    held = pc.and_(
        pc.and_(pc.greater_equal(pairs.column("match_probability"), threshold), pc.invert(agree)),
        disagree,
    )
    return pc.indices_nonzero(held).to_pylist()


def identifiers_of(prepared: pa.Table) -> dict[str, dict[str, str | None]]:
    """Each record's values of the exclusions' columns (seen.linkage.exclusions), as text
    (dates as YYYYMMDD)."""
    columns = [c for c in EXCLUSION_COLUMNS if c in prepared.column_names]
    values = [
        [
            v.strftime("%Y%m%d") if hasattr(v, "strftime") else v
            for v in prepared.column(c).to_pylist()
        ]
        for c in columns
    ]
    return {
        record: {c: column[i] for c, column in zip(columns, values, strict=True)}
        for i, record in enumerate(prepared.column("record_id").to_pylist())
    }


def _splink_version() -> str:
    import splink

    return str(splink.__version__)
