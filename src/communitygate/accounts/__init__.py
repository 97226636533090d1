"""People, their memberships and roles, API tokens, and the access helpers every app uses."""
