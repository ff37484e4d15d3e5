"""Draw step pictures into a folder: the helper process that keeps Pillow out of the daemon."""

# Run as `python -P -m backcare_tray.adapters.draw_step_pictures FOLDER ID:STEP:SIDE:SIZE ...`
# by StepPictures; each file is written atomically, so a picture on disk is always whole.

import io
import sys
from pathlib import Path

from backcare_tray.adapters.state_file import write_atomically
from backcare_tray.adapters.step_pictures import parse_picture_argument
from backcare_tray.figure import draw_step

__all__ = ["main"]


def main(arguments: list[str]) -> int:
    """Draw each picture asked for into the folder; a failure ends with a traceback."""
    folder, *asked = arguments
    for argument in asked:
        picture = parse_picture_argument(argument)
        image = draw_step(picture.exercise_id, picture.step, picture.side_index, picture.size)
        data = io.BytesIO()
        image.save(data, format="PNG")
        write_atomically(Path(folder) / picture.file_name, data.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
