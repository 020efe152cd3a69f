"""Fixtures of the inbox tests."""

from __future__ import annotations

import pytest

from huntaze.inbox.assistant import assistant


@pytest.fixture(scope="session")
def warm_assistant() -> None:
    """The assistant's model loaded once for the session, so its panel answers at once
    instead of with the "starting" placeholder a cold process shows."""
    assert assistant.ready(wait_s=600)
