"""The upload guard reads a refused body first when the refusal is for the session's pending uploads (a signed-in
uploader's file of an allowed size), so the Chinese answer is not lost to a connection closed under a body still
being sent; every other refusal answers before reading anything (components/guard.py)."""
import asyncio
import threading

import pytest

from components import guard


def run_guard(monkeypatch, refusal, chunks: int, chunk: int = 1024 * 1024):
    monkeypatch.setattr(guard, "upload_refusal", lambda scope, sid, auth_mode: refusal)
    monkeypatch.setattr(guard, "_auth_mode", lambda: "none")
    events: list[str] = []
    sent: list[dict] = []
    left = [chunks]

    async def receive():
        left[0] -= 1
        events.append("receive")
        return {"type": "http.request", "body": b"x" * chunk, "more_body": left[0] > 0}

    async def send(message):
        events.append(message["type"])
        sent.append(message)

    async def app(scope, receive_, send_):  # the upstream app is never reached on a refusal
        raise AssertionError("reached the app")

    scope = {"type": "http", "method": "PUT", "path": "/_stcore/upload_file/s1/f1", "headers": []}
    # in a thread of its own: a test before this one in the same worker may have left an event loop running here
    failed: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(guard.Guard(app)(scope, receive, send))
        except BaseException as exc:  # re-raised in the test's thread
            failed.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if failed:
        raise failed[0]
    return events, sent


def test_a_refusal_for_pending_uploads_reads_the_body_before_answering(monkeypatch) -> None:
    events, sent = run_guard(monkeypatch, (413, guard.TOO_MUCH_PENDING), chunks=21)
    assert events[:21] == ["receive"] * 21 and events[21:] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 413 and guard.TOO_MUCH_PENDING.encode() == sent[1]["body"]


def test_the_body_read_before_a_refusal_is_bounded(monkeypatch) -> None:
    limit_chunks = guard.UPLOAD_BODY_MAX // (1024 * 1024)
    events, _ = run_guard(monkeypatch, (413, guard.TOO_MUCH_PENDING), chunks=limit_chunks * 3)
    assert events.count("receive") <= limit_chunks + 2


@pytest.mark.parametrize("refusal", [(403, guard.NOT_SIGNED_IN), (413, guard.TOO_LARGE), (411, guard.NO_LENGTH)])
def test_other_refusals_answer_before_reading_anything(monkeypatch, refusal) -> None:
    events, sent = run_guard(monkeypatch, refusal, chunks=5)
    assert "receive" not in events and sent[0]["status"] == refusal[0]
