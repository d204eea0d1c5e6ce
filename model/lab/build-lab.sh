#!/bin/sh
# build-lab.sh: one lab.c into lrusim-lab, inside the sandbox (runner/model/build.py).
#
#   build-lab.sh LAB.C INCLUDE LABDIR LABOBJ MAIN.O LIBMODEL.A OUT DEPS AST HOOK...
#   build-lab.sh --prelude LABDIR OUT.gch      (make: the precompiled prelude.h)
#
# The lab.c is compiled to WebAssembly (clang --target=wasm32), linked with
# the lab module's trusted part (LABOBJ/lab-rt.o, from lab-rt.c) exporting
# only its lab's HOOKs, translated to C by wasm2c (LABDIR/module.c around
# it), and linked with the model through the glue (LABOBJ/glue.o, from
# glue.c), which is the only thing the module can call.  Written on
# the way: DEPS (the files the preprocessor opened) and AST (clang's AST as
# JSON), which the runner checks before it believes any of the rest.  The exit status says which step failed, so the
# runner never has to trust text the lab.c can influence to know that:
#   11 compiling (deps are written even then)   12 wasm-ld   13 wasm2c
#   14 the C compile of the module   15 the link with the model
#   16 the module uses a WebAssembly feature the glue does not allow
set -u
# the C compile of a module; its prelude (prelude.h) is precompiled with the
# same flags, or gcc would not use it
module_flags="-std=c11 -D_GNU_SOURCE -O1 -w -fstack-clash-protection
 -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 -DWASM_RT_MAX_CALL_STACK_DEPTH=200"
if [ "$1" = --prelude ]; then	# build-lab.sh --prelude LABDIR OUT.gch (make)
	# shellcheck disable=SC2086
	exec gcc $module_flags -I"$2" -x c-header "$2/prelude.h" -o "$3"
fi
src=$1 inc=$2 labdir=$3 labobj=$4 main=$5 lib=$6 out=$7 deps=$8 ast=$9
shift 9
exports=""
for hook in "$@"; do exports="$exports --export=$hook"; done

# the dialect and warnings every lab.c is held to in the model world
lab_flags="--target=wasm32 -std=c11 -ffreestanding -nostdinc -Wall -Wextra -Werror
 -Wno-unused-parameter -I$inc"
# the lab module's memory: a 34 KiB stack (16 contexts x 2 KiB) below its
# statics, one 64 KiB page in all (glue.c: STACK_TOP)
ld_flags="--no-entry --allow-undefined --stack-first -z stack-size=34816
 --initial-memory=65536 --max-memory=65536
 --export=pagemap_lru_lock --export=__data_end --export=lrulab_rt_anchor"

# one compile writes the object, the deps and (the ast-json plugin) the AST
clang $lab_flags -O2 -MD -MF "$deps" -c "$src" -o lab.o \
	-fplugin="$labobj/ast-json.so" -Xclang -add-plugin -Xclang lrulab-ast-json \
	-Xclang -plugin-arg-lrulab-ast-json -Xclang "$ast" || exit 11
# shellcheck disable=SC2086
wasm-ld $ld_flags $exports lab.o "$labobj/lab-rt.o" -o lab.wasm || exit 12
# every store of the module must pass the glue (a static's yield point, the
# per-schedule reset): no bulk-memory operation (memory.fill, memory.copy)
# writes around it, whatever asm or target attribute the lab.c holds
wasm-validate --disable-bulk-memory lab.wasm || exit 16
wasm2c lab.wasm -n lab -o lab_module.c || exit 13
# shellcheck disable=SC2086
gcc $module_flags -include "$labobj/prelude.h" -I. -I"$labdir" -c "$labdir/module.c" \
	-o module.o || exit 14
# gold: a third less time than bfd for this link, the same program
gcc -fuse-ld=gold module.o "$labobj/glue.o" "$main" "$lib" -o "$out" || exit 15
