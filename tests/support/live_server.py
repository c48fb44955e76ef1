"""The app on a loopback port, served by Werkzeug's threaded server from this process.

For the browser tests: Chromium needs a real HTTP server, but not a gunicorn of its own
per test, whose start-up (importing the app again) cost more than most of the tests.
Tests of how gunicorn itself behaves (races, several workers, proxies) use AppServer.
"""

import threading

from werkzeug.serving import make_server


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
