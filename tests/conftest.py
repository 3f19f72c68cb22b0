"""Every test session gets its own store: nothing a test publishes reaches the developer's .evalboard/.

In CI (``EVALBOARD_CI=1``, set by ``.ci/run``) hypothesis runs derandomized, so a CI result is repeatable;
on a developer's machine it explores new examples on every run (that is how it found the 类别序号 bug).
"""
import os
import tempfile
from pathlib import Path

from hypothesis import settings

_SESSION_DB = Path(tempfile.mkdtemp(prefix="evalboard-tests-")) / "evalboard.db"

settings.register_profile("ci", derandomize=True)
if os.environ.get("EVALBOARD_CI"):
    settings.load_profile("ci")


def pytest_configure(config):
    os.environ.pop("EVALBOARD_DATABASE_URL", None)
    os.environ["EVALBOARD_DB_PATH"] = str(_SESSION_DB)
    # A first run loads only the Changsha seed in tests (the page tests check its figures); the portfolio tests
    # set EVALBOARD_SAMPLES=all with a store of their own.
    os.environ.setdefault("EVALBOARD_SAMPLES", "seed")
