"""Thematic reviews: candidate cases, the case dataset, headline tables and report, engagement
meetings, theme coding."""
