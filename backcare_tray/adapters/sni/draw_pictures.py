"""Draw tray pictures into a folder: the helper process that keeps Pillow out of the daemon."""

# Run as `python -m backcare_tray.adapters.sni.draw_pictures FOLDER NAME=KIND:VALUE ...` by
# PictureCache; each picture's files are written atomically, the flat one last.

import sys
from pathlib import Path

from backcare_tray.adapters.sni.picture_cache import parse_look_argument
from backcare_tray.adapters.sni.pictures import scaled_sizes, write_picture
from backcare_tray.art import draw_icon

__all__ = ["main"]


def main(arguments: list[str]) -> int:
    """Draw each picture asked for into the folder; a failure ends with a traceback."""
    folder, *asked = arguments
    for argument in asked:
        name, look = parse_look_argument(argument)
        write_picture(Path(folder), name, scaled_sizes(draw_icon(look)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
