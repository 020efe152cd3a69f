"""Imports every domain's models so that ``Base.metadata`` describes the whole schema.

Used by Alembic's environment and by the test suite; application code imports models where it
uses them.
"""

from __future__ import annotations

from huntaze.accounts import models as accounts_models
from huntaze.ai import records as ai_records
from huntaze.ai.similarity import records as ai_similarity_records
from huntaze.compliance import records as compliance_records
from huntaze.core.db import Base
from huntaze.creators import models as creators_models
from huntaze.outbox import models as outbox_models

MODEL_MODULES = (
    accounts_models,
    creators_models,
    outbox_models,
    compliance_records,
    ai_records,
    ai_similarity_records,
)
metadata = Base.metadata
