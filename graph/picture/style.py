"""The one style table: how each node type is drawn, everywhere.

The interactive drawing (``static/kg-draw.js``), the key beside it, the standalone web page
and the PNG picture all read their shapes, colours, sizes and label rules from here, so the
key is exactly what is drawn. A shape is an outline in a unit box (y pointing down, as on a
canvas) written as an SVG path with only absolute ``M``, ``L``, ``C`` and ``Z`` commands, which
the browser's canvas (``Path2D``), SVG and matplotlib all draw the same way.

Colours are Paul Tol's colour-blind-safe "muted" scheme, and every type has its own shape,
so colour is never the only cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.schema import NodeType

_K = 0.5523  # control-point distance of a cubic Bezier quarter circle


def _ellipse(rx: float, ry: float) -> str:
    kx, ky = rx * _K, ry * _K
    return (
        f"M {rx} 0 C {rx} {ky} {kx} {ry} 0 {ry} C {-kx} {ry} {-rx} {ky} {-rx} 0 "
        f"C {-rx} {-ky} {-kx} {-ry} 0 {-ry} C {kx} {-ry} {rx} {-ky} {rx} 0 Z"
    )


def _polygon(points: list[tuple[float, float]]) -> str:
    first, *rest = points
    return f"M {first[0]:.3f} {first[1]:.3f} " + " ".join(f"L {x:.3f} {y:.3f}" for x, y in rest) + " Z"


def _regular(corners: int, radius: float, turn: float = 0.0) -> list[tuple[float, float]]:
    import math

    return [
        (radius * math.cos(turn + 2 * math.pi * k / corners), radius * math.sin(turn + 2 * math.pi * k / corners))
        for k in range(corners)
    ]


def _star() -> list[tuple[float, float]]:
    import math

    return [
        ((1.15 if k % 2 == 0 else 0.5) * math.cos(-math.pi / 2 + math.pi * k / 5),
         (1.15 if k % 2 == 0 else 0.5) * math.sin(-math.pi / 2 + math.pi * k / 5))
        for k in range(10)
    ]  # fmt: skip


def _rounded_box(w: float, h: float, r: float) -> str:
    k = r * (1 - _K)
    return (
        f"M {-w + r} {-h} L {w - r} {-h} C {w - k} {-h} {w} {-h + k} {w} {-h + r} L {w} {h - r} "
        f"C {w} {h - k} {w - k} {h} {w - r} {h} L {-w + r} {h} C {-w + k} {h} {-w} {h - k} {-w} {h - r} "
        f"L {-w} {-h + r} C {-w} {-h + k} {-w + k} {-h} {-w + r} {-h} Z"
    )


_CYLINDER = (
    "M -1 -0.7 C -1 -1.05 1 -1.05 1 -0.7 L 1 0.7 C 1 1.05 -1 1.05 -1 0.7 Z "
    "M -1 -0.7 C -1 -0.35 1 -0.35 1 -0.7"  # the rim of the top
)

#: Every shape's outline in a unit box (about -1..1; wide shapes reach further sideways).
SHAPES: dict[str, str] = {
    "cylinder": _CYLINDER,
    "ellipse": _ellipse(1.45, 0.8),
    "dot": _ellipse(1.0, 1.0),
    "square": _polygon([(-0.9, -0.9), (0.9, -0.9), (0.9, 0.9), (-0.9, 0.9)]),
    "triangle": _polygon([(0, -1.15), (1.05, 0.8), (-1.05, 0.8)]),
    "triangleDown": _polygon([(-1.05, -0.8), (1.05, -0.8), (0, 1.15)]),
    "diamond": _polygon([(0, -1.2), (1.2, 0), (0, 1.2), (-1.2, 0)]),
    "star": _polygon(_star()),
    "hexagon": _polygon(_regular(6, 1.1)),
    "box": _rounded_box(1.5, 0.75, 0.3),
    "octagon": _polygon(_regular(8, 1.05, 3.14159265 / 8)),
    "cross": _polygon(
        [
            (-0.35, -1),
            (0.35, -1),
            (0.35, -0.35),
            (1, -0.35),
            (1, 0.35),
            (0.35, 0.35),
            (0.35, 1),
            (-0.35, 1),
            (-0.35, 0.35),
            (-1, 0.35),
            (-1, -0.35),
            (-0.35, -0.35),
        ]
    ),
}

#: A character that looks like each shape, for plain-text keys.
SHAPE_SYMBOLS: dict[str, str] = {
    "cylinder": "⛁",
    "ellipse": "⬬",
    "dot": "●",
    "square": "■",
    "triangle": "▲",
    "triangleDown": "▼",
    "diamond": "◆",
    "star": "★",
    "hexagon": "⬢",
    "box": "▬",
    "octagon": "⯃",
    "cross": "✚",
}


@dataclass(frozen=True)
class TypeStyle:
    """How one node type is drawn: fill colour, shape, the node's radius on the canvas, the
    label's size on screen (pixels, before presentation scaling) and its rank when labels
    compete for room (0 is labelled first)."""

    label: str
    color: str
    shape: str
    size: float
    font: float
    tier: int


#: The style table. Labels are drawn at ``font`` screen pixels (never below ``MIN_LABEL_PX``).
STYLES: dict[NodeType, TypeStyle] = {
    NodeType.LEVEL: TypeStyle("Level", "#332288", "cylinder", 22, 15, 0),
    NodeType.THEME: TypeStyle("Theme", "#44AA99", "ellipse", 16, 14, 1),
    NodeType.STRAND: TypeStyle("Strand of engagement", "#DDCC77", "square", 13, 13, 2),
    NodeType.BARRIER: TypeStyle("Barrier", "#882255", "box", 14, 13, 3),
    NodeType.ORGANISATION: TypeStyle("Organisation", "#117733", "diamond", 11, 12, 4),
    NodeType.STAGE: TypeStyle("Stage of the evidence cycle", "#DDDDDD", "octagon", 13, 11.5, 5),
    NodeType.MESSAGE: TypeStyle("Key message", "#882255", "hexagon", 11, 11.5, 5),
    NodeType.INITIATIVE: TypeStyle("Initiative", "#AA4499", "star", 12, 11.5, 5),
    NodeType.STAKEHOLDER: TypeStyle("Stakeholder", "#CC6677", "triangle", 11, 11.5, 6),
    NodeType.TOPIC: TypeStyle("Topic", "#88CCEE", "dot", 10, 11.5, 6),
    NodeType.PLACE: TypeStyle("Place", "#555555", "cross", 9, 11.5, 7),
    NodeType.QUOTE: TypeStyle("Quote", "#999933", "triangleDown", 10, 11.5, 8),
}
OTHER = TypeStyle("Other", "#BBBBBB", "dot", 10, 11.5, 9)

#: The smallest label drawn, in screen pixels: on a laptop, and on a projector.
MIN_LABEL_PX = 11.0
MIN_PRESENTATION_PX = 18.0
#: Labels on a projector are this much larger than on a laptop.
PRESENTATION_SCALE = 1.5
LABEL_FONT = "Arial, Helvetica, sans-serif"
LABEL_WIDTH = 22  # characters per label line; the tooltip has the full text
LABEL_LINES = 2
#: The drawing wraps a name to this many lines before it shortens it, in lines about
#: ``LABEL_LINE_EM`` times the font size wide (about 22 characters), wider for a long name.
DRAWN_LABEL_LINES = 3
LABEL_LINE_EM = 11.5

EDGE_COLOUR = "#A8A8A8"
FAINT_EDGE = "#D4D4D4"  # relations that cut across clusters in great numbers
LIT_EDGE = "#333333"
FADED_FILL = "#EEEEEE"
FADED_BORDER = "#D0D0D0"
FADED_EDGE = "#E8E8E8"
LABEL_COLOUR = "#111111"
FADED_LABEL = "#9A9A9A"

#: Links on a projector: darker (at least 3:1 against the white page, WCAG's contrast for
#: graphics) and a width in screen pixels whatever the zoom, highlighted ones twice as wide.
#: Links faded by a highlight stay light: they are the background of what is highlighted.
PRESENTATION_EDGE = "#6B6B6B"
PRESENTATION_FAINT_EDGE = "#8A8A8A"
PRESENTATION_LIT_EDGE = "#222222"
PRESENTATION_FADED_EDGE = "#DDDDDD"
PRESENTATION_EDGE_PX = 2.0
PRESENTATION_LIT_EDGE_PX = 4.0


def style_of(node_type: str) -> TypeStyle:
    """The style of a node type's value (``OTHER`` for a type the table does not know).

    >>> style_of("topic").shape, style_of("nonsense").label
    ('dot', 'Other')
    """
    try:
        return STYLES[NodeType(node_type)]
    except ValueError:
        return OTHER


def darker(colour: str, factor: float = 0.6) -> str:
    """The border colour of a fill.

    >>> darker("#FFFFFF", 0.5)
    '#808080'
    """
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02X}{:02X}{:02X}".format(*(round(c * factor) for c in (red, green, blue)))


def shape_svg(shape: str, colour: str, *, size: int = 16) -> str:
    """A small inline SVG of a shape, drawn from the same outline as the graph."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-1.6 -1.6 3.2 3.2" width="{size}" height="{size}" '
        f'aria-hidden="true"><path d="{SHAPES[shape]}" fill="{colour}" stroke="{darker(colour)}" '
        f'stroke-width="0.16" stroke-linejoin="round"/></svg>'
    )


def legend() -> list[dict[str, str]]:
    """One entry per node type, in table order: type, label, colour, shape, symbol, svg.

    >>> [entry["type"] for entry in legend()][:3]
    ['level', 'theme', 'strand']
    """
    return [
        {
            "type": node_type.value,
            "label": style.label,
            "color": style.color,
            "shape": style.shape,
            "symbol": SHAPE_SYMBOLS[style.shape],
            "svg": shape_svg(style.shape, style.color),
        }
        for node_type, style in STYLES.items()
    ]


def drawing_styles() -> dict[str, dict]:
    """The table as the browser's drawing code reads it (type value -> style)."""
    table = {node_type.value: style for node_type, style in STYLES.items()} | {"other": OTHER}
    return {
        name: {
            "name": style.label,
            "color": style.color,
            "border": darker(style.color),
            "shape": style.shape,
            "size": style.size,
            "font": style.font,
            "tier": style.tier,
        }
        for name, style in table.items()
    }


def label_rules(presentation: bool = False) -> dict[str, float | str]:
    """The label rules the drawing follows: the smallest size drawn and the scale of all sizes."""
    return {
        "min_px": MIN_PRESENTATION_PX if presentation else MIN_LABEL_PX,
        "scale": PRESENTATION_SCALE if presentation else 1.0,
        "font": LABEL_FONT,
        "colour": LABEL_COLOUR,
        "faded": FADED_LABEL,
    }


_PATH_TOKEN = re.compile(r"[MLCZ]|-?\d+(?:\.\d+)?(?:e-?\d+)?")


def path_commands(shape: str) -> list[tuple[str, list[float]]]:
    """A shape's outline as (command, numbers) pairs, for drawing libraries without SVG paths.

    >>> path_commands("square")[0]
    ('M', [-0.9, -0.9])
    """
    commands: list[tuple[str, list[float]]] = []
    for token in _PATH_TOKEN.findall(SHAPES[shape]):
        if token in "MLCZ":
            commands.append((token, []))
        else:
            commands[-1][1].append(float(token))
    return commands
