"""A Streamlit client speaking the wire protocol directly, as an attacker would: it connects to
``/_stcore/stream`` (optionally claiming an existing session id, with or without cookies), sends BackMsgs with any
widget values, and collects what the server renders (texts, errors, exceptions)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect


def _repeated(fd) -> bool:
    return bool(getattr(fd, "is_repeated", False))


def _texts(msg: ForwardMsg) -> list[str]:
    """Every string inside a delta (labels, markdown bodies, alert texts, exception messages and traces)."""
    out: list[str] = []

    def walk(m) -> None:
        for fd, value in m.ListFields():
            if fd.type == fd.TYPE_MESSAGE:
                for v in (value if _repeated(fd) else [value]):
                    walk(v)
            elif fd.type == fd.TYPE_STRING:
                out.extend(value if _repeated(fd) else [value])
    walk(msg)
    return out


@dataclass
class Run:
    session_id: str = ""
    texts: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)  # every text of every exception element
    page_hash: str = ""
    finished: bool = False

    @property
    def ids(self) -> dict[str, str]:
        """Widget element ids by user key ("$$ID-<hash>-<key>")."""
        return {t.split("-", 2)[2]: t for t in self.texts if t.startswith("$$ID-") and t.count("-") >= 2}

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


class Client:
    def __init__(self, base_url: str, *, session_id: str = "", cookies: str = "", origin: str = "") -> None:
        ws_url = base_url.replace("http://", "ws://") + "/_stcore/stream"
        headers = {"Origin": origin or base_url, **({"Cookie": cookies} if cookies else {})}
        # the browser sends [subprotocol, xsrf token, session id to resume]; the server selects the first
        protocols = ["streamlit", "x", session_id] if session_id else ["streamlit"]
        self._connection = connect(ws_url, subprotocols=protocols, additional_headers=headers, open_timeout=30,
                                   max_size=None)
        self.ws = self._connection.__enter__()
        self.session_id = session_id

    def close(self) -> None:
        self._connection.__exit__(None, None, None)

    def rerun(self, *, page_hash: str = "", widgets: list | None = None, query: str = "",
              timeout: float = 60.0) -> Run:
        back = BackMsg()
        back.rerun_script.query_string = query
        back.rerun_script.page_script_hash = page_hash
        for widget in widgets or []:
            back.rerun_script.widget_states.widgets.append(widget)
        self.ws.send(back.SerializeToString())
        return self.collect(timeout)

    def collect(self, timeout: float = 60.0) -> Run:
        run = Run(session_id=self.session_id)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                raw = self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                break
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                run.session_id = self.session_id = msg.new_session.initialize.session_id
                run.page_hash = msg.new_session.page_script_hash
            elif kind == "delta":
                texts = _texts(msg.delta)
                run.texts.extend(texts)
                element = msg.delta.new_element
                if msg.delta.WhichOneof("type") == "new_element" and element.WhichOneof("type") == "exception":
                    run.exceptions.extend(texts)
            elif kind == "script_finished":
                run.finished = True
                break
        return run
