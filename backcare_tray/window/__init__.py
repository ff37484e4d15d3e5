"""The application window: settings, progress and the stretch library, in its own Tk process."""

# The daemon (adapters/app_window.py) or the command line starts
# `python -P -m backcare_tray.window PAGE --config FILE [--runtime DIR] [--follow-stdin]`.
# Only this process imports tkinter (and Pillow, for the stretch library's pictures); it
# reads the config and the history itself and asks the daemon to reload over the control
# channel, as the command line does.
