#!/usr/bin/env python3
"""Opens pages in headless Chromium and reports what a reader would see, as one JSON object.

    scripts/browser-check.py SCREENSHOT_DIR URL...

For each URL: the number of messages, search hits and loaded pictures in the DOM, the script
elements and inline event handlers present, whether `window.__pwned` (what the hostile test
archive tries to set) is defined, and every console message, exception and log entry of level
error; a screenshot is saved as SCREENSHOT_DIR/<n>.png. Speaks the DevTools protocol over a
WebSocket of its own (the standard library has none), so it needs nothing but Chromium.
"""
import base64, json, os, re, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request


class DevTools:
    def __init__(self, ws_url):
        match = re.match(r"ws://([^:/]+):(\d+)(/.*)", ws_url)
        self.sock = socket.create_connection((match.group(1), int(match.group(2))), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {match.group(3)} HTTP/1.1\r\nHost: {match.group(1)}:{match.group(2)}\r\n"
                           f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("DevTools refused the WebSocket: " + head.decode(errors="replace"))
        self.next_id = 0
        self.events = []

    def _read(self, count):
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            data += chunk
        return data

    def _frame(self):
        message = b""
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            message += self._read(length)
            if first & 0x80:
                return json.loads(message)

    def call(self, method, **params):
        self.next_id += 1
        payload = json.dumps({"id": self.next_id, "method": method, "params": params}).encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        else:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        while True:
            message = self._frame()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event, seconds=30):
        deadline = time.time() + seconds
        while time.time() < deadline:
            for index, message in enumerate(self.events):
                if message.get("method") == event:
                    del self.events[index]
                    return message
            self.events.append(self._frame())
        raise RuntimeError(f"no {event} within {seconds} s")


PROBE = """JSON.stringify({
  title: document.title,
  messages: document.querySelectorAll('article.message').length,
  hits: document.querySelectorAll('ol.hits > li').length,
  pictures: [...document.images].filter(i => i.complete && i.naturalWidth > 0).length,
  images: document.images.length,
  scripts: document.scripts.length,
  handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
  javascriptLinks: [...document.links].filter(a => a.protocol === 'javascript:').length,
  pwned: typeof window.__pwned,
  text: document.body ? document.body.innerText.slice(0, 4000) : ''
})"""


def problems(events):
    found = []
    for message in events:
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.exceptionThrown":
            found.append("exception: " + json.dumps(params.get("exceptionDetails", {}))[:500])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
            found.append("console: " + json.dumps(params.get("args", []))[:500])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
            entry = params["entry"]
            found.append(f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}"[:500])
    return found


def main():
    shots, urls = sys.argv[1], sys.argv[2:]
    os.makedirs(shots, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="browser-check-")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("browser-check: no chromium (scripts/setup-machine installs it)")
    arguments = [browser, "--headless=new", "--remote-debugging-port=0", f"--user-data-dir={profile}",
                 "--no-first-run", "--disable-gpu", "--disable-extensions", "--window-size=1200,900", "about:blank"]
    if os.geteuid() == 0:
        arguments.insert(1, "--no-sandbox")
    process = subprocess.Popen(arguments, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        ws = None
        deadline = time.time() + 60
        while ws is None and time.time() < deadline:
            line = process.stderr.readline()
            if not line and process.poll() is not None:
                sys.exit("browser-check: chromium exited before listening")
            match = re.search(r"DevTools listening on (ws://\S+)", line)
            if match:
                ws = match.group(1)
        port = re.match(r"ws://[^:]+:(\d+)/", ws).group(1)
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t.get("type") == "page")
        tools = DevTools(page["webSocketDebuggerUrl"])
        for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
            tools.call(domain)
        report = []
        for number, url in enumerate(urls, 1):
            tools.events.clear()
            tools.call("Page.navigate", url=url)
            tools.wait_for("Page.loadEventFired")
            time.sleep(0.3)  # late console messages (a blocked resource) arrive after load
            tools.call("Runtime.evaluate", expression="1")
            result = tools.call("Runtime.evaluate", expression=PROBE, returnByValue=True)
            seen = json.loads(result["result"]["value"])
            shot = tools.call("Page.captureScreenshot", format="png")
            path = os.path.join(shots, f"{number}.png")
            with open(path, "wb") as file:
                file.write(base64.b64decode(shot["data"]))
            seen.update(url=url, screenshot=path, problems=problems(tools.events))
            report.append(seen)
        print(json.dumps(report))
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
