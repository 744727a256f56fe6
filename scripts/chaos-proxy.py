#!/usr/bin/env python3
"""A small TCP proxy for fault injection (scripts/chaos): forwards every connection to an
upstream server, optionally with a delay in each direction, and drops live connections on
command, so that a client meets a connection cut in the middle of a statement (such as a COPY).

    scripts/chaos-proxy.py --upstream HOST:PORT --control SOCKET [--listen HOST:PORT] [--latency-ms N]

Prints the port it listens on, on a line of its own, once it is ready. Commands, one line each on
the Unix socket SOCKET, each answered with one JSON line:

    list            the live connections: [{"id", "upstream_port", "age", "up", "down"}]
                    (upstream_port is the proxy's own port towards the server: the client_port
                    that pg_stat_activity shows for the connection's backend)
    cut PORT...     drop the connections whose upstream_port is one of these (a reset both ways)
    cutall          drop every live connection
    latency MS      from now on, delay each piece of data by MS milliseconds in each direction
    quit            stop

Standard library only; one thread, one select loop.
"""
import argparse
import collections
import json
import os
import selectors
import socket
import struct
import sys
import time

BUFFERED = 1 << 20  # stop reading a side while this much is waiting to be written to the other


class Direction:
    def __init__(self, source, target):
        self.source = source
        self.target = target
        self.delayed = collections.deque()  # (due time, bytes); bytes b"" is the end of input
        self.ready = bytearray()  # due, not yet written
        self.ended = False  # the source closed and that was passed on
        self.eof_due = False
        self.count = 0

    def waiting(self):
        return len(self.ready) + sum(len(d) for _, d in self.delayed)


class Pair:
    next_id = 1

    def __init__(self, client, upstream):
        self.id = Pair.next_id
        Pair.next_id += 1
        self.client = client
        self.upstream = upstream
        self.upstream_port = upstream.getsockname()[1]
        self.started = time.monotonic()
        self.up = Direction(client, upstream)
        self.down = Direction(upstream, client)
        self.closed = False


class Proxy:
    def __init__(self, listen, upstream, control, latency):
        self.upstream = upstream
        self.latency = latency
        self.selector = selectors.DefaultSelector()
        self.pairs = {}
        self.listener = socket.create_server(listen, reuse_port=False)
        self.listener.setblocking(False)
        self.selector.register(self.listener, selectors.EVENT_READ, ("accept", None))
        if os.path.exists(control):
            os.unlink(control)
        self.control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.control.bind(control)
        self.control.listen(8)
        self.control.setblocking(False)
        self.selector.register(self.control, selectors.EVENT_READ, ("control", None))
        self.running = True

    def port(self):
        return self.listener.getsockname()[1]

    # The select loop registers each socket once, for reading and (while data waits) writing.
    def interest(self, pair):
        if pair.closed:
            return
        for sock in (pair.client, pair.upstream):
            events = 0
            out = pair.up if sock is pair.client else pair.down  # the direction this socket reads
            into = pair.down if sock is pair.client else pair.up  # the direction it is written by
            if not out.eof_due and out.waiting() < BUFFERED:
                events |= selectors.EVENT_READ
            if into.ready:
                events |= selectors.EVENT_WRITE
            key = self.selector.get_map().get(sock)
            if events == 0:
                if key:
                    self.selector.unregister(sock)
            elif key is None:
                self.selector.register(sock, events, ("pair", pair))
            elif key.events != events:
                self.selector.modify(sock, events, ("pair", pair))

    def accept(self):
        try:
            client, _ = self.listener.accept()
        except BlockingIOError:
            return
        try:
            upstream = socket.create_connection(self.upstream, timeout=2)
        except OSError:
            self.reset(client)  # the server is down: the client sees its connection refused as lost
            return
        for sock in (client, upstream):
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pair = Pair(client, upstream)
        self.pairs[pair.id] = pair
        self.interest(pair)

    @staticmethod
    def reset(sock):
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        sock.close()

    def close(self, pair, abrupt):
        if pair.closed:
            return
        pair.closed = True
        for sock in (pair.client, pair.upstream):
            if self.selector.get_map().get(sock):
                self.selector.unregister(sock)
            if abrupt:
                self.reset(sock)
            else:
                sock.close()
        del self.pairs[pair.id]

    def readable(self, pair, sock):
        direction = pair.up if sock is pair.client else pair.down
        try:
            data = sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            self.close(pair, abrupt=True)
            return
        due = time.monotonic() + self.latency
        direction.delayed.append((due, data))
        direction.count += len(data)
        if not data:
            direction.eof_due = True

    def writable(self, pair, sock):
        direction = pair.down if sock is pair.client else pair.up
        if not direction.ready:
            return
        try:
            sent = sock.send(direction.ready)
        except BlockingIOError:
            return
        except OSError:
            self.close(pair, abrupt=True)
            return
        del direction.ready[:sent]

    def release_due(self):
        """Moves data whose delay has passed to the write buffers, passes ends of input on."""
        now = time.monotonic()
        for pair in list(self.pairs.values()):
            for direction in (pair.up, pair.down):
                while direction.delayed and direction.delayed[0][0] <= now:
                    _, data = direction.delayed.popleft()
                    if data:
                        direction.ready += data
                    else:
                        direction.ended = True
                if direction.ready and not pair.closed:
                    self.writable(pair, direction.target)
                if pair.closed:
                    break
                if direction.ended and not direction.ready:
                    try:
                        direction.target.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
            if not pair.closed and pair.up.ended and pair.down.ended and not pair.up.ready and not pair.down.ready:
                self.close(pair, abrupt=False)
            elif not pair.closed:
                self.interest(pair)

    def next_due(self):
        dues = [d.delayed[0][0] for p in self.pairs.values() for d in (p.up, p.down) if d.delayed]
        return max(0.0, min(dues) - time.monotonic()) if dues else 0.5

    def command(self, line):
        words = line.split()
        if not words:
            return {"error": "empty command"}
        if words[0] == "list":
            now = time.monotonic()
            return [{"id": p.id, "upstream_port": p.upstream_port, "age": round(now - p.started, 3),
                     "up": p.up.count, "down": p.down.count} for p in self.pairs.values()]
        if words[0] in ("cut", "cutall"):
            ports = {int(w) for w in words[1:]}
            victims = [p for p in self.pairs.values() if words[0] == "cutall" or p.upstream_port in ports]
            for pair in victims:
                self.close(pair, abrupt=True)
            return {"cut": [p.upstream_port for p in victims]}
        if words[0] == "latency" and len(words) == 2:
            self.latency = float(words[1]) / 1000
            return {"latency_ms": float(words[1])}
        if words[0] == "quit":
            self.running = False
            return {"quit": True}
        return {"error": "unknown command " + words[0]}

    def serve_control(self):
        try:
            conn, _ = self.control.accept()
        except BlockingIOError:
            return
        # Commands are short and answered at once; a slow controller only delays the loop briefly.
        conn.settimeout(2)
        try:
            data = b""
            while not data.endswith(b"\n"):
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            reply = self.command(data.decode(errors="replace"))
            conn.sendall((json.dumps(reply) + "\n").encode())
        except OSError:
            pass
        finally:
            conn.close()

    def run(self):
        while self.running:
            for key, events in self.selector.select(timeout=self.next_due()):
                kind, pair = key.data
                if kind == "accept":
                    self.accept()
                elif kind == "control":
                    self.serve_control()
                elif not pair.closed:
                    if events & selectors.EVENT_READ:
                        self.readable(pair, key.fileobj)
                    if not pair.closed and events & selectors.EVENT_WRITE:
                        self.writable(pair, key.fileobj)
            self.release_due()
        for pair in list(self.pairs.values()):
            self.close(pair, abrupt=True)


def address(text):
    host, _, port = text.rpartition(":")
    return (host or "127.0.0.1", int(port))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", type=address, default=("127.0.0.1", 0))
    parser.add_argument("--upstream", type=address, required=True)
    parser.add_argument("--control", required=True, help="path of the Unix socket for commands")
    parser.add_argument("--latency-ms", type=float, default=0)
    args = parser.parse_args()
    proxy = Proxy(args.listen, args.upstream, args.control, args.latency_ms / 1000)
    print(proxy.port(), flush=True)
    try:
        proxy.run()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
