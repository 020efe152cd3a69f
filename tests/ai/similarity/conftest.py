"""Fixtures for similarity tests: an organization with a creator, and a model that will not load."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session
from tests.factories import Member, make_creator, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.ai.similarity import embedder as embedder_module
from huntaze.ai.similarity.embedder import Embedder
from huntaze.ai.similarity.service import SimilarityService


@dataclass
class Studio:
    owner: Member
    creator_id: str


@pytest.fixture
def studio(session: Session) -> Studio:
    owner = make_member(session, make_org(session), Role.OWNER)
    return Studio(owner=owner, creator_id=make_creator(session, owner).id)


@pytest.fixture
def broken_model(monkeypatch: pytest.MonkeyPatch) -> SimilarityService:
    """A service whose embedding model fails to load, as when torch is broken or missing."""

    def fail(path: object) -> None:
        raise OSError("libtorch_cpu.so: cannot open shared object file")

    monkeypatch.setattr(embedder_module, "load_sentence_model", fail)
    return SimilarityService(model=Embedder())


@pytest.fixture
def no_model_package(monkeypatch: pytest.MonkeyPatch) -> Embedder:
    """An embedder looking for a model package that is not installed."""
    monkeypatch.setattr(embedder_module, "MODEL_PACKAGE", "no_such_model_package_installed")
    return Embedder()
