"""Helpers the tests share: desktops, buses, services, waiting, running the daemon."""
