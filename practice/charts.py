"""A small SVG line chart of one skill's level over the weeks (drawn by the template
``practice/_trajectory.svg``): a line with a marker and a printed value at each week, axes
labelled 0, 0.5 and 1, so it reads without colour; the page repeats the values in a table."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format

from practice.selectors import Trajectory

WIDTH, HEIGHT = 300, 150
LEFT, RIGHT, TOP, BOTTOM = 36, 10, 16, 28


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    level: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[Point]
    path: str
    axis: list[tuple[float, str]]  # (y, label)
    left: int
    right: float
    bottom: float


def _y(level: float) -> float:
    return round(TOP + (1.0 - level) * (HEIGHT - TOP - BOTTOM), 1)


def trajectory_svg(trajectory: Trajectory) -> Chart:
    count = len(trajectory.points)
    span = WIDTH - LEFT - RIGHT
    points = [
        Point(
            x=round(LEFT + (span * i / max(count - 1, 1)), 1),
            y=_y(level),
            level=round(level, 2),
            label=date_format(day, "j M"),  # "26 Nov", "26 lis": the viewer's language
        )
        for i, (day, level) in enumerate(trajectory.points)
    ]
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        points=points,
        path=path,
        axis=[(_y(v), f"{v:g}") for v in (0.0, 0.5, 1.0)],
        left=LEFT,
        right=WIDTH - RIGHT,
        bottom=HEIGHT - BOTTOM,
    )
