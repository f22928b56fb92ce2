"""The figures of `seen bench linkage` as lines of text, one block per dataset (the JSON is the
results themselves)."""

from __future__ import annotations

from typing import Any

from seen.linkage.clustering import CLUSTER_MERGE_MEAN
from seen.linkage.model import Bands


def _fmt(scores: dict[str, Any]) -> str:
    return f"P {scores['precision']:.4f}  R {scores['recall']:.4f}  F1 {scores['f1']:.4f}"


def report_lines(results: dict[str, Any], options: dict[str, Any]) -> list[str]:
    bands = Bands(options["auto_link"], options["review"])
    lines = [
        f"bands: auto-link >= {bands.auto_link}, review >= {bands.review} (match probability)",
        "pairwise: scored pairs vs every true pair; clustered: pairs inside clusters "
        "(seen.linkage.clustering, as seen link makes persons) vs every true pair; "
        "B-cubed alongside",
    ]
    for name, r in results.items():
        lines.append("")
        if "error" in r:
            lines.append(f"== {name}: FAILED: {r['error']}")
            continue
        seconds = r["seconds"]
        head = f"== {name}: {r['records']:,} records"
        if "births" in r:
            head += f" ({r['births']:,} births)"
        if "people" in r:
            head += f" ({r['people']:,} people)"
        lines.append(head + f"; {r['true_pairs']:,} true pairs; {r['scored_pairs']:,} scored")
        lines.append(f"   {r['notes']}")
        lines.append(
            f"   time: end to end {seconds['end_to_end']:.1f} s (prepare {seconds['prepare']:.1f}"
            f", train {seconds['train']:.1f}, predict {seconds['predict']:.1f}, cluster "
            f"{seconds['cluster']:.1f}); peak memory {r['peak_rss_mb']:,} MB"
        )
        lines.append(f"   pairwise, auto-link          {_fmt(r['pairwise_auto_link'])}")
        lines.append(f"   pairwise, auto-link + review {_fmt(r['pairwise_auto_or_review'])}")
        best = r["best_pairwise_f1"]
        lines.append(f"   pairwise, best threshold {best['threshold']:<5}  {_fmt(best)}")
        lines.append(f"   clustered, auto-link          {_fmt(r['clustered_auto_link'])}")
        lines.append(f"   clustered, auto-link + review {_fmt(r['clustered_auto_or_review'])}")
        if "best_clustered_f1" in r:
            best = r["best_clustered_f1"]
            lines.append(f"   clustered, best threshold {best['threshold']:<5} {_fmt(best)}")
        lines.append(f"   B-cubed, auto-link            {_fmt(r['bcubed_auto_link'])}")
        lines.append(
            f"   clustered, auto-link then merged by mean probability {CLUSTER_MERGE_MEAN} "
            f"(not used by seen link) {_fmt(r['clustered_merge_by_mean'])}"
        )
        queue = f"   automatic links held back for review: {r['held_back']:,}; review queue: "
        queue += f"{r['review_queue']:,} pairs of persons"
        if "births" in r:
            queue += f" ({1000 * r['review_queue'] / r['births']:.0f} per 1,000 births)"
        lines.append(queue)
        if "auto_persons_joining_people" in r:
            joins = (
                f"   auto-linked persons joining two or more people: "
                f"{r['auto_persons_joining_people']:,}"
            )
            if "auto_persons_two_nhs_numbers" in r:
                joins += f"; holding two NHS numbers: {r['auto_persons_two_nhs_numbers']:,}"
            if "auto_persons_dobs_apart" in r:
                joins += (
                    f"; dates of birth more than a year apart (not a slip): "
                    f"{r['auto_persons_dobs_apart']:,}"
                )
            lines.append(joins)
        if "baseline" in r:
            b = r["baseline"]
            lines.append(f"   baseline ({b['model']}), {b['seconds']:.1f} s:")
            lines.append(f"     pairwise, auto-link        {_fmt(b['pairwise_auto_link'])}")
            lines.append(
                f"     pairwise, best threshold {b['best_pairwise_f1']['threshold']:<5}"
                f" {_fmt(b['best_pairwise_f1'])}"
            )
            lines.append(f"     clustered, auto-link       {_fmt(b['clustered_auto_link'])}")
            if "best_clustered_f1" in b:
                best = b["best_clustered_f1"]
                lines.append(f"     clustered, best threshold {best['threshold']:<5}{_fmt(best)}")
            lines.append(f"     B-cubed, auto-link         {_fmt(b['bcubed_auto_link'])}")
        for key in [k for k in r if k.startswith("by ")]:
            lines.append(
                f"   {key} (pairwise recall auto, auto+review | pairwise precision auto | "
                "clustered F1 auto | B-cubed F1 auto):"
            )
            width = max(10, *(len(g) for g in r[key]["auto_link"]))
            for group, entry in r[key]["auto_link"].items():
                review = r[key]["auto_or_review"][group]
                lines.append(
                    f"     {group:<{width}} records {entry['records']:>8,}  "
                    f"R {entry['pairwise']['recall']:.4f}, {review['pairwise']['recall']:.4f}"
                    f" | P {entry['pairwise']['precision']:.4f}"
                    f" | cF1 {entry['clustered']['f1']:.4f} | b3F1 {entry['bcubed']['f1']:.4f}"
                )
    return lines
