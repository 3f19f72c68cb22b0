"""数据管理 building blocks, one module per task; this package exposes what ``pages/5_data.py`` uses.

- :mod:`.common`: the operator recorded with every change, times as shown, a refusal in Chinese;
- :mod:`.upload`: the template, the uploader, the size limit and the validation messages;
- :mod:`.preview`: the stored evaluation a workbook would update, the difference, the gaps, publishing;
- :mod:`.report_text`: a report's text parsed into a workbook, and the report-source viewer;
- :mod:`.rectification`: the 整改 editor (one item, with a conflict check);
- :mod:`.versions`: the version list, downloads and rollback;
- :mod:`.bulk_import`: several files at once;
- :mod:`.aliases`: the unit alias table.

Every write goes through ``evalcore.store``; the widgets here only collect input and show results.
Text from a workbook is shown through tables and ``st.text``/``st.code`` only, never as markdown or HTML.
"""
from __future__ import annotations

from .aliases import aliases_section
from .bulk_import import bulk_import_section
from .common import NEED_OPERATOR, operator, refused, when
from .preview import existing_evaluation, publish_panel, show_diff, show_gaps
from .rectification import item_label, rectification_editor, version_labels
from .report_text import (
    MARK_COLOURS,
    MARK_NAMES,
    SOURCE_LINES_SHOWN,
    figures_table,
    report_text_section,
    show_parsed,
    source_html,
)
from .upload import STORED_AS_IS, UPLOAD_LIMIT_MB, check_upload, messages_frame, show_messages, too_big, upload_section
from .versions import versions_panel

__all__ = ["MARK_COLOURS", "MARK_NAMES", "NEED_OPERATOR", "SOURCE_LINES_SHOWN", "STORED_AS_IS", "UPLOAD_LIMIT_MB",
           "aliases_section", "bulk_import_section", "check_upload", "existing_evaluation", "figures_table", "flash",
           "item_label", "messages_frame", "operator", "publish_panel", "rectification_editor", "refused",
           "report_text_section", "show_diff", "show_gaps", "show_messages", "show_parsed", "source_html", "too_big",
           "upload_section", "version_labels", "versions_panel", "when"]
