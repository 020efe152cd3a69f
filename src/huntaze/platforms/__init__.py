"""Platform connectors: how Huntaze reads from and acts on a creator's fan-platform account."""
