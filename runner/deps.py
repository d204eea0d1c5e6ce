"""Install the Debian packages the project needs, if any are missing.

Usage: python3 -m runner.deps GROUP...          install what the groups of
                                                packages.txt list (root or sudo)
       python3 -m runner.deps --list GROUP...   print them
"""
import os
import shutil
import subprocess
import sys

from runner.paths import ROOT

PACKAGES = ROOT / "packages.txt"


def groups() -> dict[str, list[str]]:
    """packages.txt: the one list of the Debian packages, by group."""
    out = {}
    for line in PACKAGES.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" in line:
            name, pkgs = line.split(":", 1)
            out[name.strip()] = pkgs.split()
    return out


def packages(names: list[str]) -> list[str]:
    known = groups()
    for n in names:
        if n not in known:
            raise SystemExit(f"deps: no group {n!r} in packages.txt (groups: "
                             f"{', '.join(known)})")
    return sorted({p for n in names for p in known[n]})


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
    if argv[:1] == ["--list"]:
        print(" ".join(packages(argv[1:])))
        return 0
    packages_ = packages(argv)
    return install(packages_)


def install(packages: list[str]) -> int:
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
