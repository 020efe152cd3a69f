"""``huntaze`` with the test's probe task declared: ``python -m tests.platforms.browser.probe_worker
browser-worker …`` runs the real browser worker, which then also consumes
:func:`tests.platforms.browser.probe_tasks.run_connector_action`."""

from __future__ import annotations

import tests.platforms.browser.probe_tasks  # noqa: F401  (declares the probe task)

from huntaze.cli import main

if __name__ == "__main__":
    main()
