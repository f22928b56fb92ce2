"""The audit log: every read and write of personal data, append-only and hash-chained
(`log.record`, `log.verify`), and the reports read from it (`reports.who_looked`,
`reports.subject_access`). See docs/audit.md."""
