"""Draw a step of a built-in stretch with Pillow: the figure on its ball beside the desk."""

# The tray icon's style: flat colours on a teal ground, white shapes, amber for what matters,
# thick strokes with round ends. Only helper processes and the command line import this module
# (Pillow costs the daemon about 4 MiB). The scene is drawn four times larger and scaled down,
# so the edges are smooth; the right side's picture is the left one's exact mirror image, with
# its own badge ("L" or "R") drawn on afterwards in the corner away from the desk.

from functools import cache

from PIL import Image, ImageDraw, ImageFont

from backcare_tray.art import AMBER, DISC, TRACK, WHITE, Colour
from backcare_tray.poses import (
    BALL_CENTRE,
    BALL_RADIUS,
    DESK_EDGE_X,
    DESK_THICKNESS,
    DESK_TOP_Y,
    FLOOR_Y,
    HEAD_RADIUS,
    POSES,
    STEP_POSES,
    Area,
    Leg,
    Point,
    Pose,
    between,
)

__all__ = [
    "BADGE_BOX",
    "GROUND",
    "HOT",
    "PARTS",
    "SIDE_LETTERS",
    "TEAL",
    "draw_between",
    "draw_pose",
    "draw_step",
    "pose_of",
]

TEAL: Colour = (38, 132, 140, 255)  # the icon's disc
GROUND: Colour = (27, 104, 111, 255)  # the floor, a shade under the wall
FAR: Colour = (178, 218, 222, 255)  # the limbs on the far side, behind the body
BALL: Colour = DISC["snoozed"]
BALL_SHINE: Colour = (120, 128, 226, 255)
HOT: Colour = DISC["due"]  # where a sided stretch is felt, on the amber leg
SIDE_LETTERS = ("L", "R")
# The badge's square in the top corner, as shares of the picture: left for "L"; "R" is
# drawn in the mirrored corner, so the rest of the picture is an exact mirror image.
BADGE_BOX = (0.03, 0.03, 0.25, 0.25)
SCALE = 4  # drawn this many times larger, then scaled down
# The parts each area marks: which thigh or shin, the hip's joint, a band across the belly.
PARTS: dict[Area, frozenset[str]] = {
    "hamstring": frozenset({"near thigh"}),
    "calf": frozenset({"near shin"}),
    "hip flexor": frozenset({"near thigh", "hip"}),
    "thighs": frozenset({"near thigh", "far thigh"}),
    "stomach": frozenset({"belly"}),
}

# Stroke widths as shares of the picture.
TORSO_WIDTH, THIGH_WIDTH, SHIN_WIDTH, FOOT_WIDTH = 0.1, 0.075, 0.062, 0.046
UPPER_ARM_WIDTH, FOREARM_WIDTH, NECK_WIDTH, ARROW_WIDTH = 0.052, 0.046, 0.045, 0.03


class _Canvas:
    """A square drawing surface addressed in the poses' unit box."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image)

    def at(self, point: Point) -> tuple[float, float]:
        """Return a unit-box point in pixels."""
        return (point[0] * self.size, point[1] * self.size)

    def stroke(self, points: list[Point], width: float, colour: Colour) -> None:
        """Draw a thick line through points with round ends and joints."""
        pixels = [self.at(p) for p in points]
        thick = width * self.size
        self.draw.line(pixels, fill=colour, width=round(thick), joint="curve")
        for x, y in (pixels[0], pixels[-1]):
            r = thick / 2
            self.draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)

    def disc(self, centre: Point, radius: float, colour: Colour) -> None:
        """Draw a filled circle."""
        x, y = self.at(centre)
        r = radius * self.size
        self.draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _scene(canvas: _Canvas) -> None:
    """Draw the wall, the floor and the desk's edge."""
    size = canvas.size
    canvas.draw.rectangle((0, 0, size, size), fill=TEAL)
    canvas.draw.rectangle((0, FLOOR_Y * size, size, size), fill=GROUND)
    top, bottom = DESK_TOP_Y * size, (DESK_TOP_Y + DESK_THICKNESS) * size
    radius = DESK_THICKNESS * size / 2
    canvas.draw.rounded_rectangle(
        (DESK_EDGE_X * size, top, size * 1.2, bottom), radius=radius, fill=TRACK
    )
    canvas.stroke([(0.955, DESK_TOP_Y + 0.03), (0.955, FLOOR_Y)], 0.03, TRACK)


def _ball(canvas: _Canvas) -> None:
    """Draw the exercise ball with a light crescent of shine."""
    canvas.disc(BALL_CENTRE, BALL_RADIUS, BALL)
    x, y = canvas.at(BALL_CENTRE)
    r = BALL_RADIUS * canvas.size * 0.78
    width = round(BALL_RADIUS * canvas.size * 0.12)
    canvas.draw.arc((x - r, y - r, x + r, y + r), 200, 250, fill=BALL_SHINE, width=width)


def _leg(
    canvas: _Canvas,
    hip: Point,
    leg: Leg,
    colour: Colour,
    thigh: Colour | None = None,
    shin: Colour | None = None,
) -> None:
    """Draw a leg: foot, shin and thigh; the thigh or the shin in another colour if given."""
    canvas.stroke([leg.heel, leg.toe], FOOT_WIDTH, colour)
    canvas.stroke([leg.knee, leg.ankle], SHIN_WIDTH, shin or colour)
    canvas.stroke([hip, leg.knee], THIGH_WIDTH, thigh or colour)


def _mid(a: Point, b: Point, t: float) -> Point:
    """Return the point t of the way from a to b."""
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _arm(canvas: _Canvas, shoulder: Point, elbow: Point, hand: Point, colour: Colour) -> None:
    """Draw an arm: upper arm, forearm and a round hand."""
    canvas.stroke([shoulder, elbow], UPPER_ARM_WIDTH, colour)
    canvas.stroke([elbow, hand], FOREARM_WIDTH, colour)
    canvas.disc(hand, FOREARM_WIDTH * 0.62, colour)


def _belt(canvas: _Canvas, pose: Pose) -> None:
    """Draw a band across the belly: the stomach muscles braced."""
    centre = _mid(pose.hip, pose.shoulder, 0.33)
    dx, dy = pose.shoulder[0] - pose.hip[0], pose.shoulder[1] - pose.hip[1]
    length = (dx * dx + dy * dy) ** 0.5
    across = (-dy / length * TORSO_WIDTH * 0.75, dx / length * TORSO_WIDTH * 0.75)
    ends = [
        (centre[0] - across[0], centre[1] - across[1]),
        (centre[0] + across[0], centre[1] + across[1]),
    ]
    canvas.stroke(ends, TORSO_WIDTH * 0.55, AMBER)


def _arrow(canvas: _Canvas, start: Point, end: Point) -> None:
    """Draw a movement arrow from start to end, its head at end."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = (dx * dx + dy * dy) ** 0.5
    ux, uy = dx / length, dy / length
    head = 0.055
    base = (end[0] - ux * head, end[1] - uy * head)
    canvas.stroke([start, _mid(start, base, 0.95)], ARROW_WIDTH, AMBER)
    wing = head * 0.75
    tip = [
        canvas.at((end[0] + ux * 0.01, end[1] + uy * 0.01)),
        canvas.at((base[0] - uy * wing, base[1] + ux * wing)),
        canvas.at((base[0] + uy * wing, base[1] - ux * wing)),
    ]
    canvas.draw.polygon(tip, fill=AMBER)


def _figure(canvas: _Canvas, pose: Pose, sided: bool) -> None:
    """Draw the figure: far limbs, ball, body, near limbs; the side and the area marked."""
    # A sided stretch's near leg is amber (the side) and its area orange once it is felt;
    # a stretch without sides has its area in amber on the white figure.
    area = HOT if sided else AMBER
    parts = PARTS[pose.stretched] if pose.felt or not sided else frozenset()

    def marked(part: str, otherwise: Colour) -> Colour:
        """Return the area's colour for a part it marks, else otherwise."""
        return area if part in parts else otherwise

    _arm(canvas, pose.shoulder, pose.far_arm.elbow, pose.far_arm.hand, FAR)
    _leg(canvas, pose.hip, pose.far_leg, FAR, thigh=marked("far thigh", FAR))
    _ball(canvas)
    canvas.stroke([pose.shoulder, pose.neck], NECK_WIDTH, WHITE)
    canvas.disc(pose.head, HEAD_RADIUS, WHITE)
    canvas.stroke([pose.hip, pose.shoulder], TORSO_WIDTH, WHITE)
    if "belly" in parts:
        _belt(canvas, pose)
    leg = AMBER if sided else WHITE
    thigh, shin = marked("near thigh", leg), marked("near shin", leg)
    _leg(canvas, pose.hip, pose.near_leg, leg, thigh=thigh, shin=shin)
    if "hip" in parts:
        canvas.disc(pose.hip, TORSO_WIDTH * 0.5, area)
    _arm(canvas, pose.shoulder, pose.near_arm.elbow, pose.near_arm.hand, WHITE)
    if pose.arrow is not None:
        _arrow(canvas, *pose.arrow)


def _rounded(image: Image.Image, size: int) -> Image.Image:
    """Return the drawing scaled down to size with rounded corners, like the icon's soft shape."""
    big = image.width
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, big - 1, big - 1), round(big * 0.08), 255)
    image.putalpha(mask)
    return image.resize((size, size), Image.Resampling.LANCZOS)


@cache
def _drawn(pose: Pose, sided: bool, size: int) -> Image.Image:
    """Return a pose's picture for the left side (or no side) at a size, without a badge."""
    canvas = _Canvas(size * SCALE)
    _scene(canvas)
    _figure(canvas, pose, sided)
    return _rounded(canvas.image, size)


def _badge(image: Image.Image, side_index: int) -> None:
    """Draw the side's letter on an amber disc in the top corner away from the desk."""
    size = image.width
    left, top, right, _ = (round(share * size) for share in BADGE_BOX)
    box = right - left
    patch = _Canvas(box * SCALE)
    patch.disc((0.5, 0.5), 0.5, AMBER)
    font = ImageFont.load_default(box * SCALE * 0.7)
    middle = (box * SCALE / 2, box * SCALE * 0.53)
    patch.draw.text(
        middle,
        SIDE_LETTERS[side_index],
        fill=TRACK,
        anchor="mm",
        font=font,
        stroke_width=round(box * SCALE * 0.03),
        stroke_fill=TRACK,
    )
    small = patch.image.resize((box, box), Image.Resampling.LANCZOS)
    x = left if side_index == 0 else size - right
    image.alpha_composite(small, (x, top))


def pose_of(exercise_id: str, step: int) -> Pose:
    """Return the pose of a built-in stretch's step (0-based); KeyError or IndexError if none."""
    return POSES[STEP_POSES[exercise_id][step]]


def draw_pose(pose: Pose, side_index: int | None, size: int) -> Image.Image:
    """Return a pose as an RGBA picture: for a side (0 left, 1 right, badged) or for none."""
    image = _drawn(pose, side_index is not None, size).copy()
    if side_index is None:
        return image
    if side_index == 1:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    _badge(image, side_index)
    return image


def draw_step(exercise_id: str, step: int, side_index: int | None, size: int) -> Image.Image:
    """Return the picture of a built-in stretch's step (0-based) for a side, at size px."""
    return draw_pose(pose_of(exercise_id, step), side_index, size)


def draw_between(
    pose_a: Pose, pose_b: Pose, t: float, side_index: int | None, size: int
) -> Image.Image:
    """Return a frame t (0 to 1) of the way from one pose to the next, for a short animation."""
    return draw_pose(between(pose_a, pose_b, t), side_index, size)
