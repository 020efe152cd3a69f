"""Content: the vault of a creator's media (DESIGN.md §5 ``content/``, §6 "Content pipeline")."""
