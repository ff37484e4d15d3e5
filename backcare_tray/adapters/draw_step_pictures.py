"""Draw step pictures into a folder: the helper process that keeps Pillow out of the daemon."""

# StepPictures runs `python -P -m backcare_tray.adapters.draw_step_pictures FOLDER PICTURE ...`,
# each PICTURE ID:STEP:SIDE:SIZE (a step), look:KIND:SIZE (a tray look) or icon:ico (the
# application icon as a Windows .ico); each file is written atomically, so a picture on disk is
# always whole.

import io
import sys
from pathlib import Path

from backcare_tray.adapters.state_file import write_atomically
from backcare_tray.adapters.step_pictures import (
    ICON_ARGUMENT,
    ICON_FILE,
    parse_look_argument,
    parse_picture_argument,
)
from backcare_tray.art import app_icon_ico, draw_icon
from backcare_tray.figure import draw_step
from backcare_tray.view import IconLook

__all__ = ["main"]


def main(arguments: list[str]) -> int:
    """Draw each picture asked for into the folder; a failure ends with a traceback."""
    folder, *asked = arguments
    for argument in asked:
        if argument == ICON_ARGUMENT:
            write_atomically(Path(folder) / ICON_FILE, app_icon_ico())
            continue
        look = parse_look_argument(argument)
        if look is not None:
            image = draw_icon(IconLook(look.kind), look.size)
            name = look.file_name
        else:
            picture = parse_picture_argument(argument)
            image = draw_step(picture.exercise_id, picture.step, picture.side_index, picture.size)
            name = picture.file_name
        data = io.BytesIO()
        image.save(data, format="PNG")
        write_atomically(Path(folder) / name, data.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
