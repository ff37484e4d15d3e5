"""A stretch as one printable sheet: name, dose, each step beside its picture, the safety note."""

# Pillow, imported only by the command line (`backcare-tray show ID --sheet FILE.png`). The
# page is A4 at 150 dpi; a stretch with many long steps makes it taller rather than cramped.

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from backcare_tray.adapters.state_file import write_atomically
from backcare_tray.art import AMBER, TRACK, WHITE, Colour
from backcare_tray.exercises import Exercise
from backcare_tray.figure import TEAL, draw_step
from backcare_tray.i18n import _
from backcare_tray.poses import STEP_POSES
from backcare_tray.wording import dose

__all__ = ["PAGE", "sheet_image", "wrap", "write_sheet"]

PAGE = (1240, 1754)  # A4 at 150 dpi
MARGIN = 90
GAP = 26  # between two steps
PICTURE_MOST = 300  # a step's picture, at most, in pixels
INK: Colour = (34, 40, 44, 255)
PAPER: Colour = (255, 255, 255, 255)
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _font(size: float) -> Font:
    """Return Pillow's own scalable font at a size."""
    return ImageFont.load_default(size)


def wrap(text: str, font: Font, width: float) -> list[str]:
    """Return text broken into lines no wider than width (a longer word gets its own line)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if line and font.getlength(trial) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


def _step_picture(exercise: Exercise, step: int, size: int) -> Image.Image | None:
    """Return a step's picture at most size square: the stretch's own file, or the drawn one."""
    if exercise.pictures:
        try:
            with Image.open(exercise.pictures[step]) as source:
                image = source.convert("RGBA")
        except OSError:
            return None  # a file gone since the config was read: the step keeps its text
        image.thumbnail((size, size), Image.Resampling.LANCZOS)
        return image
    if step >= len(STEP_POSES.get(exercise.id, ())):
        return None
    return draw_step(exercise.id, step, 0 if exercise.sides else None, size)


class _Page:
    """Text and pictures laid out from the top of a page, growing it if they run past the end."""

    def __init__(self) -> None:
        self.image = Image.new("RGBA", PAGE, PAPER)
        self.y = 0.0

    def grow(self, bottom: float) -> None:
        """Make the page at least bottom pixels tall."""
        if bottom > self.image.height:
            taller = Image.new("RGBA", (PAGE[0], round(bottom)), PAPER)
            taller.paste(self.image, (0, 0))
            self.image = taller

    def lines(self, lines: list[str], x: float, font: Font, colour: Colour, y: float) -> float:
        """Write lines from y down; return the y below them."""
        height = font.size * 1.3 if isinstance(font, ImageFont.FreeTypeFont) else 14
        self.grow(y + height * len(lines) + MARGIN)
        draw = ImageDraw.Draw(self.image)
        for line in lines:
            draw.text((x, y), line, fill=colour, font=font)
            y += height
        return y


def _header(page: _Page, exercise: Exercise) -> None:
    """Draw the teal band with the stretch's name, then its summary and dose."""
    width = PAGE[0] - 2 * MARGIN
    title = _font(62)
    name_lines = wrap(exercise.name, title, width)
    band = MARGIN / 2 + len(name_lines) * 62 * 1.3 + MARGIN / 2
    ImageDraw.Draw(page.image).rectangle((0, 0, PAGE[0], band), fill=TEAL)
    page.lines(name_lines, MARGIN, title, WHITE, MARGIN / 2)
    y = page.lines(wrap(exercise.summary, _font(34), width), MARGIN, _font(34), INK, band + 40)
    if exercise.equipment and exercise.equipment != "none":
        # Translators: the sheet's dose line ("Hold 30 s, 3 times each side") and the equipment
        text = _("{dose}.  You need: {equipment}.")
        dose_line = text.format(dose=dose(exercise), equipment=exercise.equipment)
    else:
        # Translators: the sheet's dose line, e.g. "Hold 30 s, 3 times each side."
        dose_line = _("{dose}.").format(dose=dose(exercise))
    y = page.lines(wrap(dose_line, _font(32), width), MARGIN, _font(32), TEAL, y + 8)
    if len(exercise.sides) == 2 and not exercise.pictures:
        first, second = exercise.sides
        # Translators: the sides of the stretch, e.g. "Pictured for the left leg (L); the right
        # leg is done the same way." (L) marks the side the pictures show
        text = _("Pictured for the {first} (L); the {second} is done the same way.")
        shown = text.format(first=first, second=second)
        y = page.lines(wrap(shown, _font(28), width), MARGIN, _font(28), INK, y + 4)
    page.y = y + 30


def _steps(page: _Page, exercise: Exercise) -> None:
    """Draw each numbered step, its picture on the left and its text beside it."""
    count = len(exercise.steps)
    room = PAGE[1] - page.y - MARGIN - 190  # what the safety note leaves
    picture_size = max(120, min(PICTURE_MOST, round(room / max(count, 1)) - GAP))
    text_font, number_font = _font(33), _font(34)
    for index, text in enumerate(exercise.steps):
        picture = _step_picture(exercise, index, picture_size)
        left = MARGIN
        if picture is not None:
            page.grow(page.y + picture_size + MARGIN)
            page.image.alpha_composite(picture, (MARGIN, round(page.y)))
            left = MARGIN + picture_size + 36
        disc = 56
        draw = ImageDraw.Draw(page.image)
        draw.ellipse((left, page.y, left + disc, page.y + disc), fill=TEAL)
        centre = (left + disc / 2, page.y + disc / 2)
        draw.text(centre, str(index + 1), fill=WHITE, font=number_font, anchor="mm")
        x = left + disc + 22
        lines = wrap(text, text_font, PAGE[0] - MARGIN - x)
        bottom = page.lines(lines, x, text_font, INK, page.y + 8)
        page.y = max(bottom, page.y + (picture_size if picture is not None else disc)) + GAP


def _safety(page: _Page, exercise: Exercise) -> None:
    """Draw the safety note beside an amber bar."""
    if not exercise.safety:
        return
    font = _font(32)
    x = MARGIN + 34
    # Translators: before the stretch's safety note on the printable sheet
    careful = _("Careful: {safety}").format(safety=exercise.safety)
    lines = wrap(careful, font, PAGE[0] - MARGIN - x)
    top = page.y + 10
    bottom = page.lines(lines, x, font, INK, top + 12)
    ImageDraw.Draw(page.image).rounded_rectangle(
        (MARGIN, top, MARGIN + 12, bottom + 4), radius=6, fill=AMBER
    )
    page.y = bottom + GAP


def sheet_image(exercise: Exercise) -> Image.Image:
    """Return a stretch's printable sheet as an RGBA image (A4 at 150 dpi, or taller)."""
    page = _Page()
    _header(page, exercise)
    _steps(page, exercise)
    _safety(page, exercise)
    page.grow(page.y + MARGIN)
    y = page.image.height - MARGIN / 2
    ImageDraw.Draw(page.image).text(
        (MARGIN, y), "backcare-tray", fill=TRACK, font=_font(24), anchor="ls"
    )
    return page.image


def write_sheet(exercise: Exercise, destination: Path) -> None:
    """Write a stretch's sheet as a PNG file, atomically; OSError naming the file if it cannot."""
    data = io.BytesIO()
    sheet_image(exercise).save(data, format="PNG", dpi=(150, 150))
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(destination, data.getvalue())
    except OSError as error:
        reason = error.strerror or str(error)
        message = _("cannot write the sheet to {path}: {reason}")
        raise OSError(message.format(path=destination, reason=reason)) from error
