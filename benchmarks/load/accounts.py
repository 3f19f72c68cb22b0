"""Password sign-in for a load run: whether this tree has it, and the viewer and evaluator accounts, created in the
run's own database through the command line (the password on stdin, never on the command line)."""
from __future__ import annotations

import dataclasses
import secrets
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def password_auth_available() -> bool:
    """Whether this tree has password sign-in: ``python -m evalcore user add`` exists."""
    try:
        proc = subprocess.run([sys.executable, "-m", "evalcore", "user", "add", "--help"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0 and "--password-stdin" in proc.stdout


@dataclasses.dataclass(frozen=True)
class Account:
    name: str
    password: str
    role: str


def create_accounts(env: dict[str, str], viewers: int, shared: bool) -> tuple[list[Account], Account]:
    """Accounts in the run's own database, through the CLI (the password on stdin, never on the command line)."""
    names = ["loadviewer"] if shared else [f"loadviewer{i + 1:02d}" for i in range(viewers)]
    accounts = [Account(n, secrets.token_urlsafe(12), "viewer") for n in names]
    evaluator = Account("loadevaluator", secrets.token_urlsafe(12), "evaluator")

    def add(account: Account) -> None:
        proc = subprocess.run(
            [sys.executable, "-m", "evalcore", "user", "add", account.name, "--role", account.role,
             "--password-stdin"],
            input=account.password + "\n", cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(f"evalcore user add {account.name} failed ({proc.returncode}): "
                               f"{(proc.stderr or proc.stdout).strip()[-800:]}")

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(add, [*accounts, evaluator]))
    return ([accounts[0]] * viewers if shared else accounts), evaluator
