"""make gradescope's bundle: its layout, and setup.sh and run_autograder run as
Gradescope runs them (runner/grade/gradescope_sim.py), the kernel stage
included when the CI layout's 2.4.17 tarball is there."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import zipfile
from pathlib import Path

from runner import deps
from runner.grade import gradescope_sim
from runner.model import build as model_build
from tests.grade import hostile
from tests.grade.test_grade import check_results_schema
from tests.kernel.support import CI_TARBALL
from tests.util import ROOT

# KERNEL_TARBALL (as make kernel-src takes it) else the CI layout's
TARBALL = Path(os.environ.get("KERNEL_TARBALL") or CI_TARBALL)


def build_bundle(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["python3", "-m", "runner.grade.gradescope", "build",
                           "--out", str(out), *args], cwd=ROOT, capture_output=True,
                          text=True)


def honest() -> dict[str, str]:
    return {"lab.c": hostile.SOLUTION, "answers.txt": hostile.answers("Ada", hostile.L3)}


def console(ag: Path, test: dict) -> str:
    """The end of a failed boot's console, read before the scratch root goes."""
    for line in test["output"].splitlines():
        if line.startswith("console log: /autograder/"):
            log = ag / line.split("/autograder/", 1)[1]
            return "\n--- console tail ---\n" + log.read_text(errors="replace")[-2000:] \
                if log.is_file() else ""
    return ""


class Bundle(unittest.TestCase):
    def test_bundle_grades_a_flat_submission(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            base = Path(tmp)
            base.chmod(0o755)
            bundle = base / "autograder.zip"
            out = build_bundle(bundle, "--labs", hostile.L3)
            self.assertEqual(out.returncode, 0, out.stderr)
            with zipfile.ZipFile(bundle) as zf:
                names = set(zf.namelist())
                zf.extractall(base / "source")
            for need in ("setup.sh", "run_autograder", "runner/grade/batch.py",
                         "model/include/lab.h", "labs/03-do-wp-page/lab.json"):
                self.assertIn(need, names)
            build = base / "source" / "build"
            (build / "model" / "fast").mkdir(parents=True)
            (build / "lab").mkdir()
            for f in (*model_build.NEEDED, model_build.BUILD / "lrusim"):
                shutil.copy(f, build / f.relative_to(model_build.BUILD))
            (base / "submission").mkdir()
            for name, text in honest().items():
                (base / "submission" / name).write_text(text)
            (base / "submission_metadata.json").write_text('{"users": [{"name": "Ada"}]}')
            run = subprocess.run(["sh", "run_autograder"], cwd=base / "source",
                                 capture_output=True, text=True, timeout=300,
                                 env={"PATH": "/usr/bin:/bin", "LRULAB_AUTOGRADER": tmp})
            self.assertEqual(run.returncode, 0, run.stderr)
            data = json.loads((base / "results" / "results.json").read_text())
            check_results_schema(self, data)
            self.assertEqual(data["score"], 100)
            self.assertIn("Ada: 100/100", data["output"])

    def test_unknown_lab_is_bad_input(self) -> None:
        out = build_bundle(Path("/tmp/lrulab-never.zip"), "--labs", "99-x")
        self.assertEqual(out.returncode, 2)
        self.assertIn("no lab '99-x'", out.stderr)

    def test_a_tarball_needs_the_kernel_stage(self) -> None:
        out = build_bundle(Path("/tmp/lrulab-never.zip"), "--kernel-tarball",
                           str(ROOT / "packages.txt"))
        self.assertEqual(out.returncode, 2)
        self.assertIn("the model stage boots no kernel", out.stderr)
        out = build_bundle(Path("/tmp/lrulab-never.zip"), "--stage", "all",
                           "--kernel-tarball", str(ROOT / "packages.txt"))
        self.assertEqual(out.returncode, 2)
        self.assertIn("not linux-2.4.17.tar.*", out.stderr)

    def test_kernel_stage_ships_the_series_and_its_packages(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            for stage in ("model", "all"):
                bundle = Path(tmp) / f"{stage}.zip"
                out = build_bundle(bundle, "--stage", stage)
                self.assertEqual(out.returncode, 0, out.stderr)
                with zipfile.ZipFile(bundle) as zf:
                    names = set(zf.namelist())
                    setup = zf.read("setup.sh").decode()
                    conf = json.loads(zf.read("gradescope.json"))
                self.assertEqual(conf["stage"], stage)
                groups = ["model"] + (["kernel"] if stage != "model" else [])
                # the one list, packages.txt, and nothing else
                self.assertIn(" ".join(deps.packages(groups)), setup)
                kernel = {"kernel-tree-patches/series", "guest/init.c", "mk/kernel.mk"}
                if stage == "model":
                    self.assertFalse(kernel & names)
                    self.assertNotIn("qemu-system-x86", setup)
                else:
                    self.assertLessEqual(kernel, names)
                self.assertFalse([n for n in names if "reference/" in n or
                                  n.startswith("tests/")], "instructor-only files shipped")


class SimulatedGradescope(unittest.TestCase):
    """setup.sh then run_autograder in /autograder under bubblewrap: no network,
    this machine's packages as the image, an apt-get that fails if called."""

    def setUp(self) -> None:
        probe = subprocess.run(["bwrap", "--unshare-net", "--unshare-pid", "--ro-bind", "/",
                                "/", "--proc", "/proc", "true"], capture_output=True, text=True)
        if probe.returncode != 0:
            self.skipTest(f"SKIPPED: bubblewrap cannot make Gradescope's layout here: "
                          f"{probe.stderr.strip()[:200]}")

    def grade(self, stage: str, *extra: str, timeout: float = 900) -> tuple[Path, dict]:
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        root = Path(tmp.name)
        bundle = root / "autograder.zip"
        out = build_bundle(bundle, "--labs", hostile.L3, "--stage", stage, *extra)
        self.assertEqual(out.returncode, 0, out.stderr)
        ag = gradescope_sim.unpack(root, bundle, honest())
        setup = gradescope_sim.run(root, "setup.sh", timeout)
        self.assertEqual(setup.returncode, 0, setup.stdout[-2000:] + setup.stderr[-3000:])
        self.assertIn("packages are installed", setup.stdout)
        self.assertNotIn("apt-get called", setup.stderr)
        run = gradescope_sim.run(root, "run_autograder", timeout)
        print(f"\n  gradescope {stage}: setup.sh {setup.seconds:.1f} s, "
              f"run_autograder {run.seconds:.1f} s")
        self.assertEqual(run.returncode, 0, run.stderr[-3000:])
        data = json.loads((ag / "results" / "results.json").read_text())
        check_results_schema(self, data)
        return ag, data

    def test_model_stage(self) -> None:
        _, data = self.grade("model")
        self.assertEqual(data["score"], 100, data["output"])
        self.assertFalse([t for t in data["tests"] if "kernel" in t["name"]])

    def test_kernel_stage(self) -> None:
        if not TARBALL.is_file():
            self.skipTest(f"SKIPPED: no {TARBALL} (the CI layout's pristine Linux 2.4.17; "
                          "or set KERNEL_TARBALL=FILE)")
        ag, data = self.grade("all", "--kernel-tarball", str(TARBALL))
        names = {t["name"]: t for t in data["tests"]}
        for world in ("kernel-up", "kernel-smp"):
            test = names.get(f"{hostile.L3} / {world}")
            self.assertIsNotNone(test, sorted(names))
            self.assertEqual(test["visibility"], "visible")
            self.assertEqual(test["score"], test["max_score"], test["output"] + console(ag, test))
        self.assertIn(f"{hostile.L3} / cow-under-reclaim", names)   # the model's tests too
        self.assertEqual(data["score"], sum(t["max_score"] for t in data["tests"]),
                         data["output"])
        # booted in the kernel trees setup.sh built, not in a fresh one of its own
        runs = list((ag / "source" / "build" / "kernel" / "runs").glob("*"))
        self.assertEqual(len(runs), 1, f"kernel runs in setup's build/kernel: {runs}")
