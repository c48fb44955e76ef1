"""A PostgreSQL server of a test's own, in a temporary folder on a spare loopback
port, that the test can stop and start again (initdb and pg_ctl).

PostgreSQL refuses to run as root, so under root (CI) its commands run as the
`postgres` user, in a folder that user owns.
"""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import psycopg

from tests.support.smtp_sink import free_port

DATABASE = "clinic"


def bin_dir():
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH), or None."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(Path(path).parent.name.split(".")[0])
    )
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(os.path.realpath(on_path)).parent))
    usable = [path for path in candidates if all(Path(path, tool).exists() for tool in ("initdb", "pg_ctl"))]
    return usable[-1] if usable else None


class PrivatePostgres:
    def __init__(self, folder, binaries):
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.binaries = Path(binaries)
        self.port = free_port()
        self.server_url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        # psycopg 3, as the app uses; the URL serves SQLAlchemy and DATABASE_URL alike.
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, tool, *args, timeout=60):
        command = [str(self.binaries / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{tool} failed: {result.stdout}{result.stderr}\n{log}")

    def initdb(self):
        # fsync off: the tests stop the server, they never pull the machine's plug.
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off "
            "-c full_page_writes=off -c max_connections=60"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode="fast"):
        """`fast` ends every session and rolls back open transactions; `immediate` is a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    @property
    def running(self):
        return (self.data / "postmaster.pid").exists()

    def create_database(self):
        with psycopg.connect(self.server_url, autocommit=True, connect_timeout=10) as connection:
            connection.execute(f"CREATE DATABASE {DATABASE}")


@contextmanager
def private_postgres():
    """A running server with an empty database `clinic`; always stopped and removed after."""
    binaries = bin_dir()
    if binaries is None:
        raise RuntimeError("PostgreSQL's initdb and pg_ctl were not found")
    folder = tempfile.mkdtemp(prefix="clinic-outage-pg-")
    if os.geteuid() == 0:
        postgres = pwd.getpwnam("postgres")
        os.chown(folder, postgres.pw_uid, postgres.pw_gid)
    server = PrivatePostgres(folder, binaries)
    try:
        server.initdb()
        server.start()
        server.create_database()
        yield server
    finally:
        if server.running:
            server.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
