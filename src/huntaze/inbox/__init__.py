"""The inbox: chat messages and statement entries synced from each platform account, and the sync
that brings them in (DESIGN.md §5 ``inbox/``, §6 "Inbox sync")."""
