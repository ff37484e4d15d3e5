"""The built-in stretches' poses as data: a seated figure's joints, one pose per step."""

# Side view in a unit box: x to the right, y down, the floor at FLOOR_Y. The figure sits on
# an exercise ball and faces +x, where the desk is; so the limbs nearer the viewer are its
# left ones, and the picture of the right side is the mirror image. The stretched leg is
# always the near one. Joints come from a few body measures through two-bone reaching, so
# every pose has the same limb lengths; the module is pure (no Pillow), the daemon may load it.

import math
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "BALL_CENTRE",
    "BALL_RADIUS",
    "DESK_EDGE_X",
    "DESK_THICKNESS",
    "DESK_TOP_Y",
    "FLOOR_Y",
    "FOREARM",
    "HEAD_RADIUS",
    "POSES",
    "SHIN",
    "STEP_POSES",
    "THIGH",
    "TORSO",
    "UPPER_ARM",
    "Area",
    "Arm",
    "Leg",
    "Point",
    "Pose",
    "between",
]

Point = tuple[float, float]
# What a pose works or stretches, drawn in the accent colour: the back of the near thigh,
# the near calf, the front of the near hip, both thighs, or the braced stomach.
Area = Literal["hamstring", "calf", "hip flexor", "thighs", "stomach"]

FLOOR_Y = 0.92
BALL_CENTRE: Point = (0.36, 0.77)
BALL_RADIUS = 0.15
DESK_EDGE_X = 0.6  # the desk's near edge; its top runs out of the picture to the right
DESK_TOP_Y = 0.45
DESK_THICKNESS = 0.035

THIGH = 0.27  # hip to knee
SHIN = 0.28  # knee to ankle
TORSO = 0.29  # hip to shoulder
NECK = 0.045  # shoulder to the bottom of the head
HEAD_RADIUS = 0.062
UPPER_ARM = 0.165  # shoulder to elbow (the arms a little long, so the hands reach the desk)
FOREARM = 0.165  # elbow to the middle of the hand
SOLE = 0.024  # the foot's line above the floor (half its thickness)
HEEL_BACK, TOE_AHEAD, FOOT_DROP = 0.022, 0.08, 0.026  # the foot around its ankle
SEAT_Y = BALL_CENTRE[1] - BALL_RADIUS - 0.035  # the hip joint sitting on the top of the ball


@dataclass(frozen=True)
class Leg:
    """One leg below the hip: knee, ankle, and the foot's heel and toes."""

    knee: Point
    ankle: Point
    heel: Point
    toe: Point

    @property
    def joints(self) -> tuple[Point, Point, Point, Point]:
        """Return knee, ankle, heel and toe."""
        return (self.knee, self.ankle, self.heel, self.toe)


@dataclass(frozen=True)
class Arm:
    """One arm below the shoulder: elbow and hand."""

    elbow: Point
    hand: Point


@dataclass(frozen=True)
class Pose:
    """Where every joint is in one step, what it stretches, and an arrow for the movement."""

    head: Point  # the middle of the head
    neck: Point
    shoulder: Point
    hip: Point
    near_leg: Leg
    far_leg: Leg
    near_arm: Arm
    far_arm: Arm
    stretched: Area
    # Whether the stretch is felt in this pose (the area is marked), or the step only sets up.
    felt: bool = True
    # A movement to make, drawn as an arrow from the first point to the second; None: still.
    arrow: tuple[Point, Point] | None = None


def _add(a: Point, b: Point, scale: float = 1.0) -> Point:
    """Return a + b * scale."""
    return (a[0] + b[0] * scale, a[1] + b[1] * scale)


def _direction(degrees: float) -> Point:
    """Return the unit vector at an angle: 0 is +x (forward), 90 is up."""
    radians = math.radians(degrees)
    return (math.cos(radians), -math.sin(radians))


def _reach(root: Point, end: Point, first: float, second: float, clockwise: bool) -> Point:
    """Return the middle joint of a two-bone limb from root to end.

    The joint bends to the side a quarter turn clockwise (on the screen) from root toward end
    when clockwise, else the other side: an elbow points back or down, a knee forward.
    """
    dx, dy = end[0] - root[0], end[1] - root[1]
    distance = min(math.hypot(dx, dy), first + second - 1e-9)
    cosine = (first**2 + distance**2 - second**2) / (2 * first * distance)
    turn = math.acos(max(-1.0, min(1.0, cosine))) * (1 if clockwise else -1)
    along = math.atan2(dy, dx) + turn  # y grows downward, so a larger angle turns clockwise
    return (root[0] + first * math.cos(along), root[1] + first * math.sin(along))


def _foot(ankle: Point, toes_up: float) -> tuple[Point, Point]:
    """Return the heel and toes of a foot whose toes point toes_up degrees above level."""
    ahead = _direction(toes_up)
    sole = (-ahead[1], ahead[0])  # a quarter turn toward the floor
    base = _add(ankle, sole, FOOT_DROP)
    return _add(base, ahead, -HEEL_BACK), _add(base, ahead, TOE_AHEAD)


def _leg(hip: Point, ankle: Point, toes_up: float = 0.0) -> Leg:
    """Return a leg reaching from the hip to the ankle."""
    heel, toe = _foot(ankle, toes_up)
    return Leg(_reach(hip, ankle, THIGH, SHIN, clockwise=False), ankle, heel, toe)


def _planted(hip: Point, x: float) -> Leg:
    """Return a leg with its foot flat on the floor, the ankle at x."""
    return _leg(hip, (x, FLOOR_Y - SOLE - FOOT_DROP))


def _straight(hip: Point, toes_up: float) -> Leg:
    """Return a leg stretched out ahead, its heel on the floor, the knee soft."""
    heel, _ = _foot((0.0, 0.0), toes_up)
    ankle_y = FLOOR_Y - SOLE - heel[1]
    length = (THIGH + SHIN) * 0.995  # soft, not locked
    ankle = (hip[0] + math.sqrt(length**2 - (ankle_y - hip[1]) ** 2), ankle_y)
    return _leg(hip, ankle, toes_up)


def _over_ankle(hip: Point, back: float = 0.0) -> Leg:
    """Return a leg whose shin stands upright, the knee right over the ankle (back: behind)."""
    ankle_y = FLOOR_Y - SOLE - FOOT_DROP
    drop = ankle_y - SHIN - hip[1]
    return _planted(hip, hip[0] + math.sqrt(THIGH**2 - drop**2) - back)


def _on_ball_of_foot(hip: Point, thigh_back: float) -> Leg:
    """Return a leg slid back behind the hip, on the ball of the foot, the knee to the floor."""
    knee = _add(hip, _direction(-90 - thigh_back), THIGH)
    steep = 55.0  # degrees: the foot from the ankle down to the ball of the foot, heel up
    ankle_y = FLOOR_Y - SOLE - (TOE_AHEAD + 0.005) * math.sin(math.radians(steep))
    ankle = (knee[0] - math.sqrt(SHIN**2 - (knee[1] - ankle_y) ** 2), ankle_y)
    ahead = _direction(-steep)
    toe = _add(ankle, ahead, TOE_AHEAD + 0.005)
    return Leg(knee, ankle, _add(ankle, ahead, -HEEL_BACK), toe)


def _arm(shoulder: Point, hand: Point) -> Arm:
    """Return an arm reaching from the shoulder toward the hand, as far as it goes."""
    dx, dy = hand[0] - shoulder[0], hand[1] - shoulder[1]
    share = min(1.0, (UPPER_ARM + FOREARM) / math.hypot(dx, dy))  # out of reach: the arm straight
    hand = (shoulder[0] + dx * share, shoulder[1] + dy * share)
    return Arm(_reach(shoulder, hand, UPPER_ARM, FOREARM, clockwise=True), hand)


def _upper_body(hip: Point, lean: float) -> tuple[Point, Point, Point]:
    """Return shoulder, neck and head for a back held straight, lean degrees forward."""
    up = _direction(90 - lean)
    shoulder = _add(hip, up, TORSO)
    neck = _add(shoulder, up, NECK)
    return shoulder, neck, _add(neck, up, HEAD_RADIUS * 0.9)


def _pose(
    hip: Point,
    lean: float,
    legs: tuple[Leg, Leg],
    hands: tuple[Point, Point],
    stretched: Area,
    *,
    felt: bool = True,
    arrow: tuple[Point, Point] | None = None,
) -> Pose:
    """Return a pose from the hip, the back's lean, the legs (near, far) and the hands."""
    shoulder, neck, head = _upper_body(hip, lean)
    near_arm, far_arm = (_arm(shoulder, hand) for hand in hands)
    return Pose(head, neck, shoulder, hip, *legs, near_arm, far_arm, stretched, felt, arrow)


def _on_thigh(hip: Point, leg: Leg, share: float) -> Point:
    """Return a point share of the way along a thigh from the hip, resting on top of it."""
    x = hip[0] + (leg.knee[0] - hip[0]) * share
    y = hip[1] + (leg.knee[1] - hip[1]) * share - 0.03
    return (x, y)


def _on_desk(x: float) -> Point:
    """Return a hand resting on the desk top at x."""
    return (x, DESK_TOP_Y - 0.02)


_SEAT: Point = (BALL_CENTRE[0], SEAT_Y)
_LEAN = 38.0  # degrees: the chest tipped toward the straight leg, the back long
_FAR_BACK = 0.012  # the far foot a little behind the near one, so both legs show
_UP, _DOWN = ((0.18, 0.64), (0.18, 0.42)), ((0.18, 0.42), (0.18, 0.64))  # seat up, down


def _hamstring_poses() -> dict[str, Pose]:
    """Return the hamstring and calf stretches' poses: a straight near leg, a lean over it."""
    out = _straight(_SEAT, 35)
    drawn_up = _straight(_SEAT, 72)  # the toes drawn up toward the shin
    bent = _planted(_SEAT, 0.64)  # the other leg, its foot flat under the knee
    legs, calf_legs = (out, bent), (drawn_up, bent)
    on_thigh = (_on_thigh(_SEAT, bent, 0.55), _on_thigh(_SEAT, bent, 0.45))
    on_desk = (_on_desk(0.66), _on_desk(0.63))
    reaching = (_on_desk(0.8), _on_desk(0.76))
    tip = ((0.5, 0.11), (0.67, 0.17))  # the chest tipping toward the leg
    toes = ((0.935, 0.8), (0.875, 0.665))  # the toes drawn back toward the shin
    sit_up = ((0.6, 0.24), (0.48, 0.1))  # the chest coming up and back
    return {
        "leg-out": _pose(_SEAT, 0, legs, on_thigh, "hamstring", felt=False),
        "hands-on-desk": _pose(_SEAT, 8, legs, on_desk, "hamstring", felt=False),
        "hamstring-lean": _pose(_SEAT, _LEAN, legs, reaching, "hamstring", arrow=tip),
        "hamstring-hold": _pose(_SEAT, _LEAN, legs, reaching, "hamstring"),
        "calf-toes-up": _pose(_SEAT, _LEAN, calf_legs, reaching, "calf", arrow=toes),
        "calf-hold": _pose(_SEAT, _LEAN, calf_legs, reaching, "calf"),
        "calf-sit-up": _pose(_SEAT, 8, legs, on_desk, "calf", felt=False, arrow=sit_up),
    }


def _squat_poses() -> dict[str, Pose]:
    """Return the ball squat's poses: knees over ankles, hands on the desk, the seat lifted."""
    lifted: Point = (BALL_CENTRE[0] + 0.02, SEAT_Y - 0.05)  # just clear of the ball
    legs = (_over_ankle(_SEAT), _over_ankle(_SEAT, _FAR_BACK))
    up_legs = (_over_ankle(lifted), _over_ankle(lifted, _FAR_BACK))
    on_thighs = (_on_thigh(_SEAT, legs[0], 0.6), _on_thigh(_SEAT, legs[1], 0.5))
    edge = (_on_desk(DESK_EDGE_X + 0.035), _on_desk(DESK_EDGE_X + 0.015))
    return {
        "squat-set": _pose(_SEAT, 0, legs, on_thighs, "thighs", felt=False),
        "squat-brace": _pose(_SEAT, 0, legs, on_thighs, "stomach"),
        "squat-lift": _pose(lifted, 14, up_legs, edge, "thighs", arrow=_UP),
        "squat-lower": _pose(_SEAT, 10, legs, edge, "thighs", arrow=_DOWN),
    }


def _strength_poses() -> dict[str, Pose]:
    """Return the strength version's poses: leaning forward, hands on the ball, seat up."""
    raised: Point = (BALL_CENTRE[0] + 0.04, SEAT_Y - 0.03)  # off the top of the ball
    legs = (_over_ankle(_SEAT), _over_ankle(_SEAT, _FAR_BACK))
    up_legs = (_over_ankle(raised), _over_ankle(raised, _FAR_BACK))
    on_thighs = (_on_thigh(_SEAT, legs[0], 0.85), _on_thigh(_SEAT, legs[1], 0.75))
    # on the ball's sides beside the hips, just below its top
    on_ball = ((BALL_CENTRE[0] + 0.05, SEAT_Y + 0.06), (BALL_CENTRE[0] + 0.03, SEAT_Y + 0.055))
    pressing = ((raised[0] + 0.03, SEAT_Y + 0.055), (raised[0] + 0.01, SEAT_Y + 0.05))
    lean = ((0.34, 0.13), (0.5, 0.15))
    return {
        "lean-forward": _pose(_SEAT, 30, legs, on_thighs, "thighs", felt=False, arrow=lean),
        "hands-on-ball": _pose(_SEAT, 38, legs, on_ball, "thighs", felt=False),
        "seat-off-ball": _pose(raised, 55, up_legs, pressing, "thighs", arrow=_UP),
        "sit-back-down": _pose(_SEAT, 38, legs, on_ball, "thighs", arrow=_DOWN),
    }


def _hip_flexor_poses() -> dict[str, Pose]:
    """Return the hip flexor stretch's poses: the near leg slid back, the body upright."""
    seat: Point = (BALL_CENTRE[0] + 0.09, SEAT_Y + 0.025)  # near the front of the ball
    eased: Point = (seat[0] + 0.035, seat[1] + 0.015)  # the back leg's hip eased forward
    front = _over_ankle(seat)
    eased_front = _planted(eased, front.ankle[0])
    under = (_over_ankle(seat, 0.05), front)
    slid = (_on_ball_of_foot(seat, 25), front)
    opened = (_on_ball_of_foot(eased, 32), eased_front)
    hands = (_on_thigh(seat, front, 0.8), _on_thigh(seat, front, 0.65))
    eased_hands = (_on_thigh(eased, eased_front, 0.8), _on_thigh(eased, eased_front, 0.65))
    forward = ((0.12, 0.5), (0.3, 0.5))  # to the front of the ball
    back = ((0.26, 0.72), (0.06, 0.72))  # the leg sliding back
    ease = ((0.2, 0.54), (0.36, 0.54))  # the hip easing forward
    return {
        "front-of-ball": _pose(seat, 0, under, hands, "hip flexor", felt=False, arrow=forward),
        "leg-slid-back": _pose(seat, 0, slid, hands, "hip flexor", felt=False, arrow=back),
        "hip-eased-forward": _pose(eased, 0, opened, eased_hands, "hip flexor", arrow=ease),
        "leg-back-under": _pose(seat, 0, under, hands, "hip flexor", felt=False, arrow=back[::-1]),
    }


POSES: dict[str, Pose] = {
    **_hamstring_poses(),
    **_squat_poses(),
    **_strength_poses(),
    **_hip_flexor_poses(),
}

# One pose per step of each built-in stretch, in the order of its steps.
STEP_POSES: dict[str, tuple[str, ...]] = {
    "hamstring-stretch": ("leg-out", "hands-on-desk", "hamstring-lean", "hamstring-hold"),
    "calf-stretch": ("hands-on-desk", "calf-toes-up", "calf-hold", "calf-sit-up"),
    "ball-squat": ("squat-set", "squat-brace", "squat-lift", "squat-lower"),
    "ball-squat-strength": ("lean-forward", "hands-on-ball", "seat-off-ball", "sit-back-down"),
    "hip-flexor-stretch": ("front-of-ball", "leg-slid-back", "hip-eased-forward", "leg-back-under"),
}


def _mix(a: Point, b: Point, t: float) -> Point:
    """Return the point t of the way from a to b."""
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _mix_leg(a: Leg, b: Leg, t: float) -> Leg:
    """Return the leg t of the way from a to b."""
    knee, ankle, heel, toe = (_mix(p, q, t) for p, q in zip(a.joints, b.joints, strict=True))
    return Leg(knee, ankle, heel, toe)


def _mix_arm(a: Arm, b: Arm, t: float) -> Arm:
    """Return the arm t of the way from a to b."""
    return Arm(_mix(a.elbow, b.elbow, t), _mix(a.hand, b.hand, t))


def between(a: Pose, b: Pose, t: float) -> Pose:
    """Return the pose t (0 to 1) of the way from a to b, joint by joint; b's area and arrow."""
    return Pose(
        _mix(a.head, b.head, t),
        _mix(a.neck, b.neck, t),
        _mix(a.shoulder, b.shoulder, t),
        _mix(a.hip, b.hip, t),
        _mix_leg(a.near_leg, b.near_leg, t),
        _mix_leg(a.far_leg, b.far_leg, t),
        _mix_arm(a.near_arm, b.near_arm, t),
        _mix_arm(a.far_arm, b.far_arm, t),
        b.stretched,
        b.felt,
        b.arrow,
    )
