"""The sandbox holds where the static check would not: raw programs in run_untrusted."""
import os
import socket
import subprocess
import tempfile
import threading
import time
import unittest
from pathlib import Path

from runner import sandbox
from tests.util import ROOT

PROGRAMS = {
    "forkbomb": "#include <unistd.h>\nint main(void){for(;;)fork();}\n",
    "flood": "#include <stdio.h>\nint main(void){for(long i=0;i<20000000;i++)"
             "puts(\"0123456789012345678901234567890123456789012345678\");}\n",
    "sleeper": "#include <unistd.h>\nint main(void){if(fork()==0)setsid();sleep(100000);}\n",
    "spin": "int main(void){for(;;);}\n",
    "connect": "#include <sys/socket.h>\n#include <netinet/in.h>\n#include <stdio.h>\n"
               "#include <stdlib.h>\nint main(int c,char**v){int s=socket(AF_INET,SOCK_STREAM,0);"
               "struct sockaddr_in a={.sin_family=AF_INET,.sin_port=htons(atoi(v[1])),"
               ".sin_addr.s_addr=htonl(0x7f000001)};"
               "printf(\"socket %d connect %d\\n\",s,connect(s,(void*)&a,sizeof a));}\n",
    "touch": "#include <stdio.h>\nint main(int c,char**v){for(int i=1;i<c;i++){"
             "FILE*f=fopen(v[i],i%2?\"r\":\"w\");printf(\"%s %s\\n\",v[i],f?\"OPEN\":\"denied\");}}\n",
}


def alive(name: str) -> list[str]:
    """Processes by that name still running (zombies wait for init: dead)."""
    ps = subprocess.run(["ps", "-eo", "stat=,comm="], capture_output=True, text=True)
    return [l for l in ps.stdout.splitlines()
            if l.split()[-1] == name and not l.startswith("Z")]


class Sandbox(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory()
        cls.bin = {}
        for name, src in PROGRAMS.items():
            c = Path(cls.tmp.name) / f"{name}.c"
            c.write_text(src)
            subprocess.run(["gcc", "-O1", "-o", str(c.with_suffix("")), str(c)], check=True)
            cls.bin[name] = c.with_suffix("")

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

    def run_it(self, name: str, *args: str, timeout: float = 5, **kw):
        return sandbox.run_untrusted([str(self.bin[name]), *args], inputs=[self.bin[name]],
                                     timeout=timeout, raise_on_timeout=False, **kw)

    def test_uses_bubblewrap_here(self) -> None:
        self.assertEqual(sandbox.mode()[0], "bwrap", sandbox.describe())

    def test_fork_bomb_is_contained(self) -> None:
        start = time.monotonic()
        proc = self.run_it("forkbomb", timeout=3)
        self.assertLess(time.monotonic() - start, 6)
        self.assertEqual(proc.returncode, -9)
        self.assertIn("timed out", proc.stderr)

    def test_output_flood_is_capped_and_killed(self) -> None:
        start = time.monotonic()
        proc = self.run_it("flood", timeout=30)
        self.assertLess(time.monotonic() - start, 20)
        self.assertLess(len(proc.stdout), 70 * 1024)
        self.assertIn("bytes cut", proc.stdout)
        self.assertIn("MiB of output; killed", proc.stderr)

    def test_timeout_kills_the_whole_group(self) -> None:
        start = time.monotonic()
        with self.assertRaises(subprocess.TimeoutExpired):
            sandbox.run_untrusted([str(self.bin["sleeper"])], inputs=[self.bin["sleeper"]],
                                  timeout=1)
        self.assertLess(time.monotonic() - start, 4)
        time.sleep(0.3)
        self.assertEqual(alive("sleeper"), [])

    def test_cpu_spin_is_killed(self) -> None:
        proc = self.run_it("spin", timeout=2)
        self.assertEqual(proc.returncode, -9)

    def test_no_network(self) -> None:
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        srv.settimeout(3)
        got = []
        threading.Thread(target=lambda: got.append(self._accept(srv)), daemon=True).start()
        proc = self.run_it("connect", str(srv.getsockname()[1]))
        self.assertIn("connect -1", proc.stdout)
        time.sleep(0.5)
        srv.close()
        self.assertNotIn(True, got)

    @staticmethod
    def _accept(srv: socket.socket) -> bool:
        try:
            srv.accept()
            return True
        except OSError:
            return False

    def test_files_it_cannot_reach(self) -> None:
        """Other submissions, the output folder, the project (read-only)."""
        secret = Path(self.tmp.name) / "other-student.c"
        secret.write_text("secret\n")
        hidden = ROOT / "build" / "grade-test-hidden"
        hidden.mkdir(parents=True, exist_ok=True)
        (hidden / "gradebook.csv").write_text("x\n")
        sandbox.HIDE[:] = [hidden]
        try:
            proc = self.run_it("touch", str(secret), str(ROOT / "lab-written.txt"),
                               str(hidden / "gradebook.csv"), str(hidden / "results.json"),
                               "/etc/hostname", "/tmp/ok.txt")
        finally:
            sandbox.HIDE[:] = []
        self.assertIn(f"{secret} denied", proc.stdout)
        self.assertIn(f"{ROOT / 'lab-written.txt'} denied", proc.stdout)
        self.assertIn(f"{hidden / 'gradebook.csv'} denied", proc.stdout)
        self.assertIn("/tmp/ok.txt OPEN", proc.stdout)   # its own private /tmp
        self.assertFalse((ROOT / "lab-written.txt").exists())
        self.assertFalse((hidden / "results.json").exists())
        self.assertFalse(Path("/tmp/ok.txt").exists())

    def test_fallback_is_said_loudly_and_still_kills(self) -> None:
        code = ("import sys,subprocess;from runner import sandbox as s;"
                "print(s.describe());t=__import__('time').monotonic()\n"
                "p=s.run_untrusted([sys.argv[1]],inputs=[sys.argv[1]],timeout=1,"
                "raise_on_timeout=False);print(p.returncode, round(__import__('time')"
                ".monotonic()-t))")
        out = subprocess.run(["python3", "-c", code, str(self.bin["sleeper"])],
                             capture_output=True, text=True, cwd=ROOT, timeout=30,
                             env=dict(os.environ, LRULAB_SANDBOX="fallback",
                                      PYTHONPATH=str(ROOT)))
        self.assertIn("FALLBACK, NO bubblewrap", out.stdout, out.stderr)
        self.assertIn("-9 1", out.stdout)
        time.sleep(0.3)
        self.assertEqual(alive("sleeper"), [])


if __name__ == "__main__":
    unittest.main()
