/*
 * prelude.h - the headers every wasm2c translation includes, precompiled
 * once by make (build/lab/prelude.h.gch, build-lab.sh --prelude) and put
 * first in each lab module's compile: parsing them was half of compiling
 * a module.  The compiled module is the same with or without it.
 */
#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <alloca.h>
#include <stdbool.h>
#include <stdint.h>
#include <wasm-rt.h>	/* model/lab/wasm-rt.h, found by -I, then the system one */
