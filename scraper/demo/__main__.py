"""`python -m scraper.demo --port 8765 [--state 2|3]`: serve the demo site until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys

from .server import DemoServer
from .site import DemoSite


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scraper.demo", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--state", type=int, choices=(1, 2, 3), default=1)
    parser.add_argument("--pairs", type=int, default=30, help="article pairs (Swedish + English)")
    parser.add_argument(
        "--gzip", action="store_true", help="gzip answers for clients that accept it, as nginx"
    )
    args = parser.parse_args(argv)
    if args.pairs < 10:
        parser.error("--pairs must be at least 10")
    server = DemoServer(
        DemoSite(article_pairs=args.pairs),
        state=args.state,
        host=args.host,
        port=args.port,
        gzip=args.gzip,
    )
    try:
        server.start()
    except OSError as err:
        print(
            f"Error: cannot listen on {args.host}:{args.port} ({err.strerror}); "
            "pick another --port",
            file=sys.stderr,
        )
        return 2
    # Ctrl-C and `kill` both stop it cleanly, also when started in the background.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    print(f"Demo site (state {args.state}) at {server.base_url}/  (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
