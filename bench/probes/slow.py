"""Slow and idle clients against a proxy on 127.0.0.1:PORT whose entrypoint has
`readTimeout: 2s, idleTimeout: 4s` and routes Host(`a.local`) to bench/probes/echo.py: prints,
for each case, when the proxy closed the connection and what it sent first.

usage: python3 bench/probes/slow.py PORT [CASE ...]
"""
import socket, sys, time

port = int(sys.argv[1])
only = sys.argv[2:]


def watch(label, first, drip=b"", every=0.5, before=None):
    s = socket.create_connection(("127.0.0.1", port))
    if before:
        before(s)
    t0 = time.time()
    if first:
        s.sendall(first)
    last, data = time.time(), b""
    s.settimeout(0.1)
    while time.time() - t0 < 20:
        if drip and time.time() - last > every:
            last = time.time()
            try:
                s.sendall(drip)
            except OSError:
                pass
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            continue
        except OSError as e:
            print(f"{label:32} closed at {time.time()-t0:5.2f}s ({e.__class__.__name__}) {data[:60]!r}")
            return
        if not chunk:
            print(f"{label:32} closed at {time.time()-t0:5.2f}s {data[:60]!r}")
            return
        data += chunk
    print(f"{label:32} still open after 20s {data[:60]!r}")


def one_request(s):
    s.sendall(b"GET / HTTP/1.1\r\nHost: a.local\r\n\r\n")
    time.sleep(0.3)
    s.recv(65536)


def idle_then_partial(s):
    one_request(s)
    time.sleep(3)


CASES = {
    "nothing sent": (b"", b""),
    "request line dribbled": (b"GET /", b"a"),
    "header line dribbled": (b"GET / HTTP/1.1\r\nHost: a.local\r\nX-a: ", b"a"),
    "header lines, one per second": (b"GET / HTTP/1.1\r\n", b"X-b: c\r\n", 1.0),
    "body 3 of 100 bytes": (b"POST / HTTP/1.1\r\nHost: a.local\r\nContent-Length: 100\r\n\r\nabc", b""),
    "idle after a response": (b"", b"", 0.5, one_request),
    "idle 3s, then a partial line": (b"GET / HTTP/1.1\r\n", b"", 0.5, idle_then_partial),
}
for name, args in CASES.items():
    if not only or name in only:
        watch(name, *args)
