"""Malformed HTTP/1 requests, one connection each, against a proxy on 127.0.0.1:PORT that
routes Host(`a.local`) to bench/probes/echo.py: prints each answer's status line, the
Connection and Content-Type headers and the start of the body.

usage: python3 bench/probes/malformed.py PORT [CASE ...]
"""
import socket, sys, time
CASES = {
 "bad_chunk_size": b"POST / HTTP/1.1\r\nHost: a.local\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
 "bad_chunk_mid": b"POST / HTTP/1.1\r\nHost: a.local\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n0\r\n\r\n",
 "chunk_no_crlf": b"POST / HTTP/1.1\r\nHost: a.local\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
 "missing_host": b"GET / HTTP/1.1\r\n\r\n",
 "dup_host_same": b"GET / HTTP/1.1\r\nHost: a.local\r\nHost: a.local\r\n\r\n",
 "dup_host_diff": b"GET / HTTP/1.1\r\nHost: a.local\r\nHost: b.local\r\n\r\n",
 "empty_host": b"GET / HTTP/1.1\r\nHost:\r\n\r\n",
 "bad_host": b"GET / HTTP/1.1\r\nHost: a local\r\n\r\n",
 "abs_other": b"GET http://other.example/x HTTP/1.1\r\nHost: a.local\r\n\r\n",
 "abs_match": b"GET http://a.local/x HTTP/1.1\r\nHost: other.example\r\n\r\n",
 "abs_nohost": b"GET http://a.local/x HTTP/1.1\r\n\r\n",
 "http10_nohost": b"GET / HTTP/1.0\r\n\r\n",
 "cl_and_te": b"POST / HTTP/1.1\r\nHost: a.local\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
 "two_cl_diff": b"POST / HTTP/1.1\r\nHost: a.local\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
 "te_gzip_chunked": b"POST / HTTP/1.1\r\nHost: a.local\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
 "te_identity": b"POST / HTTP/1.1\r\nHost: a.local\r\nTransfer-Encoding: identity\r\nContent-Length: 3\r\n\r\nabc",
 "bad_header_name": b"GET / HTTP/1.1\r\nHost: a.local\r\nX a: b\r\n\r\n",
 "obs_fold": b"GET / HTTP/1.1\r\nHost: a.local\r\nX-A: b\r\n c\r\n\r\n",
 "bare_lf": b"GET / HTTP/1.1\nHost: a.local\n\n",
 "bad_version": b"GET / HTTP/1.7\r\nHost: a.local\r\n\r\n",
 "bad_method": b"G(T / HTTP/1.1\r\nHost: a.local\r\n\r\n",
 "huge_header": b"GET / HTTP/1.1\r\nHost: a.local\r\nX-Big: " + b"a"*(1100*1024) + b"\r\n\r\n",
 "header_600k": b"GET / HTTP/1.1\r\nHost: a.local\r\nX-Big: " + b"a"*(600*1024) + b"\r\n\r\n",
 "cl_negative": b"POST / HTTP/1.1\r\nHost: a.local\r\nContent-Length: -1\r\n\r\n",
 "nul_in_header": b"GET / HTTP/1.1\r\nHost: a.local\r\nX-A: a\x00b\r\n\r\n",
 "ctl_in_target": b"GET /a\x01b HTTP/1.1\r\nHost: a.local\r\n\r\n",
 "space_before_colon": b"GET / HTTP/1.1\r\nHost: a.local\r\nX-A : b\r\n\r\n",
}
port=int(sys.argv[1]); only=sys.argv[2:]
for name, data in CASES.items():
    if only and name not in only: continue
    s=socket.create_connection(("127.0.0.1",port)); s.settimeout(3)
    try: s.sendall(data)
    except Exception as e: print(name, "send error", e); continue
    out=b""
    try:
        while True:
            d=s.recv(65536)
            if not d: break
            out+=d
            if b"\r\n\r\n" in out:
                head,_,body=out.partition(b"\r\n\r\n")
                import re
                m=re.search(rb"(?i)content-length: *(\d+)",head)
                if m and len(body)>=int(m.group(1)): break
    except socket.timeout: pass
    except Exception as e: out+=f" <{e}>".encode()
    s.close()
    head,_,body=out.partition(b"\r\n\r\n")
    lines=head.split(b"\r\n")
    keep=[l for l in lines[1:] if l.lower().startswith((b"connection",b"content-type"))]
    print(f"{name:18} {lines[0].decode(errors='replace')[:40]:40} {b' | '.join(keep).decode(errors='replace')[:60]:60} body={body[:60]!r}")
    time.sleep(0.05)
