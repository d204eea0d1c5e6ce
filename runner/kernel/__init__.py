"""The kernel stage: Linux 2.4.17 patched by kernel-tree-patches/, built with
Debian's i686 cross gcc 12, booted in QEMU with the guest/ init.

Modules, in the order a run uses them:
  paths    where things live (repo, cache, build dirs) and the pinned release
  source   obtain the 2.4.17 tree (download, KERNEL_TARBALL, KERNEL_SRC), verify it
  patches  read the series, list the files it touches, apply it
  build    patched build trees, configs, the make line, bzImage per flavour
  guest    the libc-free /init and the initrd
  qemu     boot a kernel, collect console + report, always kill QEMU
  cli      python3 -m runner.kernel {src,build,guest,boot,verify}
"""
