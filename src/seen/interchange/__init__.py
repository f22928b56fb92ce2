"""The national formats agencies already speak, read into Seen through its one ingest: a local
authority's Children in Need census return (DfE XML, `cin_census`) and the Standard Safeguarding
Dataset's tables (`ssd`), each turned into an extract v1 folder (seen.ingest.schema) and loaded
by seen.ingest.loader.ingest_extract, so identity, rules and access treat them as any other
extract. Faults of the format (a child without an id, dates out of order) are named per child
and the child quarantined whole (`outcome.Fault`)."""
