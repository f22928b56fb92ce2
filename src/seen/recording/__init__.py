"""Facts written in Seen itself on a practitioner's behalf: who wrote them (`authoring`), a
contact, assessment, "was not brought" or injury (`facts`; its field checks in `validation`, the
procedure's prompt it gives in `prompts`), plans, programme events and conferences (`plans`).
Each checks the one access decision, writes through the fact models, then has the rules evaluate
the child's family at once."""
