"""A pytest plugin, loaded before Django is set up (pyproject: `addopts = -p
communitygate.pytest_demo`): the test suite runs as a demo installation, so the demo app, its
`seed_demo` command and its tests are there however pytest is started."""

import os

os.environ["COMMUNITYGATE_DEMO"] = "1"
