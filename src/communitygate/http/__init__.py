"""Request handling every app's pages share (depends on `core` only): domain errors answered as
pages (`errors`), a workflow step run from a page (`steps`), no-store by URL (`nostore`), what a
page does with its input and its answers (`pages`) and form widgets (`widgets`)."""
