"""A real CUPS for tests: our own cupsd on a loopback port, with cups-pdf printers.

DESIGN.md §8: `cupsd -f`, then `lpadmin -p NAME -v cups-pdf:/ -E -P CUPS-PDF_opt.ppd`; a job
lands as a PDF that poppler reads back.  The rig leaves the machine's own CUPS alone: cupsd
runs with its own configuration, spool, state and logs in a temporary folder and listens on
127.0.0.1 only.  The cups-pdf backend reads its settings from a path compiled into it
(/etc/cups/cups-pdf.conf), so cupsd runs in a mount namespace of its own where our folder is
bind-mounted over /etc/cups: the backend writes where we say and the system's file is never
touched.  Where no namespace can be made (not root), a per-printer file
/etc/cups/cups-pdf-NAME.conf is written instead and removed at the end.

Clients (Qt, lp, lpstat, our own libcups calls) find this cupsd through CUPS_SERVER.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from console.sim.site import free_port

PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
TOOLS = ("cupsd", "lpadmin", "lpstat", "lp", "cupsdisable", "cupsenable", "cupsreject", "cupsaccept")


class CupsRigError(RuntimeError):
    pass


def missing_tools() -> list[str]:
    """What this machine lacks to run the rig (./run installs the Debian packages)."""
    missing = [t for t in TOOLS if shutil.which(t) is None and not Path("/usr/sbin", t).exists()]
    if not PPD.exists():
        missing.append(str(PPD))
    if not Path("/usr/lib/cups/backend/cups-pdf").exists():
        missing.append("/usr/lib/cups/backend/cups-pdf")
    return missing


class CupsRig:
    """cupsd in a temporary folder; `add_pdf_printer` makes a queue whose jobs land as PDFs."""

    def __init__(self) -> None:
        # Not pytest's tmp_path: cupsd drops to user lp for filters, and pytest's base folder
        # is private to root.
        self.root = Path(tempfile.mkdtemp(prefix="videowall-cups-"))
        self.root.chmod(0o755)
        self.etc = self.root / "etc"
        self.out = self.root / "out"
        self.port = free_port()
        self.server = f"127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self._system_confs: list[Path] = []
        self._namespaced = False

    # -- lifecycle ----------------------------------------------------------------------
    def start(self, timeout: float = 20.0) -> CupsRig:
        for folder in ("etc/ppd", "spool/tmp", "cache", "state", "log", "out", "cups-pdf-spool"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        for folder in (self.out, self.root / "cups-pdf-spool", self.root / "spool" / "tmp"):
            folder.chmod(0o1777)  # the backend and filters run as other users
        (self.etc / "cups-files.conf").write_text(f"""\
ServerRoot {self.etc}
RequestRoot {self.root}/spool
TempDir {self.root}/spool/tmp
CacheDir {self.root}/cache
StateDir {self.root}/state
ErrorLog {self.root}/log/error_log
AccessLog {self.root}/log/access_log
PageLog {self.root}/log/page_log
Printcap {self.root}/printcap
ServerBin /usr/lib/cups
DataDir /usr/share/cups
SystemGroup root
FileDevice No
Sandboxing Relaxed
""")
        # Loopback only and no authentication: the queue exists for one test run.
        (self.etc / "cupsd.conf").write_text(f"""\
Listen 127.0.0.1:{self.port}
ServerName 127.0.0.1
LogLevel warn
WebInterface No
Browsing No
BrowseLocalProtocols none
DefaultAuthType None
MaxJobs 0
PreserveJobHistory Yes
PreserveJobFiles Yes
JobRetryLimit 0
<Location />
  Order allow,deny
  Allow from 127.0.0.1
</Location>
<Policy default>
  JobPrivateAccess default
  JobPrivateValues default
  SubscriptionPrivateAccess default
  SubscriptionPrivateValues default
  <Limit All>
    Order allow,deny
    Allow from 127.0.0.1
  </Limit>
</Policy>
""")
        (self.etc / "cups-pdf.conf").write_text(self._cups_pdf_conf())
        cupsd = shutil.which("cupsd") or "/usr/sbin/cupsd"
        command = [cupsd, "-f", "-c", str(self.etc / "cupsd.conf"), "-s", str(self.etc / "cups-files.conf")]
        log = (self.root / "log" / "cupsd.out").open("wb")
        if self._can_namespace():
            self._namespaced = True
            script = 'mount --bind "$0" /etc/cups && exec "$@"'
            self.proc = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh", "-c", script,
                                          str(self.etc), *command], stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        else:
            self.proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise CupsRigError(f"cupsd exited ({self.proc.returncode}): {self.log_tail()}")
            # lpstat -r exits 0 whether or not the scheduler answers: read what it says.
            if self._run("lpstat", "-r", check=False).stdout.strip() == "scheduler is running":
                return self
            time.sleep(0.1)
        raise CupsRigError(f"cupsd did not answer on {self.server} within {timeout} s: {self.log_tail()}")

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for conf in self._system_confs:
            conf.unlink(missing_ok=True)
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "CUPS_SERVER": self.server}

    # -- queues -------------------------------------------------------------------------
    def add_pdf_printer(self, name: str, *, default: bool = False) -> str:
        uri = "cups-pdf:/"
        if not self._namespaced:
            conf = Path(f"/etc/cups/cups-pdf-{name}.conf")
            conf.write_text(self._cups_pdf_conf())
            self._system_confs.append(conf)
            uri = f"cups-pdf:/{name}"
        # Two calls: lpadmin reads -E before -p as "encrypt", and with -h first it fails to connect.
        self._run("lpadmin", "-p", name, "-v", uri, "-P", str(PPD))
        self._run("lpadmin", "-p", name, "-E")
        # CUPS turns the PDF into PostScript for cups-pdf, which turns it back.  Its default
        # converter (Ghostscript) makes Type 3 fonts with no text in them; poppler's cairo
        # keeps the text, so a test can read the printed fields back with pdftotext.
        self._run("lpadmin", "-p", name, "-o", "pdftops-renderer-default=pdftocairo")
        if default:
            self._run("lpadmin", "-d", name)
        return name

    def pause(self, name: str) -> None:
        self._run("cupsdisable", "-h", self.server, "-r", "paused by the test", name, server_flag=False)

    def resume(self, name: str) -> None:
        self._run("cupsenable", "-h", self.server, name, server_flag=False)

    def reject(self, name: str) -> None:
        self._run("cupsreject", "-h", self.server, "-r", "refusing by the test", name, server_flag=False)

    def accept(self, name: str) -> None:
        self._run("cupsaccept", "-h", self.server, name, server_flag=False)

    def lp(self, printer: str, path: Path, title: str) -> int:
        """Submit a file as `lp` does; the job id."""
        out = self._run("lp", "-d", printer, "-t", title, str(path)).stdout
        # "request id is NAME-12 (1 file(s))"
        return int(out.split("request id is ", 1)[1].split()[0].rsplit("-", 1)[1])

    def job_pdf(self, job_id: int, timeout: float = 60.0) -> Path:
        """The PDF that cups-pdf wrote for a job, once the job has completed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.find_job_pdf(job_id)
            if found is not None:
                return found
            time.sleep(0.02)
        raise CupsRigError(f"job {job_id} left no PDF in {self.out} within {timeout} s; "
                           f"jobs: {self._run('lpstat', '-W', 'all', '-o', check=False).stdout!r}; {self.log_tail()}")

    def job_document(self, job_id: int) -> Path:
        """The document as the client submitted it (kept in the spool: PreserveJobFiles)."""
        path = self.root / "spool" / f"d{job_id:05d}-001"
        if not path.exists():
            raise CupsRigError(f"job {job_id} has no document in the spool")
        return path

    def find_job_pdf(self, job_id: int) -> Path | None:
        # cups-pdf writes the file in place, then the job completes: a file of a job that has
        # not completed may still be growing.
        label = re.compile(rf"(^|[-_])job_{job_id}([-_.]|$)")
        for path in self.out.rglob("*.pdf"):
            if label.search(path.stem + ".") and self.job_completed(job_id):
                return path
        return None

    def job_completed(self, job_id: int) -> bool:
        listing = self._run("lpstat", "-W", "completed", "-o", check=False).stdout
        return any(line.split()[0].rsplit("-", 1)[-1] == str(job_id) for line in listing.splitlines() if line.split())

    def log_tail(self, lines: int = 20) -> str:
        text = ""
        for name in ("cupsd.out", "error_log"):
            path = self.root / "log" / name
            if path.exists():
                text += "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        return text

    # -- internals ----------------------------------------------------------------------
    def _cups_pdf_conf(self) -> str:
        # Label 2: every file name carries job_ID, so a test finds the PDF of its job.
        return (f"Out {self.out}\nAnonDirName {self.out}\nSpool {self.root}/cups-pdf-spool\n"
                f"Label 2\nGrp root\nLog {self.root}/log\nLogType 1\nUserUMask 0022\n")

    def _can_namespace(self) -> bool:
        if os.geteuid() != 0 or shutil.which("unshare") is None or not Path("/etc/cups").is_dir():
            return False
        probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                                'mount --bind "$0" /etc/cups', str(self.etc)], capture_output=True, check=False)
        return probe.returncode == 0

    def _run(self, tool: str, *args: str, check: bool = True, server_flag: bool = True) -> subprocess.CompletedProcess[str]:
        command = [tool, *(["-h", self.server] if server_flag and tool in ("lpadmin", "lpstat", "lp") else []), *args]
        result = subprocess.run(command, capture_output=True, text=True, env=self.env, timeout=30, check=False)
        if check and result.returncode != 0:
            raise CupsRigError(f"{' '.join(command)} failed: {result.stderr.strip() or result.stdout.strip()}")
        return result
