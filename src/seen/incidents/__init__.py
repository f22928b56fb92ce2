"""Serious incident notifications, their statutory clock, and the chronology for a rapid review."""
