"""`python -m bench COMMAND`: museumshare's management commands with the benchmarks' own added.

Run from the repository (`python -m` puts it on the path): the benchmarks are not part of the
installed package, so the `museumshare` command does not know them.
"""

import os
import sys


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line(["python -m bench", *sys.argv[1:]])


if __name__ == "__main__":
    main()
