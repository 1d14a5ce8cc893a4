"""N slowloris connections (request line dribbled one byte every 500 ms) against a proxy on
127.0.0.1:PORT, while one client keeps sending normal requests to Host(`a.local`); prints how
many slow connections were closed, when, with which first answer, and how the normal requests
fared.

usage: python3 bench/probes/slowloris.py PORT [N=500]
"""
import collections, selectors, socket, sys, threading, time, urllib.request

port = int(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
normal = collections.Counter()
stop = threading.Event()


def normal_client():
    while not stop.is_set():
        req = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": "a.local"})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                normal[r.status] += 1
        except Exception as e:  # noqa: BLE001 - any failure counts
            normal[type(e).__name__] += 1
        time.sleep(0.02)


threading.Thread(target=normal_client, daemon=True).start()
sel = selectors.DefaultSelector()
t0 = time.time()
open_ = {}
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /")
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
    open_[s] = b""
closed = []
last_drip = time.time()
while open_ and time.time() - t0 < 60:
    for key, _ in sel.select(timeout=0.1):
        s = key.fileobj
        try:
            data = s.recv(4096)
        except OSError:
            data = b""
        if data:
            open_[s] += data
            continue
        closed.append((time.time() - t0, open_.pop(s)[:24]))
        sel.unregister(s)
        s.close()
    if time.time() - last_drip > 0.5:
        last_drip = time.time()
        for s in list(open_):
            try:
                s.send(b"a")
            except OSError:
                pass
stop.set()
times = [t for t, _ in closed]
print(f"slow connections: {n}, closed: {len(closed)}, still open: {len(open_)}")
if times:
    print(f"closed between {min(times):.2f}s and {max(times):.2f}s after the first connect")
print("first answers:", dict(collections.Counter(a.split(b'\r\n')[0].decode() or "(none)" for _, a in closed)))
print("normal requests meanwhile:", dict(normal))
