"""Forms of the residents' platform, one module per sub-domain."""
