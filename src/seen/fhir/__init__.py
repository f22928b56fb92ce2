"""The CP-IS-compatible FHIR R4 face: the interactions emergency departments, urgent care and
GP systems already make of CP-IS (CareTeam by NHS number, AuditEvent, metadata), answered from
Seen's flags through the one access decision, with the purpose "unscheduled care"."""
