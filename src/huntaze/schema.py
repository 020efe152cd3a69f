"""Imports every domain's models so that ``Base.metadata`` describes the whole schema.

Used by Alembic's environment and by the test suite; application code imports models where it
uses them. The modules are those of :data:`huntaze.domains.DOMAINS`.
"""

from __future__ import annotations

from huntaze.core.db import Base
from huntaze.domains import model_modules

MODEL_MODULES = tuple(model_modules())
metadata = Base.metadata
