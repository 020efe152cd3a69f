"""Fans: one record per fan of a creator's platform account, with their spend and state
(DESIGN.md §5 ``fans/``, §6 "Inbox sync")."""
