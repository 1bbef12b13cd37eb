"""Charts of a report, drawn with matplotlib: a PNG for the DOCX/PDF, an inline SVG for the HTML file (the site's
preview has the browser draw them from their data: reports/html.py, docs/decisions/0005).

Kinds (`Chart.kind`): "bar" — grouped bars, one group per label, one bar per series, the value on top of each
bar; "line" — one line per series with markers; "barh" — grouped horizontal bars (long labels such as commune
names). A `None` value is a gap: no bar, a break in the line, no value label.

Rendering is server-side only: the Agg backend is selected before anything else, pyplot is never imported
(figures are plain `matplotlib.figure.Figure` objects, freed when the function returns, as matplotlib advises
for web servers), and a lock serialises rendering because matplotlib's settings (`rcParams`) are global.
The font is DejaVu Sans, which has every Vietnamese glyph and ships with matplotlib itself (and with Debian's
fonts-dejavu-core), so the output is the same on every machine. The output is deterministic: no date, no
software version in the file, a fixed hash salt for the SVG's ids.

The SVG is rewritten for the site's Content-Security-Policy (`style-src 'self'`, which blocks inline `style`
attributes and `<style>` elements, also inside an inline SVG): every `style="fill: …; stroke: …"` becomes the
equivalent presentation attributes (`fill="…" stroke="…"`), the `<style>` element goes, and every id is
prefixed with the chart's key so that several charts can sit in one page. Text is drawn as paths, so the
browser needs no font; the chart's title is the SVG's accessible name.

A drawing takes 0.1 – 0.2 s of CPU, and the same chart is drawn again and again (each file of a report, its
DOCX, PDF and HTML, the year before of every later report): each output is kept (core/kept.py) under a digest of
everything it is drawn from — the chart's values, the options, this module's own source and matplotlib's version —
so a kept one is exactly what drawing it would give.
"""

import io
import math
import re
import textwrap
import threading
import xml.etree.ElementTree as ET

import matplotlib

matplotlib.use("Agg")  # never a GUI backend, whoever imports pyplot later in this process

from matplotlib.figure import Figure  # noqa: E402  (after the backend is chosen)
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from antoan.core.kept import code_version, kept  # noqa: E402
from antoan.indicators.format import number_vi  # noqa: E402

from .document import Chart  # noqa: E402

KINDS = ("bar", "line", "barh")
FONT = "DejaVu Sans"
# Report text width on A4 with the decree's margins: 210 − 30 − 15 = 165 mm ≈ 6.5 in.
FIGSIZE = (6.5, 3.6)
COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#bf9000", "#404040")

_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#d9d9d9",
    "grid.linewidth": 0.6,
    "svg.fonttype": "path",  # glyphs as paths: Vietnamese shows without any font in the browser
    "svg.hashsalt": "antoan-reports",  # stable clip-path ids → the same SVG for the same chart
    "figure.dpi": 100,
}
_LOCK = threading.Lock()

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

# CSS properties matplotlib writes in `style` that SVG also accepts as presentation attributes.
_PRESENTATION = frozenset(
    {
        "clip-path",
        "clip-rule",
        "color",
        "display",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "visibility",
    }
)
_URL_REF = re.compile(r"url\(#([^)]+)\)")


def chart_png(chart: Chart, *, dpi: int = 150, with_title: bool = True) -> bytes:
    """The chart as a PNG image (6.5 × 3.6 in, the report's text width; 975 × 540 px at 150 dpi). `with_title=False`
    leaves the title out of the picture, for a document that prints it as the figure's caption."""

    def draw() -> bytes:
        buffer = io.BytesIO()
        with _LOCK, matplotlib.rc_context(_RC):
            figure = _draw(chart, with_title=with_title)
            figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None}, facecolor="white")
        return buffer.getvalue()

    return _kept(draw, "png", chart, dpi, with_title)


def chart_svg(chart: Chart, *, id_prefix: str | None = None, with_title: bool = True) -> str:
    """The chart as an `<svg>` element to put inline in HTML: no XML declaration, no script, no style
    attribute (CSP-safe), ids prefixed with `id_prefix` (default: "chart-<key>-"); the title is always its
    accessible name (`aria-label`), drawn only `with_title`."""
    prefix = id_prefix if id_prefix is not None else f"chart-{_safe_id(chart.key)}-"

    def draw() -> str:
        buffer = io.BytesIO()
        with _LOCK, matplotlib.rc_context(_RC):
            figure = _draw(chart, with_title=with_title)
            figure.savefig(buffer, format="svg", metadata={"Date": None}, facecolor="white")
        return _inline_svg(buffer.getvalue(), prefix=prefix, label=chart.title)

    return _kept(draw, "svg", chart, prefix, with_title)


# What a drawing depends on besides its arguments: this module's code and matplotlib's.
_DRAWING_VERSION = code_version(__file__, extra=matplotlib.__version__)


def _kept(draw, kind: str, chart: Chart, *options):
    """`draw()`, or what it gave before for the same chart and options (a drawing is a pure function of them)."""
    # Texts as str: a lazy translation pickles as its message id, not as the words drawn.
    drawn_from = (chart.key, str(chart.title), chart.kind, tuple(map(str, chart.labels)), str(chart.y_label),
                  tuple((str(name), tuple(values)) for name, values in chart.series))  # fmt: skip
    return kept("chart", _DRAWING_VERSION, (kind, drawn_from, options), draw)


# --- drawing ------------------------------------------------------------------------------------------------


def _draw(chart: Chart, *, with_title: bool = True) -> Figure:
    if chart.kind not in KINDS:
        raise ValueError(f"unknown chart kind {chart.kind!r} (expected one of {', '.join(KINDS)})")
    width, height = FIGSIZE
    if chart.kind == "barh":  # a row per unit: enough height that 17 communes' names do not overlap
        height = max(height, 0.3 * len(chart.labels) * max(len(chart.series), 1) ** 0.5 + 1.2)
    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.add_subplot()
    labels = list(chart.labels)
    series = [(name, [_number(v) for v in _aligned(values, len(labels))]) for name, values in chart.series]

    if chart.kind == "line":
        _draw_line(axes, labels, series)
    else:
        _draw_bars(axes, labels, series, horizontal=chart.kind == "barh")

    if chart.title and with_title:
        axes.set_title(textwrap.fill(chart.title, 80))
    if chart.y_label:
        # The value axis: vertical for "bar"/"line", horizontal for "barh".
        (axes.set_xlabel if chart.kind == "barh" else axes.set_ylabel)(chart.y_label)
    named = [name for name, _ in series if name]
    if named:
        # One row when the names fit the width (~90 characters at this size), else two columns.
        columns = len(named) if sum(len(n) + 6 for n in named) <= 90 else min(len(named), 2)
        figure.legend(loc="outside lower center", ncols=columns, frameon=False)
    return figure


def _draw_bars(axes, labels, series, *, horizontal: bool) -> None:
    count = max(len(series), 1)
    width = 0.8 / count
    positions = list(range(len(labels)))
    values_seen: list[float] = []
    for index, (name, values) in enumerate(series):
        offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
        heights = [math.nan if v is None else v for v in values]
        colour = COLOURS[index % len(COLOURS)]
        if horizontal:
            bars = axes.barh(offsets, heights, height=width, label=name or "_nolegend_", color=colour)
        else:
            bars = axes.bar(offsets, heights, width=width, label=name or "_nolegend_", color=colour)
        texts = ["" if v is None else number_vi(v) for v in values]
        axes.bar_label(bars, labels=texts, padding=2, fontsize=7 if count > 2 else 8)
        values_seen.extend(v for v in values if v is not None)

    value_axis, label_axis = (axes.xaxis, axes.yaxis) if horizontal else (axes.yaxis, axes.xaxis)
    if horizontal:
        axes.set_yticks(positions, [textwrap.fill(str(label), 22) for label in labels])
        axes.invert_yaxis()  # the first label on top, as read
        axes.grid(axis="y", visible=False)
    else:
        _category_ticks(axes, positions, labels)
        axes.grid(axis="x", visible=False)
    label_axis.set_tick_params(length=0)
    _value_axis(value_axis, values_seen)
    # Room for the value labels beyond the longest bar.
    if values_seen and max(values_seen) > 0:
        top = max(values_seen) * 1.15
        low = min(0.0, min(values_seen) * 1.15)
        (axes.set_xlim if horizontal else axes.set_ylim)(low, top)


def _draw_line(axes, labels, series) -> None:
    positions = list(range(len(labels)))
    values_seen: list[float] = []
    for index, (name, values) in enumerate(series):
        ys = [math.nan if v is None else v for v in values]
        colour = COLOURS[index % len(COLOURS)]
        axes.plot(positions, ys, marker="o", markersize=4, linewidth=1.6, color=colour, label=name or "_nolegend_")
        values_seen.extend(v for v in values if v is not None)
    _category_ticks(axes, positions, labels)
    axes.grid(axis="x", visible=False)
    _value_axis(axes.yaxis, values_seen)
    if values_seen and min(values_seen) >= 0:
        axes.set_ylim(bottom=0)


def _category_ticks(axes, positions, labels) -> None:
    """Up to 6 categories: wrapped on two or three lines, upright; more: on one line, slanted."""
    if len(labels) <= 6:
        width = min(24, max(8, 70 // max(len(labels), 1)))
        axes.set_xticks(positions, [textwrap.fill(str(label), width) for label in labels])
    else:
        axes.set_xticks(positions, [str(label) for label in labels], rotation=30, ha="right", rotation_mode="anchor")


def _value_axis(axis, values: list[float]) -> None:
    """Ticks written the Vietnamese way (1.234; 2,5); whole steps when every value is whole."""
    if values and all(float(v).is_integer() for v in values):
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: number_vi(value)))


def _aligned(values, length: int) -> list:
    values = list(values)[:length]
    return values + [None] * (length - len(values))


def _number(value):
    if value is None or isinstance(value, bool):
        return None
    value = float(value) if not isinstance(value, int) else value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# --- SVG for inline HTML ------------------------------------------------------------------------------------


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text) or "chart"


def _inline_svg(data: bytes, *, prefix: str, label: str) -> str:
    root = ET.fromstring(data)  # drops the XML declaration, the DOCTYPE and the comments
    for element in list(root):
        if element.tag in (f"{{{SVG_NS}}}metadata",):
            root.remove(element)
    # matplotlib's only stylesheet is `*{stroke-linejoin: round; stroke-linecap: butt}`: inherited attributes on
    # the root say the same.
    for parent in root.iter():
        for child in list(parent):
            if child.tag == f"{{{SVG_NS}}}style":
                parent.remove(child)
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    href = f"{{{XLINK_NS}}}href"
    for element in root.iter():
        style = element.attrib.pop("style", None)
        if style:
            for declaration in style.split(";"):
                name, _, value = declaration.partition(":")
                name, value = name.strip(), value.strip()
                if name in _PRESENTATION and value:
                    element.set(name, value)
        if "id" in element.attrib:
            element.set("id", prefix + element.attrib["id"])
        for attribute in (href, "href"):
            target = element.attrib.get(attribute, "")
            if target.startswith("#"):
                element.set(attribute, "#" + prefix + target[1:])
        for attribute, value in list(element.attrib.items()):
            if "url(#" in value:
                element.set(attribute, _URL_REF.sub(lambda m: f"url(#{prefix}{m.group(1)})", value))
            if attribute.lower().startswith("on"):
                del element.attrib[attribute]
    root.set("role", "img")
    if label:
        root.set("aria-label", label)
    root.set("class", "chart-svg")
    return ET.tostring(root, encoding="unicode")
