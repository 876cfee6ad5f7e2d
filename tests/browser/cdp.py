"""A small Chrome DevTools Protocol client over --remote-debugging-pipe.

Python's standard library only: Chromium reads commands from fd 3 and writes
replies and events to fd 4, each message a JSON text ending in NUL.  No
port is opened, so nothing else on the machine can drive the browser.

    with Browser() as b:
        page = b.new_page()
        page.navigate("file:///tmp/report.html")
        print(page.evaluate("document.title"))
"""
import json
import os
import shutil
import subprocess
import tempfile
import time


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class ProtocolError(Exception):
    pass


class Browser:
    def __init__(self, binary=None, width=1200, height=900):
        self.binary = binary or find_chromium()
        if not self.binary:
            raise FileNotFoundError("chromium is not installed")
        self.profile = tempfile.mkdtemp(prefix="kpiscan-chromium-")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def wire():
            # the protocol's fixed descriptors: 3 in, 4 out
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        args = [
            self.binary, "--headless", "--no-sandbox", "--disable-gpu",
            "--remote-debugging-pipe", f"--user-data-dir={self.profile}",
            "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--mute-audio",
            "--disable-dev-shm-usage", "--disable-features=Translate",
            f"--window-size={width},{height}", "about:blank",
        ]
        # Chromium runs as root here, hence --no-sandbox; stderr holds
        # only its own chatter (D-Bus), kept out of the test's log.
        self.proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=wire,
            # kept open after preexec_fn, which made them 3 and 4
            pass_fds=(3, 4))
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    # -- transport ---------------------------------------------------------
    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            if time.monotonic() > deadline:
                raise TimeoutError("no message from chromium")
            import select
            ready, _, _ = select.select([self.from_child], [], [],
                                        max(0.0, deadline - time.monotonic()))
            if not ready:
                continue
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                raise ProtocolError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        mid = self.next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == mid:
                if "error" in reply:
                    raise ProtocolError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method, session=None, timeout=30):
        """The first event named method not yet taken (waiting for it)."""
        deadline = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev.get("method") == method and (
                        session is None or ev.get("sessionId") == session):
                    return self.events.pop(i)
            self.events.append(self._read_message(deadline))

    def pump(self, seconds):
        """Read the events that arrive within seconds."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._read_message(deadline))
        except TimeoutError:
            pass

    def new_page(self):
        target = self.send("Target.createTarget", {"url": "about:blank"})
        session = self.send("Target.attachToTarget",
                            {"targetId": target["targetId"],
                             "flatten": True})["sessionId"]
        return Page(self, session)

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_child)
        os.close(self.from_child)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Page:
    def __init__(self, browser, session):
        self.b = browser
        self.session = session
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")

    def send(self, method, params=None, timeout=30):
        return self.b.send(method, params, self.session, timeout)

    def navigate(self, url, timeout=60):
        self.send("Page.navigate", {"url": url})
        self.b.wait_event("Page.loadEventFired", self.session, timeout)

    def evaluate(self, expression):
        r = self.send("Runtime.evaluate",
                      {"expression": expression, "returnByValue": True,
                       "awaitPromise": True})
        if "exceptionDetails" in r:
            raise ProtocolError(f"{expression[:60]}: "
                                f"{r['exceptionDetails'].get('text')}")
        return r["result"].get("value")

    def click(self, selector):
        """A real mouse click in the middle of the element."""
        box = self.evaluate(
            "(function(){var e=document.querySelector(%s);"
            "e.scrollIntoView({block:'center'});"
            "var r=e.getBoundingClientRect();"
            "return [r.left+r.width/2, r.top+r.height/2];})()"
            % json.dumps(selector))
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent",
                      {"type": kind, "x": box[0], "y": box[1],
                       "button": "left", "clickCount": 1})

    def key(self, key, code=None, vk=0, text=None):
        """Press and release a key; text (e.g. "\\r" for Enter) makes it a
        key that types, which is what activates a focused button."""
        down = {"type": "keyDown" if text else "rawKeyDown", "key": key,
                "code": code or key, "windowsVirtualKeyCode": vk}
        if text:
            down["text"] = text
        self.send("Input.dispatchKeyEvent", down)
        self.send("Input.dispatchKeyEvent",
                  {"type": "keyUp", "key": key, "code": code or key,
                   "windowsVirtualKeyCode": vk})

    def events(self, *methods):
        return [e for e in self.b.events
                if e.get("sessionId") == self.session
                and e.get("method") in methods]
