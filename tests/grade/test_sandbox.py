"""The sandbox holds by construction: raw programs in run_untrusted.

Every limit is probed with a bounded program (it stops at a few hundred
processes or MiB and reports what it got), and leftover processes are
looked for by cgroup or by pid, never by name across the machine.
"""
import os
import socket
import subprocess
import tempfile
import threading
import time
import unittest
from pathlib import Path

from runner import sandbox
from runner.sandbox import Limits
from tests.util import ROOT

PROGRAMS = {
    # at most 400 children, each waiting; prints how many it got
    "spawn": "#include <stdio.h>\n#include <unistd.h>\n#include <signal.h>\n"
             "int main(void){int n=0;for(int i=0;i<400;i++){pid_t p=fork();"
             "if(p==0){pause();_exit(0);}if(p<0)break;n++;}"
             "printf(\"spawned %d\\n\",n);fflush(stdout);kill(0,SIGKILL);return 0;}\n",
    # 4 processes touching up to 96 MiB each (384 MiB in all), then waiting;
    # after 3 s the parent says which are still alive
    "eat": "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\n"
           "#include <sys/wait.h>\nint main(void){pid_t c[4];for(int k=0;k<4;k++)"
           "if((c[k]=fork())==0){for(int m=1;m<=96;m++){char*p=malloc(1<<20);if(!p)_exit(1);"
           "memset(p,1,1<<20);printf(\"%d %d\\n\",k,m);fflush(stdout);}pause();}"
           "sleep(3);for(int k=0;k<4;k++)if(waitpid(c[k],0,WNOHANG)==0)"
           "printf(\"alive %d\\n\",k);fflush(stdout);return 0;}\n",
    "flood": "#include <stdio.h>\nint main(void){for(long i=0;i<20000000;i++)"
             "puts(\"0123456789012345678901234567890123456789012345678\");}\n",
    # prints its own pid and its setsid child's, then sleeps
    "sleeper": "#include <stdio.h>\n#include <unistd.h>\nint main(void){pid_t c=fork();"
               "if(c==0){setsid();sleep(100000);}printf(\"SLEEPER %d %d\\n\",getpid(),c);"
               "fflush(stdout);sleep(100000);}\n",
    "spin": "int main(void){for(;;);}\n",
    "connect": "#include <sys/socket.h>\n#include <netinet/in.h>\n#include <stdio.h>\n"
               "#include <stdlib.h>\nint main(int c,char**v){int s=socket(AF_INET,SOCK_STREAM,0);"
               "struct sockaddr_in a={.sin_family=AF_INET,.sin_port=htons(atoi(v[1])),"
               ".sin_addr.s_addr=htonl(0x7f000001)};"
               "printf(\"socket %d connect %d\\n\",s,connect(s,(void*)&a,sizeof a));}\n",
    "touch": "#include <stdio.h>\nint main(int c,char**v){for(int i=1;i<c;i++){"
             "FILE*f=fopen(v[i],i%2?\"r\":\"w\");printf(\"%s %s\\n\",v[i],f?\"OPEN\":\"denied\");}}\n",
}


def pid_alive(pid: int) -> bool:
    """That pid still runs (a zombie waiting for init counts as dead)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0] != "Z"
    except OSError:
        return False


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

    def test_processes_are_bounded_for_the_run(self) -> None:
        proc = self.run_it("spawn", timeout=20, limits=Limits(processes=16))
        got = int(proc.stdout.split()[-1]) if "spawned" in proc.stdout else -1
        self.assertGreater(got, 0, proc.stderr)
        self.assertLessEqual(got, 16, f"a run of 16 processes spawned {got}")

    def test_memory_is_bounded_for_the_whole_run(self) -> None:
        if not sandbox.bounds().version:
            self.skipTest(f"SKIPPED: no cgroup here ({sandbox.bounds().why_no_cgroup}): "
                          "memory is bounded per process only")
        proc = self.run_it("eat", timeout=20,
                           limits=Limits(memory=128 << 20, address_space=1 << 30))
        reached, alive = {}, set()
        for line in proc.stdout.split("\n"):
            words = line.split()
            if len(words) == 2 and words[0] == "alive":
                alive.add(words[1])
            elif len(words) == 2:
                reached[words[0]] = int(words[1])
        held = sum(m for k, m in reached.items() if k in alive)
        self.assertLess(held, 140, f"processes alive hold {held} MiB under a 128 MiB limit "
                        f"({proc.stdout[-300:]})")
        self.assertLess(sum(reached.values()), 384, "nobody was stopped")
        self.assertIn("out of memory", proc.stderr)

    def test_output_flood_is_capped_and_killed(self) -> None:
        start = time.monotonic()
        proc = self.run_it("flood", timeout=30)
        self.assertLess(time.monotonic() - start, 20)
        self.assertLess(len(proc.stdout), 70 * 1024)
        self.assertIn("bytes cut", proc.stdout)
        self.assertIn("MiB of output; killed", proc.stderr)

    def test_timeout_kills_the_whole_run_by_cgroup(self) -> None:
        start = time.monotonic()
        proc = self.run_it("sleeper", timeout=1)
        self.assertLess(time.monotonic() - start, 4)
        self.assertEqual(proc.returncode, -9)
        self.assertIn("timed out", proc.stderr)
        for d in proc.cgroups:
            self.assertFalse(Path(d).exists(), f"{d} left behind")
        if not proc.cgroups:
            self.skipTest("SKIPPED: no cgroup here: the fallback test checks by pid")

    def test_with_raise_on_timeout(self) -> None:
        with self.assertRaises(subprocess.TimeoutExpired):
            sandbox.run_untrusted([str(self.bin["spin"])], inputs=[self.bin["spin"]],
                                  timeout=1)

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

    def test_nothing_of_the_project_or_other_students(self) -> None:
        """Solutions, answer keys, bad variants, tests, another student's file."""
        other = Path(self.tmp.name) / "other-student.c"
        other.write_text("secret\n")
        secrets = [ROOT / "labs" / "02-leave-on-lru" / "solution.c",
                   ROOT / "labs" / "02-leave-on-lru" / "answers.txt",
                   ROOT / "tests" / "util.py", other]
        for s in secrets:
            self.assertTrue(s.exists(), s)
        proc = self.run_it("touch", *[str(x) for s in secrets for x in (s, "/tmp/ok.txt")])
        for s in secrets:
            self.assertIn(f"{s} denied", proc.stdout)
        self.assertIn("/tmp/ok.txt OPEN", proc.stdout)   # its own private /tmp
        self.assertFalse(Path("/tmp/ok.txt").exists())

    def test_inputs_may_be_folders(self) -> None:
        d = Path(self.tmp.name) / "include"
        d.mkdir(exist_ok=True)
        (d / "lab.h").write_text("int x;\n")
        proc = sandbox.run_untrusted(["/bin/cat", str(d / "lab.h")], inputs=[d], timeout=5)
        self.assertEqual(proc.stdout, "int x;\n", proc.stderr)

    def test_tools_are_read_only_and_follow_their_source(self) -> None:
        d = Path(self.tmp.name) / "tools"
        d.mkdir(exist_ok=True)
        (d / "glue.h").write_text("int one;\n")
        touch = self.bin["touch"]
        proc = sandbox.run_untrusted([str(touch), str(d / "glue.h"), str(d / "glue.h"),
                                      str(d / "glue.h"), str(d / "new.h")],
                                     inputs=[touch], tools=[d], timeout=5)
        # the touch program opens odd arguments to read, even ones to write
        self.assertIn("glue.h OPEN", proc.stdout.splitlines()[0], proc.stderr)
        self.assertIn("denied", proc.stdout.splitlines()[1], proc.stdout)
        self.assertIn("denied", proc.stdout.splitlines()[3], proc.stdout)
        self.assertEqual((d / "glue.h").read_text(), "int one;\n")
        # a changed tool is seen by the next run, not the copy of the old one
        cat = lambda: sandbox.run_untrusted(["/bin/cat", str(d / "glue.h")], tools=[d],
                                            timeout=5).stdout
        self.assertEqual(cat(), "int one;\n")
        (d / "glue.h").write_text("int two;\n")
        self.assertEqual(cat(), "int two;\n")

    def test_tools_go_nowhere_another_user_may_write(self) -> None:
        """A tools folder made by someone else (here: writable by all) could
        hold a forged glue.o: it is never used."""
        from unittest import mock
        with tempfile.TemporaryDirectory() as base:
            os.chmod(base, 0o755)
            planted = Path(base) / f"lrulab-tools-{os.geteuid()}"
            planted.mkdir()
            os.chmod(planted, 0o777)
            with mock.patch.object(sandbox, "_run_base", return_value=Path(base)), \
                    mock.patch.object(sandbox, "_tools_dir", []):
                mine = sandbox._tools()
                self.assertNotEqual(mine, planted)
                self.assertEqual(mine.parent, Path(base))
                self.assertEqual(os.stat(mine).st_mode & 0o777, 0o755)
            os.chmod(planted, 0o755)
            with mock.patch.object(sandbox, "_run_base", return_value=Path(base)), \
                    mock.patch.object(sandbox, "_tools_dir", []):
                self.assertEqual(sandbox._tools(), planted)

    def test_unbounded_is_refused(self) -> None:
        if os.geteuid() != 0:
            self.skipTest("SKIPPED: only root can run unbounded (RLIMIT_NPROC holds otherwise)")
        code = ("import sys;from runner import sandbox as s;print(s.describe());"
                "s.run_untrusted(['/bin/true'],timeout=5)")
        out = subprocess.run(["python3", "-c", code], capture_output=True, text=True,
                             cwd=ROOT, timeout=60,
                             env=dict(os.environ, LRULAB_SANDBOX_CGROUP="off",
                                      LRULAB_SANDBOX_UID="off", PYTHONPATH=str(ROOT)))
        self.assertIn("REFUSING untrusted code", out.stdout + out.stderr)
        self.assertIn("SandboxUnavailable", out.stderr)
        self.assertNotEqual(out.returncode, 0)

    def test_fallback_is_said_loudly_and_still_kills(self) -> None:
        code = ("import sys;from runner import sandbox as s;"
                "print(s.describe());t=__import__('time').monotonic()\n"
                "p=s.run_untrusted([sys.argv[1]],inputs=[sys.argv[1]],timeout=1,"
                "raise_on_timeout=False);print(p.returncode, round(__import__('time')"
                ".monotonic()-t));print(p.stdout)")
        out = subprocess.run(["python3", "-c", code, str(self.bin["sleeper"])],
                             capture_output=True, text=True, cwd=ROOT, timeout=30,
                             env=dict(os.environ, LRULAB_SANDBOX="fallback",
                                      PYTHONPATH=str(ROOT)))
        self.assertIn("FALLBACK, NO bubblewrap", out.stdout, out.stderr)
        self.assertIn("-9 1", out.stdout)
        pids = [int(p) for p in out.stdout.split("SLEEPER ")[1].split()[:2]]
        time.sleep(0.3)
        self.assertEqual([p for p in pids if pid_alive(p)], [], "the run left processes")


if __name__ == "__main__":
    unittest.main()
