"""The poses as data: one per step of each built-in stretch, each matching its step's text."""

import math

import pytest

from backcare_tray.exercises import builtin_exercises
from backcare_tray.poses import (
    BALL_CENTRE,
    BALL_RADIUS,
    DESK_EDGE_X,
    DESK_TOP_Y,
    FLOOR_Y,
    FOREARM,
    POSES,
    SHIN,
    STEP_POSES,
    THIGH,
    TORSO,
    UPPER_ARM,
    Point,
    Pose,
    between,
)

BALL_TOP = BALL_CENTRE[1] - BALL_RADIUS


def length(a: Point, b: Point) -> float:
    """Return the distance between two points."""
    return math.dist(a, b)


def step_pose(exercise_id: str, step: int) -> Pose:
    """Return the pose of a built-in stretch's step (1-based, as the text numbers them)."""
    return POSES[STEP_POSES[exercise_id][step - 1]]


def lean(pose: Pose) -> float:
    """Return how far the back leans forward from upright, in degrees."""
    dx, up = pose.shoulder[0] - pose.hip[0], pose.hip[1] - pose.shoulder[1]
    return math.degrees(math.atan2(dx, up))


def test_every_built_in_step_has_a_pose() -> None:
    """Each built-in stretch names one known pose per step, and every pose is used."""
    exercises = {exercise.id: exercise for exercise in builtin_exercises()}
    assert set(STEP_POSES) == set(exercises)
    for exercise_id, names in STEP_POSES.items():
        assert len(names) == len(exercises[exercise_id].steps), exercise_id
        assert all(name in POSES for name in names), names
    assert {name for names in STEP_POSES.values() for name in names} == set(POSES)


@pytest.mark.parametrize("name", sorted(POSES))
def test_every_pose_keeps_the_bodys_measures_and_stays_in_the_box(name: str) -> None:
    """The same limb lengths in every pose; every joint inside the picture, above the floor."""
    pose = POSES[name]
    assert length(pose.hip, pose.shoulder) == pytest.approx(TORSO)
    for leg in (pose.near_leg, pose.far_leg):
        assert length(pose.hip, leg.knee) == pytest.approx(THIGH)
        assert length(leg.knee, leg.ankle) == pytest.approx(SHIN)
        for x, y in leg.joints:
            assert 0.0 < x < 1.0 and y < FLOOR_Y, (name, x, y)
    for arm in (pose.near_arm, pose.far_arm):
        assert length(pose.shoulder, arm.elbow) == pytest.approx(UPPER_ARM)
        assert length(arm.elbow, arm.hand) == pytest.approx(FOREARM, abs=1e-6)
    assert 0.0 < pose.head[1] < pose.neck[1] < pose.shoulder[1] < pose.hip[1]


def test_the_hamstring_stretch_leans_a_long_back_over_a_straight_leg() -> None:
    """Leg out, heel down; hands on the desk; then the chest tipped forward over that leg."""
    sit, hands, tip = (step_pose("hamstring-stretch", n) for n in (1, 2, 3))
    for pose in (sit, hands, tip):
        leg = pose.near_leg
        assert length(pose.hip, leg.ankle) > 0.99 * (THIGH + SHIN)  # straight, knee soft
        assert leg.ankle[0] > leg.knee[0] > pose.hip[0]  # out ahead
        assert leg.heel[1] > leg.toe[1] and FLOOR_Y - leg.heel[1] < 0.03  # heel on the floor
        assert pose.hip[1] > BALL_TOP - 0.05  # sitting on the ball
    assert abs(lean(sit)) < 3  # sitting tall
    assert sit.near_arm.hand[1] > DESK_TOP_Y + 0.05  # hands on the lap, not yet on the desk
    for pose in (hands, tip):
        for arm in (pose.near_arm, pose.far_arm):
            assert arm.hand[0] > DESK_EDGE_X and abs(arm.hand[1] - DESK_TOP_Y) < 0.03
    assert 25 < lean(tip) < 50 and tip.shoulder[0] > sit.shoulder[0] + 0.1
    assert tip.stretched == "hamstring" and tip.felt and not sit.felt


def test_the_calf_stretch_draws_the_toes_up_toward_the_shin() -> None:
    """The same set-up and lean, the straight leg's toes pulled up; then toes relaxed, upright."""
    set_up, toes_up, hold, relax = (step_pose("calf-stretch", n) for n in (1, 2, 3, 4))
    assert set_up == step_pose("hamstring-stretch", 2)

    def toes_angle(pose: Pose) -> float:
        """Return how far the near foot's toes point above level, in degrees."""
        heel, toe = pose.near_leg.heel, pose.near_leg.toe
        return math.degrees(math.atan2(heel[1] - toe[1], toe[0] - heel[0]))

    for pose in (toes_up, hold):
        assert toes_angle(pose) > toes_angle(set_up) + 25
        assert lean(pose) > 25 and pose.stretched == "calf" and pose.felt
    assert toes_angle(relax) == pytest.approx(toes_angle(set_up)) and lean(relax) < 10


@pytest.mark.parametrize("exercise_id", ["ball-squat", "ball-squat-strength"])
def test_the_squats_keep_the_knees_over_the_ankles_and_lift_the_seat(exercise_id: str) -> None:
    """Shins upright, feet flat in every step; the held step's seat clear of the ball."""
    poses = [step_pose(exercise_id, n) for n in (1, 2, 3, 4)]
    for pose in poses:
        for leg in (pose.near_leg, pose.far_leg):
            assert abs(leg.knee[0] - leg.ankle[0]) < 0.015  # knee right over the ankle
            assert abs(leg.heel[1] - leg.toe[1]) < 1e-9  # foot flat
    seated, lifted, lowered = poses[0], poses[2], poses[3]
    assert lifted.hip[1] < seated.hip[1] - 0.025  # the seat comes off the ball
    assert lowered.hip == seated.hip and lowered.arrow is not None
    assert lowered.arrow[1][1] > lowered.arrow[0][1]  # the arrow points down
    assert lifted.arrow is not None and lifted.arrow[1][1] < lifted.arrow[0][1]  # and up


def test_the_ball_squat_braces_then_rises_with_hands_on_the_desk_edge() -> None:
    """Step 2 marks the stomach; in step 3 the hands are on the desk's near edge."""
    brace, lift = step_pose("ball-squat", 2), step_pose("ball-squat", 3)
    assert brace.stretched == "stomach"
    for arm in (lift.near_arm, lift.far_arm):
        assert DESK_EDGE_X < arm.hand[0] < DESK_EDGE_X + 0.06
        assert abs(arm.hand[1] - DESK_TOP_Y) < 0.03
    assert lean(lift) < 20


def test_the_strength_version_leans_forward_with_hands_on_the_ball() -> None:
    """Upper body forward throughout; hands beside the hips on the ball; the seat off its top."""
    lean_in, hands, lifted, down = (step_pose("ball-squat-strength", n) for n in (1, 2, 3, 4))
    for pose in (lean_in, hands, lifted, down):
        assert lean(pose) > 25
    for pose in (hands, lifted, down):
        for arm in (pose.near_arm, pose.far_arm):
            assert length(arm.hand, BALL_CENTRE) < BALL_RADIUS  # on the ball's side
            assert abs(arm.hand[0] - pose.hip[0]) < 0.06  # next to the hips
    assert lifted.hip[1] < BALL_TOP - 0.06 and lean(lifted) > lean(hands)


def test_the_hip_flexor_stretch_slides_the_near_leg_back_and_eases_the_hip_forward() -> None:
    """Near the ball's front; the leg back on the ball of the foot, knee down; body upright."""
    front, slid, eased, back = (step_pose("hip-flexor-stretch", n) for n in (1, 2, 3, 4))
    centred = step_pose("hamstring-stretch", 1)
    assert front.hip[0] > centred.hip[0] + 0.05  # near the front of the ball
    for pose in (slid, eased):
        leg = pose.near_leg
        assert leg.ankle[0] < pose.hip[0] - 0.2  # slid back behind
        assert leg.heel[1] < leg.toe[1] - 0.04  # on the ball of the foot, heel up
        assert FLOOR_Y - leg.toe[1] < 0.03
        assert leg.knee[1] > pose.hip[1] + 0.2 and FLOOR_Y - leg.knee[1] < 0.1  # knee down
        assert abs(lean(pose)) < 3  # upright
    assert eased.hip[0] > slid.hip[0] + 0.02  # the back leg's hip eased forward
    assert eased.stretched == "hip flexor" and eased.felt and not slid.felt
    assert back.near_leg.ankle[0] > back.hip[0]  # the leg under the body again


def test_between_goes_from_one_pose_to_the_next() -> None:
    """At 0 and 1 the two poses themselves; halfway, the joints halfway."""
    a, b = POSES["leg-out"], POSES["hamstring-lean"]
    assert between(a, b, 0.0).shoulder == pytest.approx(a.shoulder)
    assert between(a, b, 1.0) == b
    middle = between(a, b, 0.5)
    assert middle.head == pytest.approx(((a.head[0] + b.head[0]) / 2, (a.head[1] + b.head[1]) / 2))
