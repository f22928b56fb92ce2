"""Seen: a multi-agency safeguarding hub for babies from pre-birth to age one."""

__version__ = "0.1.0"
