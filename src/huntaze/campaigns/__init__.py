"""Campaigns: saved segments of fans, mass messages and PPV offers sent through the outbox in
paced batches, with a hold-out group (DESIGN.md §6 "Campaign")."""
