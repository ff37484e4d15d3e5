"""The coach window: a guided stretch shown step by step in its own small Tk process."""

# The daemon starts `python -P -m backcare_tray.coach --runtime DIR --state DIR` and writes
# one JSON message a line on its stdin (adapters/coach.py); the window counts down by itself
# and sends the buttons' commands over the control channel. Only window.py imports tkinter,
# and only this process loads it: the daemon never does.
