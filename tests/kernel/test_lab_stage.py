"""./lab test --stage kernel on the labs' own files: the references pass, and the
bad variants the kernel can see are rejected (see CAUGHT)."""
import os
import subprocess
import unittest

from tests.kernel.support import tools_or_skip, tree_or_skip
from tests.util import ROOT

# bad variants the kernel stage rejects deterministically on UP and SMP;
# the others need races the kernel's workloads hit too rarely (README)
CAUGHT = {
    "02-leave-on-lru": ["pre9-lru-cache-del", "no-unlock", "never-reclaimed"],
    "03-do-wp-page": ["double-release", "unconditional-del", "by-in-interrupt"],
    "04-swap-cache": ["drops-callers-ref", "plain-release"],
}


def kernel_test(lab: str, path: str, tree) -> subprocess.CompletedProcess:
    env = dict(os.environ, KERNEL_SRC=str(tree))
    return subprocess.run([str(ROOT / "lab"), "test", lab, "--file", path,
                           "--stage", "kernel", "--quiet"], capture_output=True,
                          text=True, timeout=900, env=env)


class LabKernelStage(unittest.TestCase):
    def setUp(self) -> None:
        self.tree = tree_or_skip(self)
        tools_or_skip(self, "i686-linux-gnu-gcc", "qemu-system-i386", "genext2fs")

    def test_references_get_full_kernel_marks(self) -> None:
        for lab in CAUGHT:
            with self.subTest(lab=lab):
                out = kernel_test(lab, str(ROOT / "labs" / lab / "solution.c"), self.tree)
                self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
                self.assertIn("PASS kernel-up", out.stdout)
                self.assertIn("PASS kernel-smp", out.stdout)

    def test_bad_variants_are_rejected_in_the_kernel(self) -> None:
        for lab, names in CAUGHT.items():
            for name in names:
                with self.subTest(lab=lab, variant=name):
                    out = kernel_test(lab, str(ROOT / "labs" / lab / "bad" / f"{name}.c"),
                                      self.tree)
                    self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
                    self.assertIn("FAIL kernel-", out.stdout)

    def test_grade_a_class_in_the_kernel(self) -> None:
        """./lab grade --stage kernel: a worker builds its own kernel tree."""
        import json
        import tempfile
        from pathlib import Path
        from runner.skeleton import strip_markers
        with tempfile.TemporaryDirectory() as tmp:
            subs = Path(tmp) / "subs"
            for student, text in (("good", strip_markers(
                    (ROOT / "labs/04-swap-cache/solution.c").read_text())),
                    ("bad", (ROOT / "labs/04-swap-cache/bad/drops-callers-ref.c").read_text())):
                (subs / student / "04-swap-cache").mkdir(parents=True)
                (subs / student / "04-swap-cache" / "lab.c").write_text(text)
            env = dict(os.environ, KERNEL_SRC=str(self.tree))
            out = subprocess.run([str(ROOT / "lab"), "grade", str(subs), "--out",
                                  str(Path(tmp) / "out"), "--labs", "04-swap-cache",
                                  "--stage", "kernel", "-j", "1"], capture_output=True,
                                 text=True, timeout=1800, env=env)
            self.assertEqual(out.returncode, 0, out.stderr)
            scores = {}
            for path in (Path(tmp) / "out" / "students").glob("*/results.json"):
                data = json.loads(path.read_text())
                names = {t["name"] for t in data["tests"]}
                self.assertIn("04-swap-cache / kernel-smp", names)
                scores[path.parent.name] = data["score"]
            self.assertEqual(sorted(scores.values()), [0, 20], scores)

    def test_questions_only_lab_has_no_kernel_stage(self) -> None:
        out = kernel_test("00-orientation", "/dev/null", self.tree)
        self.assertEqual(out.returncode, 2)
        self.assertIn("no kernel stage", out.stderr)
