"""Nightly backups into git: the layout, the scrubbing and the repository (see wifiops/engine/backup.py)."""
