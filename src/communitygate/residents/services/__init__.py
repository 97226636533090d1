"""Writes of the residents' platform, one module per sub-domain: registry, importing, matters,
disputes, programmes, visits."""
