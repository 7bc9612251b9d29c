"""The environment the test suite runs in, set before pytest-django reads the settings.

Loaded by `-p museumshare.pytest_env` in pyproject.toml's addopts, so that a plain `pytest` works
with nothing set: DEBUG is off by default, and with DEBUG off the settings require a SECRET_KEY.
The tests run as a developer's machine would (pytest-django still turns DEBUG off for each test).
"""

import os

os.environ.setdefault("DEBUG", "true")
