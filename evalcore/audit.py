"""Temporary shim: the stated-vs-computed checks are ``evalcore.consistency`` now.

Kept only because ``evalcore/workbook.py`` (``from .audit import audit``) and ``tests/unit/test_reporttext_shapes.py``
still import this name; they belong to another change. Remove this file once they import ``evalcore.consistency``.
"""
from .consistency import Discrepancy, check, check_messages

Finding = Discrepancy
audit = check
audit_messages = check_messages

__all__ = ["Discrepancy", "Finding", "audit", "audit_messages", "check", "check_messages"]
