"""`make serve`: serve the built site on 127.0.0.1 and print its URL."""
import functools
import http.server
import pathlib
import sys


def serve(folder: pathlib.Path, port: int) -> int:
    if not (folder / "index.html").is_file():
        print(f"serve: {folder}/index.html is missing; run make book first", file=sys.stderr)
        return 1
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    for candidate in range(port, port + 20):
        try:
            httpd = http.server.ThreadingHTTPServer(("127.0.0.1", candidate), handler)
            break
        except OSError:
            continue
    else:
        print(f"serve: no free port in {port}..{port + 19}", file=sys.stderr)
        return 1
    print(f"Serving the book at http://127.0.0.1:{httpd.server_address[1]}/  (Ctrl-C to stop)",
          flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0
