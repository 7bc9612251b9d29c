"""The benchmarks' tests share the package's fixtures and cast (museumshare/conftest.py): pytest
looks for a conftest only in a test's own folders, and the benchmarks live beside the package."""

from museumshare.conftest import (  # noqa: F401
    analyst,
    cast,
    fresh_cache,
    indicator_catalogue,
    pytest_configure,
    register,
)
