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
    "03-do-wp-page": ["double-release"],
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

    def test_questions_only_lab_has_no_kernel_stage(self) -> None:
        out = kernel_test("00-orientation", "/dev/null", self.tree)
        self.assertEqual(out.returncode, 2)
        self.assertIn("no kernel stage", out.stderr)
