"""Every schedule of a search starts from the lab module's initial memory.

lrusim-lab resets the module between schedules by copying back only what
was written (model/lab/glue.c), and starts each context on a coroutine
stack made once (model/src/sim.c).  lab-reset.c counts its calls where a
schedule could leave something for the next one: in a local never
initialised, in a static, above the module's data and below its stacks;
it BUG()s when a count goes over what one schedule makes.  Built here
without the static check (which refuses its arrays and casts): what the
module's C can do is not the point, what its memory holds is.
"""
import json
import subprocess
import tempfile
import unittest
from pathlib import Path

from runner.paths import BUILD, ROOT
from tests.util import ENV

HERE = Path(__file__).parent
HOOKS = ["lab_free_pages_ok_lru", "lab_shrink_cache_zero_count"]
# an irq and a task freeing, an irq's page never on the LRU, two pages left
SCENARIOS = ["aio-munmap", "irq-driver-page", "two-left"]


class LabReset(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory(prefix="lrulab-reset-")
        cls.binary = Path(cls.tmp.name) / "lrusim-lab"
        subprocess.run(["/bin/sh", str(ROOT / "model/lab/build-lab.sh"),
                        str(HERE / "lab-reset.c"), str(ROOT / "model/include"),
                        str(ROOT / "model/lab"), str(BUILD / "lab"),
                        str(BUILD / "model/fast/main.o"), str(BUILD / "libmodel.a"),
                        str(cls.binary), "deps", "ast", *HOOKS],
                       cwd=cls.tmp.name, check=True, capture_output=True, timeout=120)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

    def run_model(self, scenario: str, strategy: str) -> dict:
        proc = subprocess.run([str(self.binary), "--json", "--variant", "student",
                               "--scenario", scenario, "--strategy", strategy],
                              capture_output=True, text=True, timeout=120, env=ENV)
        self.assertIn(proc.returncode, (0, 1), proc.stderr[-2000:])
        return json.loads(proc.stdout)

    def test_no_schedule_sees_another(self) -> None:
        for scenario in SCENARIOS:
            with self.subTest(scenario=scenario):
                search = self.run_model(scenario, "dfs:1")
                self.assertIsNone(search["failure"])
                self.assertGreater(search["strategies"][0]["schedules"], 100)
                # the first schedule, alone in a fresh process
                self.assertIsNone(self.run_model(scenario, "replay:")["failure"])


if __name__ == "__main__":
    unittest.main()
