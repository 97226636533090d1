"""The supervision pages (督查): the workspace and the violations register (violations), the
inspections and each community's wall (inspections), notices and correction orders inside the
platform (notices), and the public's notices and scorecard (public).

Views parse input, fetch through the access helpers, call one service or selector, and render."""
