"""Lay out the golden-thread flow as a three-column Sankey-like SVG (pure geometry).

Columns: strategic goals, learning goals, activities. Node heights and band widths are
proportional to the weight (spend or hours); every node gets a minimum slot so labels stay
readable. Beyond `max_activities`, the smallest activities are grouped into one node.
The template draws the result; the page carries a table with the same numbers.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from leerkoers.alignment.golden_thread import Flow

WIDTH = 960
NODE_WIDTH = 14
MIN_SLOT = 22
GAP = 6
BODY_HEIGHT = 420
OTHER = "other"


@dataclass
class Node:
    column: int
    key: object  # id, None (not linked) or OTHER
    label: str
    value: Decimal
    x: float = 0
    y: float = 0
    height: float = 0

    @property
    def label_x(self) -> float:
        return self.x - 6 if self.column == 2 else self.x + NODE_WIDTH + 6

    @property
    def anchor(self) -> str:
        return "end" if self.column == 2 else "start"

    @property
    def label_y(self) -> float:
        return self.y + max(self.height, 12) / 2 + 4


@dataclass
class Band:
    path: str
    width: float
    title: str
    column: int
    linked: bool


@dataclass
class Diagram:
    nodes: list[Node]
    bands: list[Band]
    width: int
    height: int


def layout(
    flow: Flow,
    *,
    strategic_goal_titles: dict[int, str],
    learning_goal_titles: dict[int, str],
    activity_titles: dict[int, str],
    no_strategic_goal: str,
    no_learning_goal: str,
    other_activities: str,
    value_format=str,
    max_activities: int = 15,
) -> Diagram:
    if not flow.total:
        return Diagram([], [], WIDTH, 0)
    # Activities: keep the largest, group the rest.
    per_activity: dict[int, Decimal] = defaultdict(Decimal)
    for link in flow.learning_to_activity:
        per_activity[link.target] += link.value
    # Activities that serve a learning goal first: the diagram is about the thread.
    linked = {link.target for link in flow.learning_to_activity if link.source is not None}
    kept = set(sorted(per_activity, key=lambda a: (a not in linked, -per_activity[a], a))[:max_activities])

    second: dict[tuple, Decimal] = defaultdict(Decimal)
    for link in flow.learning_to_activity:
        second[(link.source, link.target if link.target in kept else OTHER)] += link.value
    first: dict[tuple, Decimal] = {(link.source, link.target): link.value for link in flow.goal_to_learning}

    def order(keys, titles):
        known = [k for k in titles if k in keys]
        return known + ([None] if None in keys else []) + ([OTHER] if OTHER in keys else [])

    sg_keys = order({s for s, _t in first}, strategic_goal_titles)
    lg_keys = order({t for _s, t in first} | {s for s, _t in second}, learning_goal_titles)
    act_keys = sorted(
        (k for k in {t for _s, t in second} if k != OTHER), key=lambda a: (a not in linked, -per_activity[a], a)
    )
    if any(t == OTHER for _s, t in second):
        act_keys.append(OTHER)

    def label(column, key):
        if key is None:
            return no_strategic_goal if column == 0 else no_learning_goal
        if key == OTHER:
            return other_activities % {"count": len(per_activity) - len(kept)}
        return {0: strategic_goal_titles, 1: learning_goal_titles, 2: activity_titles}[column].get(key, str(key))

    columns: list[list[Node]] = []
    for column, keys in enumerate((sg_keys, lg_keys, act_keys)):
        nodes = []
        for key in keys:
            if column == 0:
                value = sum((v for (s, _t), v in first.items() if s == key), Decimal(0))
            elif column == 1:
                value = max(
                    sum((v for (_s, t), v in first.items() if t == key), Decimal(0)),
                    sum((v for (s, _t), v in second.items() if s == key), Decimal(0)),
                )
            else:
                value = sum((v for (_s, t), v in second.items() if t == key), Decimal(0))
            nodes.append(Node(column, key, label(column, key), value))
        columns.append(nodes)

    scale = Decimal(BODY_HEIGHT) / flow.total
    xs = (0, WIDTH / 2 - NODE_WIDTH / 2, WIDTH - NODE_WIDTH)
    height = 0
    for column, nodes in enumerate(columns):
        y = 0.0
        for node in nodes:
            node.x = xs[column]
            node.height = max(float(node.value * scale), 2.0)
            node.y = y
            y += max(node.height, MIN_SLOT) + GAP
        height = max(height, int(y))

    bands = _bands(columns[0], columns[1], first, scale, value_format, 0) + _bands(
        columns[1], columns[2], second, scale, value_format, 1
    )
    return Diagram([node for nodes in columns for node in nodes], bands, WIDTH, height)


def _bands(sources: list[Node], targets: list[Node], values: dict, scale, value_format, column) -> list[Band]:
    out_offset = {id(n): 0.0 for n in sources}
    in_offset = {id(n): 0.0 for n in targets}
    target_by_key = {n.key: n for n in targets}
    bands = []
    for source in sources:
        for target_key in [n.key for n in targets]:
            value = values.get((source.key, target_key))
            if not value:
                continue
            target = target_by_key[target_key]
            width = float(value * scale)
            y0 = source.y + out_offset[id(source)] + width / 2
            y1 = target.y + in_offset[id(target)] + width / 2
            out_offset[id(source)] += width
            in_offset[id(target)] += width
            x0, x1 = source.x + NODE_WIDTH, target.x
            mid = (x0 + x1) / 2
            bands.append(
                Band(
                    f"M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}",
                    max(width, 1.0),
                    f"{source.label} → {target.label}: {value_format(value)}",
                    column,
                    source.key is not None and target.key is not None,
                )
            )
    return bands
