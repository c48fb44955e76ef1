"""The processes under test: the clinic and hello-world under identical gunicorn settings,
and an SMTP sink that accepts and discards the emails the booking load sends."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
CONFIG_FILE = REPO / "gunicorn.conf.py"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Both servers get exactly these: the repository's own production settings.
GUNICORN_FLAGS = ["--config", str(CONFIG_FILE)]


class Process:
    """A child in its own process group, recorded in BENCH_RUN_DIR so benchmarks/run's trap can
    end it even if this Python process dies first."""

    def __init__(self, name, command, env, log_dir):
        self.name = name
        self.log = open(Path(log_dir) / f"{name}.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - our own servers, fixed commands
            command, cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.pid_file = Path(log_dir) / f"{name}.pid"
        self.pid_file.write_text(str(self.process.pid))

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.pid_file.unlink(missing_ok=True)
        self.log.close()


class Gunicorn(Process):
    def __init__(self, name, app, env, log_dir):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "gunicorn", *GUNICORN_FLAGS, "--bind", f"127.0.0.1:{self.port}", app]
        super().__init__(name, command, env, log_dir)

    def wait_until_up(self, path, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log.name}")
            try:
                if requests.get(self.url + path, timeout=5).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start in time; see {self.log.name}")


class SmtpSink(Process):
    def __init__(self, log_dir):
        self.port = free_port()
        listen = f"127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", listen, "-c", "aiosmtpd.handlers.Sink"]
        super().__init__("smtp-sink", command, os.environ.copy(), log_dir)

    def wait_until_up(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the SMTP sink did not start")
