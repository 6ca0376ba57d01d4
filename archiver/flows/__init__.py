"""The flows: what each command does, read top to bottom (archive, run, recheck, watch)."""
