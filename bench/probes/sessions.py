"""Sticky sessions under load against a proxy on 127.0.0.1:PORT routing Host(`k.local`) to a
sticky service (cookie S): N sessions, each on its own keep-alive connection, send requests
back to back for SECONDS and follow their Set-Cookie; prints the answers by status and the
requests sent with each cookie value (one value per server).

usage: python3 bench/probes/sessions.py PORT [N=20] [SECONDS=6]
"""
import collections, http.client, sys, threading, time

port = int(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 6
statuses, errors, cookies_seen = collections.Counter(), collections.Counter(), collections.Counter()
lock = threading.Lock()


def session():
    conn, cookie = None, None
    end = time.time() + seconds
    while time.time() < end:
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            headers = {"Host": "k.local"}
            if cookie:
                headers["Cookie"] = cookie
            conn.request("GET", "/", headers=headers)
            r = conn.getresponse()
            r.read()
            set_cookie = r.getheader("Set-Cookie")
            if set_cookie:
                cookie = set_cookie.split(";")[0]
            with lock:
                statuses[r.status] += 1
                cookies_seen[cookie] += 1
            if r.getheader("Connection", "").lower() == "close":
                conn.close(); conn = None
        except Exception as e:  # noqa: BLE001 - every failure is counted
            with lock:
                errors[type(e).__name__] += 1
            conn = None
            time.sleep(0.01)


threads = [threading.Thread(target=session) for _ in range(n)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("statuses:", dict(statuses), "transport errors:", dict(errors))
print("requests per cookie:", {k: v for k, v in cookies_seen.most_common()})
