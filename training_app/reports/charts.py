"""Charts rendered on the server as SVG with pygal, embedded inline in pages (and PDFs).

Pages run under a strict Content-Security-Policy (no inline scripts or styles), so the SVG keeps
only shapes and text: pygal's <script> (its config for the optional JavaScript), its <style> and
its tooltip layer (hidden with a style attribute, useful only with that JavaScript) are removed,
and the look comes from static/css/charts.css through the classes pygal sets. Each chart is an
image with a <title> (role="img", aria-labelledby) and is followed on the page by its table.
"""

import sys

import pygal
from markupsafe import Markup
from pygal import etree as pygal_etree

from ..core.turkish import format_number

# pygal puts an old-style import hook (find_module only, for its pygal.maps plugins) at the end
# of sys.meta_path, and Python warns (ImportWarning) on every later import that reaches it. We
# use no plugin, so it goes.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

#: Bars per chart before the chart grows taller (horizontal charts of 39 municipalities).
_ROW_HEIGHT = 26


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _strip(root) -> None:
    """Drop what a strict CSP refuses or what only pygal's JavaScript uses."""
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in list(root.iter()):
        name = _local(element.tag)
        classes = (element.get("class") or "").split()
        if (
            name in ("script", "style", "desc")
            or "tooltip-overlay" in classes
            or not isinstance(element.tag, str)  # comments
        ) and element in parents:
            parents[element].remove(element)
    for element in root.iter():
        element.attrib.pop("style", None)
        if element is not root:
            # pygal repeats ids such as "activate-serie-0" in every chart of a page.
            element.attrib.pop("id", None)


def render(chart, title: str) -> Markup:
    """The chart as an inline, accessible SVG element (no script, no style)."""
    root = chart.render_tree()
    _strip(root)
    chart_id = root.get("id") or "chart"
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title")
    root.set("class", (root.get("class", "") + " report-chart").strip())
    for element in root:
        if _local(element.tag) == "title":
            element.set("id", f"{chart_id}-title")
            element.text = title
            break
    svg = pygal_etree.etree.tostring(root, encoding="unicode")
    return Markup(svg)


def _config(title: str, **options) -> dict:
    base = {
        "title": title,
        "js": [],
        "css": [],
        "disable_xml_declaration": True,
        "show_legend": False,
        "width": 800,
        "height": 360,
        "margin": 12,
        "print_values": False,
        "truncate_label": 40,
        "value_formatter": format_number,
    }
    base.update(options)
    return base


def bar_chart(
    title: str,
    labels: list[str],
    series: list[tuple[str, list[float]]],
    horizontal: bool = False,
    digits: int = 0,
) -> Markup:
    """A bar chart of one or more series over `labels` (horizontal for long lists of names)."""

    def formatter(value):
        # Whole axis steps without decimals; values with `digits` decimals.
        return format_number(value, 0 if float(value).is_integer() else digits)

    options = {"value_formatter": formatter}
    if len(series) > 1:
        options.update(show_legend=True, legend_at_bottom=True)
    if horizontal:
        options["height"] = max(200, 90 + _ROW_HEIGHT * len(labels) * max(len(series), 1))
        chart = pygal.HorizontalBar(**_config(title, **options))
        # Horizontal bars list from the bottom: reverse so the table's first line is on top.
        labels = list(reversed(labels))
        series = [(name, list(reversed(values))) for name, values in series]
    else:
        options["x_label_rotation"] = 30 if len(labels) > 6 else 0
        chart = pygal.Bar(**_config(title, **options))
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, values)
    return render(chart, title)
