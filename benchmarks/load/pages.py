"""What the load run's browsers look at: the six pages and what must be on each before it counts as rendered
(``PageSpec``, checked in the page by ``READY_JS``), the sidebar's state, the description of a page for an error
report, and the browser's flags (loopback only)."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from tests import serving

ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = serving.CHROMIUM
CHROMIUM_ARGS = [
    *serving.CHROMIUM_ARGS,
    # Every session is a user looking at their page: no throttling of pages Chromium considers hidden.
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
]
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
# Any request for another host is aborted in the browser (the material-symbol favicon on fonts.gstatic.com).
NOT_LOOPBACK = re.compile(r"^(?:https?|wss?)://(?!(?:127\.0\.0\.1|localhost|\[::1\])(?:[:/]|$))")
NAV_LINK = "[data-testid='stSidebar'] a[data-testid='stPageLink-NavLink']"
EXPAND_SIDEBAR = "[data-testid='stExpandSidebarButton']"
KINDS = ("first", "load", "click")
KIND_LABEL = {"first": "first load (new session)", "load": "full page load", "click": "sidebar link"}


@dataclasses.dataclass(frozen=True)
class PageSpec:
    """A page and what must be on it before it counts as rendered (minimum counts, for the sample data)."""

    path: str
    label: str  # sidebar label; the tab title starts with it
    source: str  # the page file, as the server reports its script runs
    charts: int = 0
    metrics: int = 0
    grids: int = 0
    selectors: tuple[str, ...] = ()

    def js(self) -> dict[str, Any]:
        return {"path": self.path, "title": f"{self.label} · ", "charts": self.charts, "metrics": self.metrics,
                "grids": self.grids, "selectors": list(self.selectors)}


PAGES = [
    PageSpec("/", "总览", "app.py", charts=3, metrics=3),
    PageSpec("/units", "单位对比", "pages/1_units.py", charts=5, grids=2),
    PageSpec("/problems", "问题分析", "pages/2_problems.py", charts=3, grids=1),
    PageSpec("/rectification", "建议与整改", "pages/3_rectification.py", charts=4, metrics=4, grids=4),
    PageSpec("/present", "演示", "pages/4_present.py", selectors=(".eb-counter", "h1.eb-slide-title, .eb-cover h1")),
    # Viewers get 版本记录 and 导出 only; evaluators and admins also the upload (checked by the publisher).
    PageSpec("/data", "数据管理", "pages/5_data.py", selectors=("[data-testid='stTabs']",)),
]
BY_PATH = {p.path: p for p in PAGES}
DATA_PAGE = BY_PATH["/data"]

# The readiness check, run in the page every 100 ms. null: not yet; {state: ok | error | signin, ...}.
READY_JS = r"""(spec) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return null;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return null;
  if (document.querySelector('[data-testid="stElementContainer"][data-stale="true"]')) return null;
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const boxes = [...document.querySelectorAll('[data-testid="stException"], [data-testid="stAlertContentError"]')]
    .filter((el, _, all) => !all.some(o => o !== el && o.contains(el)));
  if (boxes.length) {
    return {state: 'error', path,
            detail: boxes.map(e => e.getAttribute('data-testid') + ': ' + e.innerText.trim().slice(0, 300))
                         .join(' | ')};
  }
  if ([...document.querySelectorAll('[role="dialog"]')].some(d => d.innerText.includes('Page not found'))) {
    return {state: 'error', path, detail: 'Streamlit dialog "Page not found"'};
  }
  if (document.querySelector('input[aria-label="用户名"]') && document.querySelector('input[aria-label="密码"]')) {
    return {state: 'signin', path};
  }
  if (spec === null) return {state: 'idle', path};
  if (path !== spec.path || !document.title.startsWith(spec.title)) return null;
  // The page's script run has finished and its elements have arrived: the server's part is done.
  if (window.__ebIdle === undefined) window.__ebIdle = performance.now();
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  if (charts.length < spec.charts) return null;
  for (const c of charts) if (!c.querySelector('.js-plotly-plot .main-svg')) return null;
  if (document.querySelectorAll('[data-testid="stMetricValue"]').length < spec.metrics) return null;
  const grids = [...document.querySelectorAll('iframe')]
    .filter(f => (f.getAttribute('src') || '').toLowerCase().includes('aggrid'));
  if (grids.length < spec.grids) return null;
  for (const f of grids) {
    let doc = null;
    try { doc = f.contentDocument; } catch (e) { return null; }
    if (!doc || !doc.querySelector('.ag-root')) return null;
    if (!doc.querySelector('.ag-row, .ag-overlay-no-rows-wrapper, .ag-overlay-no-rows-center')) return null;
  }
  for (const s of spec.selectors) if (!document.querySelector(s)) return null;
  const side = document.querySelector('[data-testid="stSidebar"]');
  const m = side && side.textContent.match(/当前第\s*(\d+)\s*版/);
  if (!m) return null;
  const t0 = window.__ebT0 || 0;  // a sidebar click sets it; a full load starts a new document (time origin 0)
  return {state: 'ok', path, version: parseInt(m[1], 10), script_done_ms: window.__ebIdle - t0,
          drawn_ms: performance.now() - t0};
}"""

# The sidebar: open (fully on screen), collapsed, or moving.
SIDEBAR_JS = r"""() => {
  const s = document.querySelector('[data-testid="stSidebar"]');
  if (!s) return 'missing';
  if (s.getAttribute('data-collapsed') === 'true') return 'collapsed';
  return s.getBoundingClientRect().left >= 0 ? 'open' : 'moving';
}"""

# What the page looks like when a wait timed out: for the error report.
DESCRIBE_JS = r"""() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return {path: location.pathname, title: document.title,
          connection: app && app.getAttribute('data-test-connection-state'),
          script: app && app.getAttribute('data-test-script-state'),
          running_indicator: !!document.querySelector('[data-testid="stStatusWidget"]'),
          stale: document.querySelectorAll('[data-stale="true"]').length,
          charts: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
          charts_drawn: document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg').length,
          metrics: document.querySelectorAll('[data-testid="stMetricValue"]').length,
          iframes: document.querySelectorAll('iframe').length};
}"""
