"""The StatusNotifierItem tray backend: pystray icons shown over D-Bus, without GTK."""
