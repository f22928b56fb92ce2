"""MASH triage: the checks across agencies and areas, and the decision (being built)."""
