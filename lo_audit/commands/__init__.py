"""One module per CLI verb; each has ``run(args) -> int`` (``lo_audit.cli`` imports the one it runs)."""
