"""backcare-tray: a tray daemon that reminds people at a desk to stretch their back."""

__version__ = "0.1.0"
