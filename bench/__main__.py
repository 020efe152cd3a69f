"""``make bench``: run every benchmark module in turn; each writes its own report section."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    """Run each ``bench.<name>`` module's ``main()``."""
    folder = str(Path(__file__).parent)
    names = sorted(
        m.name
        for m in pkgutil.iter_modules([folder])
        if m.name not in {"report", "__main__"} and not m.name.startswith("_")  # _x: helpers
    )
    for name in names:
        print(f"== bench.{name}")
        module = importlib.import_module(f"bench.{name}")
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
