"""The burden dashboard (减负看板): what the catalog asks of a community, edition against edition,
and what communities actually receive, month by month (docs/burden.md)."""
