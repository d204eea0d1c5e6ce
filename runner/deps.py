"""Install the Debian packages the project needs, if any are missing.

Usage: python3 -m runner.deps PACKAGE...   (used by `make`; needs root or sudo)
"""
import os
import shutil
import subprocess
import sys


def missing(packages: list[str]) -> list[str]:
    """The packages dpkg does not report as installed."""
    out = []
    for pkg in packages:
        proc = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg],
                              capture_output=True, text=True)
        if "install ok installed" not in proc.stdout:
            out.append(pkg)
    return out


def main(argv: list[str]) -> int:
    packages = sorted(set(argv))
    if not shutil.which("dpkg-query"):
        print("deps: not a Debian system; install these yourself: "
              + " ".join(packages), file=sys.stderr)
        return 0
    todo = missing(packages)
    if not todo:
        return 0
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print(f"deps: installing {' '.join(todo)}", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], env=env, check=False)
    proc = subprocess.run(sudo + ["apt-get", "install", "-y", "-qq",
                                  "--no-install-recommends", *todo], env=env)
    if proc.returncode != 0:
        print(f"deps: apt-get could not install {' '.join(todo)}; install them "
              "and run make again", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
