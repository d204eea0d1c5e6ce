"""The devcontainer installs what `make print-deb-packages` prints (Docker does not
run here: the files are tested, and the Dockerfile's list rebuilt from them)."""
import json
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from runner import deps
from tests.util import ROOT

DC = ROOT / ".devcontainer"
PRINT = "$(make -s print-deb-packages)"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continued lines joined."""
    text = re.sub(r"\\\n", " ", (DC / "Dockerfile").read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def printed(cwd: Path) -> list[str]:
    proc = subprocess.run(["make", "-s", "--no-print-directory", "print-deb-packages"],
                          cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


class Dockerfile(unittest.TestCase):
    def test_debian_12(self) -> None:
        base = [a for i, a in instructions() if i == "FROM"]
        self.assertEqual(len(base), 1)
        self.assertIn(base[0], ("debian:12", "debian:bookworm"))

    def test_its_list_is_make_print_deb_packages(self) -> None:
        """Rebuild the list as the image build does: only the files it copies, the
        command it runs, in the folder it runs it; the same list as the project's."""
        runs = [a for i, a in instructions() if i == "RUN" and PRINT in a]
        self.assertEqual(len(runs), 1, "one RUN installs $(make -s print-deb-packages)")
        where = re.match(r"cd (\S+) &&", runs[0])
        self.assertTrue(where, runs[0])
        inside = where.group(1).rstrip("/")
        with tempfile.TemporaryDirectory() as tmp:
            for args in (a for i, a in instructions() if i == "COPY"):
                *sources, dest = shlex.split(args)
                self.assertTrue(dest.startswith(inside + "/"), dest)
                target = Path(tmp) / dest[len(inside) + 1:]
                for src in sources:
                    path = ROOT / src         # the context is the repository (devcontainer.json)
                    self.assertTrue(path.is_file(), src)
                    if dest.endswith("/"):
                        target.mkdir(parents=True, exist_ok=True)
                        shutil.copy(path, target / path.name)
                    else:
                        target.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy(path, target)
            self.assertEqual(printed(Path(tmp)), printed(ROOT))

    def test_nothing_else_is_installed_by_hand(self) -> None:
        wanted = set(printed(ROOT))
        for i, args in instructions():
            if i != "RUN":
                continue
            for command in args.split("&&"):
                words = command.replace(PRINT, "").split()
                if words[:2] != ["apt-get", "install"]:
                    continue
                names = {w for w in words[2:] if not w.startswith("-")}
                self.assertLessEqual(names, wanted, "installed outside packages.txt")

    def test_the_list_is_every_group(self) -> None:
        """print-deb-packages prints every group of packages.txt, so nothing the
        project uses is missing from the image."""
        every = {p for group in deps.groups().values() for p in group}
        self.assertEqual(set(printed(ROOT)), every)
        self.assertLessEqual({"gdb", "gdb-multiarch", "git", "qemu-system-x86"}, every)


class DevcontainerJson(unittest.TestCase):
    def test_fields(self) -> None:
        data = json.loads((DC / "devcontainer.json").read_text())
        self.assertEqual(data["build"]["dockerfile"], "Dockerfile")
        self.assertEqual(data["build"]["context"], "..")
        self.assertEqual(data["postCreateCommand"], "make")
        # gdb needs ptrace; bubblewrap needs the namespaces seccomp would refuse
        self.assertIn("--cap-add=SYS_PTRACE", data["runArgs"])
        self.assertIn("seccomp=unconfined", data["runArgs"])
        self.assertIn(8000, data["forwardPorts"])      # make serve


if __name__ == "__main__":
    unittest.main()
