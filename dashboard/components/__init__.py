"""Pieces of pages that are more than glue: the Log form, the Review summary, flash messages."""
