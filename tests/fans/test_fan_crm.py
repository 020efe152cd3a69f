"""The fan CRM service: the list's filters and sorts, saved views, a fan's timeline and scores
from their stored history, notes (pinned by managers only), tags and custom fields."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session
from tests.factories import make_member, make_org
from tests.fans.helpers import seed_fans
from tests.outbox.helpers import Agency, make_agency

from huntaze.accounts.permissions import Role
from huntaze.core.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from huntaze.fans.crm import MAX_TAGS_PER_FAN, crm
from huntaze.fans.models import Fan
from huntaze.fans.schemas import FanListFilter, FieldIn, NoteIn, SavedViewIn, TagIn


@pytest.fixture
def agency(session: Session) -> Agency:
    return make_agency(session)


@pytest.fixture
def world(session: Session, agency: Agency) -> dict[str, Fan]:
    return seed_fans(session, agency)


def _names(session: Session, agency: Agency, **filters: object) -> list[str]:
    listing = crm.browse(session, agency.chatter.actor, FanListFilter.model_validate(filters))
    return [f.username for f in listing.fans]


def test_the_list_filters_searches_and_sorts(
    session: Session, agency: Agency, world: dict[str, Fan]
) -> None:
    assert sorted(_names(session, agency)) == ["leo", "mia_k", "zoe_100%"]
    assert _names(session, agency, state="expired") == ["zoe_100%"]
    assert _names(session, agency, new="1") == ["mia_k"]
    assert _names(session, agency, spend="over_1000") == []
    assert _names(session, agency, spend="50_200") == ["leo"]
    assert _names(session, agency, spend="none") == ["mia_k"]
    assert _names(session, agency, q="LE") == ["leo"]
    # "%" and "_" are searched as themselves, not as wildcards
    assert _names(session, agency, q="100%") == ["zoe_100%"]
    assert sorted(_names(session, agency, q="_")) == ["mia_k", "zoe_100%"]
    assert _names(session, agency, sort="spend") == ["leo", "zoe_100%", "mia_k"]
    assert _names(session, agency, sort="name") == ["leo", "mia_k", "zoe_100%"]
    assert _names(session, agency, creator=world["leo"].creator_id, sort="newest")[0] == "mia_k"
    crm.add_tag(session, agency.chatter.actor, world["leo"], TagIn(tag="Whale"))
    assert _names(session, agency, tag="whale") == ["leo"]
    listing = crm.browse(session, agency.chatter.actor, FanListFilter(page=2))
    assert listing.fans == [] and listing.total == 3 and listing.pages == 1


def test_saved_views_are_per_person_and_replace_by_name(
    session: Session, agency: Agency, world: dict[str, Fan]
) -> None:
    actor = agency.chatter.actor
    filters = FanListFilter(state="active", spend="50_200", sort="spend")
    view = crm.save_view(session, actor, SavedViewIn(name="Good payers"), filters)
    assert view.query == "state=active&spend=50_200&sort=spend"
    crm.save_view(session, actor, SavedViewIn(name="Good payers"), FanListFilter(new=True))
    assert [(v.name, v.query) for v in crm.views(session, actor)] == [("Good payers", "new=1")]
    assert crm.views(session, agency.manager.actor) == []
    with pytest.raises(InvalidInputError):
        crm.save_view(session, actor, SavedViewIn(name="All"), FanListFilter())
    with pytest.raises(NotFoundError):
        crm.delete_view(session, agency.manager.actor, view.id)
    crm.delete_view(session, actor, view.id)
    assert crm.views(session, actor) == []


def test_the_profile_reads_the_whole_history_into_timeline_and_scores(
    session: Session, agency: Agency, world: dict[str, Fan]
) -> None:
    leo = world["leo"]
    profile = crm.profile(session, agency.chatter.actor, leo)
    kinds = [(e.source, e.kind) for e in profile.timeline]
    assert ("message", "inbound") in kinds and ("message", "outbound") in kinds
    assert ("purchase", "ppv") in kinds and ("purchase", "subscription") in kinds
    assert ("subscription", "fan.subscribed") in kinds
    assert profile.timeline_total == len(profile.timeline) == 7
    assert profile.timeline[0].at >= profile.timeline[-1].at
    assert profile.activity.renewals == 2 and profile.activity.ppv_offered == 1
    scores = {s.key: s for s in profile.scores}
    assert scores["ppv_buy_rate"].shown == "100%"
    assert scores["lifetime_value"].value is not None
    assert scores["lifetime_value"].value > leo.total_spent_cents
    assert any("Renewed 2 times" in f.label for f in scores["churn_risk"].factors)
    second = crm.profile(session, agency.chatter.actor, leo, page=2)
    assert second.timeline == [] and second.timeline_page == 2


def test_notes_pinned_by_managers_free_notes_by_anyone_who_works_the_fan(
    session: Session, agency: Agency, world: dict[str, Fan]
) -> None:
    mia = world["mia_k"]
    with pytest.raises(PermissionDeniedError):
        crm.save_pinned(session, agency.chatter.actor, mia, NoteIn(text="Likes: beach"))
    crm.save_pinned(session, agency.manager.actor, mia, NoteIn(text="Likes: beach"))
    crm.save_pinned(session, agency.manager.actor, mia, NoteIn(text="Likes: beach, cats"))
    note = crm.add_note(session, agency.chatter.actor, mia, NoteIn(text="  asked about Friday "))
    assert note.text == "asked about Friday"
    profile = crm.profile(session, agency.chatter.actor, mia)
    assert profile.pinned is not None and profile.pinned.text == "Likes: beach, cats"
    assert [n.text for n in profile.free_notes] == ["asked about Friday"]
    other_chatter = make_member(session, agency.owner.organization, Role.CHATTER)
    with pytest.raises(PermissionDeniedError):
        crm.delete_note(session, other_chatter.actor, mia, note.id)
    with pytest.raises(PermissionDeniedError):
        crm.delete_note(session, agency.chatter.actor, mia, profile.pinned.id)
    crm.delete_note(session, agency.chatter.actor, mia, note.id)
    viewer = make_member(session, agency.owner.organization, Role.VIEWER)
    with pytest.raises(PermissionDeniedError):
        crm.add_note(session, viewer.actor, mia, NoteIn(text="hi"))


def test_tags_and_fields_with_their_limits(
    session: Session, agency: Agency, world: dict[str, Fan]
) -> None:
    leo, actor = world["leo"], agency.chatter.actor
    crm.add_tag(session, actor, leo, TagIn(tag="Whale"))
    crm.add_tag(session, actor, leo, TagIn(tag="whale "))
    assert crm.profile(session, actor, leo).tags == ["whale"]
    for n in range(MAX_TAGS_PER_FAN - 1):
        crm.add_tag(session, actor, leo, TagIn(tag=f"t{n}"))
    with pytest.raises(InvalidInputError):
        crm.add_tag(session, actor, leo, TagIn(tag="one-too-many"))
    crm.remove_tag(session, actor, leo, "WHALE")
    with pytest.raises(NotFoundError):
        crm.remove_tag(session, actor, leo, "whale")
    crm.set_field(session, actor, leo, FieldIn(key="birthday", value="12 March"))
    crm.set_field(session, actor, leo, FieldIn(key="birthday", value="14 March"))
    assert [(f.key, f.value) for f in crm.profile(session, actor, leo).fields] == [
        ("birthday", "14 March")
    ]
    crm.remove_field(session, actor, leo, "birthday")
    with pytest.raises(NotFoundError):
        crm.remove_field(session, actor, leo, "birthday")


def test_another_organization_sees_none_of_it(
    session: Session, agency: Agency, world: dict[str, Fan]
) -> None:
    crm.add_tag(session, agency.chatter.actor, world["leo"], TagIn(tag="whale"))
    stranger = make_member(session, make_org(session), Role.OWNER)
    listing = crm.browse(session, stranger.actor, FanListFilter())
    assert listing.total == 0
    assert crm.all_tags(session, stranger.actor) == []
    with pytest.raises(NotFoundError):
        crm.remove_tag(session, stranger.actor, world["leo"], "whale")
