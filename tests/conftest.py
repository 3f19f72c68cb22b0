"""Every test session gets its own store: nothing a test publishes reaches the developer's .evalboard/."""
import os
import tempfile
from pathlib import Path

_SESSION_DB = Path(tempfile.mkdtemp(prefix="evalboard-tests-")) / "evalboard.db"


def pytest_configure(config):
    os.environ.pop("EVALBOARD_DATABASE_URL", None)
    os.environ["EVALBOARD_DB_PATH"] = str(_SESSION_DB)
