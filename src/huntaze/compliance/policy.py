"""Who may override a compliance verdict (DESIGN.md §7).

Policy, decided here once:

* ``allow`` needs no override.
* ``review`` may be overridden (the message sent anyway) by a manager, an admin or the owner.
* ``block`` may be overridden only by an admin or the owner; a manager, a chatter or a viewer
  never may.
* A hit of a rule marked ``overridable: false`` (minors, prohibited content) cannot be
  overridden by anyone: the text must be changed.
"""

from __future__ import annotations

from huntaze.compliance.models import Outcome, Verdict

ROLES = ("owner", "admin", "manager", "chatter", "viewer")
_MAY_OVERRIDE = {
    Outcome.ALLOW: frozenset(ROLES),
    Outcome.REVIEW: frozenset({"owner", "admin", "manager"}),
    Outcome.BLOCK: frozenset({"owner", "admin"}),
}


def can_override(verdict: Verdict, role: str) -> bool:
    """Whether a member with ``role`` may send a message despite ``verdict``."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    if any(not hit.overridable for hit in verdict.hits):
        return False
    return role in _MAY_OVERRIDE[verdict.verdict]
