"""museumshare's settings with the benchmarks' app added, for `python -m bench`.

The app only brings the `bench` and `generate_benchmark_data` commands: it has no models, pages or
URLs, so the site it runs is the one museumshare's own settings describe.
"""

from museumshare.settings import *  # noqa: F403
from museumshare.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
