"""A backend for the probes: reads the whole body (Content-Length or chunked) and answers
`got N bytes`; logs each request line to stderr. usage: python3 echo.py [PORT] (19002)"""
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version="HTTP/1.1"
    def do_POST(self):
        n=int(self.headers.get("Content-Length") or 0)
        te=self.headers.get("Transfer-Encoding")
        if te: 
            body=b""
            while True:
                line=self.rfile.readline(); sz=int(line.strip() or b"0",16)
                if sz==0: self.rfile.readline(); break
                body+=self.rfile.read(sz); self.rfile.readline()
        else: body=self.rfile.read(n)
        out=f"got {len(body)} bytes\n".encode()
        self.send_response(200); self.send_header("Content-Length",str(len(out))); self.end_headers(); self.wfile.write(out)
        sys.stderr.write(f"POST body {len(body)}\n")
    do_GET=do_POST
    def log_message(self,*a): sys.stderr.write(("%s "%self.requestline)+"\n")
port=int(sys.argv[1]) if len(sys.argv)>1 else 19002
http.server.ThreadingHTTPServer(("127.0.0.1",port),H).serve_forever()
