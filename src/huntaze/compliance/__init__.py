"""Compliance engine: rules as data, normalization, detectors, verdicts (DESIGN.md §7).

Other domains call ``huntaze.compliance.service.compliance``: ``check(session, org=...,
creator_id=..., text=..., direction=..., delivery=...)`` and, in the sender,
``check_before_send(...)``. The bare checker (``checker.py``) is this domain's own.
"""
