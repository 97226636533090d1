"""The Shibei demo: illustrative organisations, people and catalog history."""
