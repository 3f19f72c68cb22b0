"""One renderer of a slide's pieces to HTML, used by the 演示 page (``components.slides``) and the HTML export.

The pieces (head, tiles, sentences, table, chart title, blocks, footnotes, cover) are Jinja2 macros with
auto-escaping, so workbook text is always text, never markup. Both callers get the same markup; only the class
prefix differs: the page lives inside Streamlit's DOM and prefixes its classes (``eb-``), the export is a document
of its own (no prefix). Each caller brings its stylesheet; the colours come from ``evalcore.figures.style``.

The page draws charts with Streamlit between these pieces, the export places Plotly's HTML between them: so the
chart itself is not drawn here, only its title.
"""
from __future__ import annotations

from collections.abc import Sequence
from html import escape

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from .slides import ILLUSTRATIVE_LABEL, Block, Chart, Slide, Table, Tile

# One macro per piece; whitespace between tags is stripped so the markup is the same as hand-written HTML.
_MACROS = """
{%- macro head(slide, p, title_tag) -%}
<div class="{{ p }}head"><div><{{ title_tag }} class="{{ p }}slide-title">{{ slide.title }}</{{ title_tag }}>
{%- if slide.subtitle %}<p class="{{ p }}subtitle">{{ slide.subtitle }}</p>{% endif -%}
</div>{% if slide.illustrative %}<span class="{{ p }}tag">{{ label }}</span>{% endif %}</div>
{%- endmacro -%}

{%- macro tiles(items, p) -%}
<div class="{{ p }}tiles">{% for t in items -%}
<div class="{{ p }}tile"><div class="label">{{ t.label }}</div><div class="value">{{ t.value }}</div>
{%- if t.note %}<div class="note">{{ t.note }}</div>{% endif %}</div>
{%- endfor %}</div>
{%- endmacro -%}

{%- macro sentences(items, p, large) -%}
<div class="{{ p }}sentences{{ ' large' if large else '' }}">{% for s in items %}<p>{{ s }}</p>{% endfor %}</div>
{%- endmacro -%}

{%- macro table(t, p) -%}
<div class="{{ p }}table"><table><thead><tr>{% for h in t.header %}<th>{{ h }}</th>{% endfor %}</tr></thead><tbody>
{%- for row in t.rows %}<tr>{% for v in row %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor -%}
</tbody></table></div>
{%- endmacro -%}

{%- macro chart_title(chart, p) -%}
<p class="{{ p }}chart-title">{{ chart.title }}
{%- if chart.illustrative %}<span class="{{ p }}tag small">{{ label }}</span>{% endif %}</p>
{%- endmacro -%}

{%- macro blocks(items, p) -%}
<div class="{{ p }}blocks">{% for b in items -%}
<div class="{{ p }}block"><h3>{{ b.heading }}</h3>
{%- if b.lines | length > 1 %}<ol>{% for t in b.lines %}<li>{{ t }}</li>{% endfor %}</ol>
{%- else %}{% for t in b.lines %}<p>{{ t }}</p>{% endfor %}{% endif %}</div>
{%- endfor %}</div>
{%- endmacro -%}

{%- macro footnotes(slide, p) -%}
{%- if slide.footnotes or slide.illustrative -%}
<div class="{{ p }}foot">{% for t in slide.footnotes %}<p>{{ t }}</p>{% endfor %}
{%- if slide.illustrative %}<p class="illustrative">{{ label }}：{{ slide.illustrative_note }}</p>{% endif %}</div>
{%- endif -%}
{%- endmacro -%}

{%- macro cover(title, lines, small) -%}
<h1>{{ title }}</h1><div class="bar"></div>{% for t in lines %}<p>{{ t }}</p>{% endfor -%}
{%- for t in small %}<p class="small">{{ t }}</p>{% endfor %}
{%- endmacro -%}
"""



def _escaped(value: object) -> Markup:
    """Every ``{{ value }}`` through :func:`html.escape` (quotes too), the escaping the rest of the export uses, so
    the markup is byte for byte what it was before the pieces became macros; auto-escaping stays on as a guard."""
    return value if isinstance(value, Markup) else Markup(escape(str(value), quote=True))


_ENV = Environment(autoescape=True, undefined=StrictUndefined, finalize=_escaped)
_M = _ENV.from_string(_MACROS, globals={"label": ILLUSTRATIVE_LABEL}).module


def _html(value: object) -> Markup:
    return Markup(str(value).strip())


def head(slide: Slide, prefix: str, title_tag: str = "h1") -> Markup:
    """Title, subtitle and the 示例数据 tag of a slide."""
    return _html(_M.head(slide, prefix, title_tag))  # type: ignore[attr-defined]


def tiles(items: Sequence[Tile], prefix: str) -> Markup:
    return _html(_M.tiles(items, prefix))  # type: ignore[attr-defined]


def sentences(items: Sequence[str], prefix: str, large: bool = False) -> Markup:
    return _html(_M.sentences(items, prefix, large))  # type: ignore[attr-defined]


def table(t: Table, prefix: str) -> Markup:
    return _html(_M.table(t, prefix))  # type: ignore[attr-defined]


def chart_title(chart: Chart, prefix: str) -> Markup:
    return _html(_M.chart_title(chart, prefix))  # type: ignore[attr-defined]


def blocks(items: Sequence[Block], prefix: str) -> Markup:
    return _html(_M.blocks(items, prefix))  # type: ignore[attr-defined]


def footnotes(slide: Slide, prefix: str) -> Markup:
    """The footnotes and the 示例数据 note; empty when there is neither."""
    return _html(_M.footnotes(slide, prefix))  # type: ignore[attr-defined]


def cover(title: str, lines: Sequence[str], small: Sequence[str]) -> Markup:
    """The inside of a cover: the title, a bar, its lines and its small print (the caller draws the frame)."""
    return _html(_M.cover(title, lines, small))  # type: ignore[attr-defined]


def cover_lines(year: int | None, evaluator: str) -> list[str]:
    """The lines under the cover's title: the year and the evaluator (those that are known)."""
    return [p for p in (f"{year} 年度" if year else "", evaluator) if p]
