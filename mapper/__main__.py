"""``python -m mapper``: the command line (:func:`mapper.cli.main`)."""

import sys

from mapper.cli import main

if __name__ == "__main__":
    sys.exit(main())
