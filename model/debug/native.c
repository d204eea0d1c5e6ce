/*
 * The debug build's lab module (./lab debug, runner/debug/model.py): a
 * lab.c compiled natively with -g -O0 against lrulab/kernel.h, so that gdb
 * can step through it at the source level.  Its hooks are renamed debug_*
 * and its static data moved into the sections lab_data and lab_bss by
 * objcopy; this file hands the hooks to the model as the "student" variant
 * (as glue.c does for the WebAssembly module) and gives every run the
 * lab's initial statics again.
 *
 * Never used for grading: natively, the lab's code shares the model's
 * memory, and an access to one of its statics is not a yield point (in
 * the graded build each one is), so a schedule of a lab.c with statics
 * may replay differently here.  ./lab debug says so.
 */
#include <stdlib.h>
#include <string.h>

#include "lrulab/mm.h"

#define HOOK(ret, name, params, args) \
	extern ret debug_##name params __attribute__((weak));
#include "lrulab/hooks.def"
#undef HOOK

/* What the linker puts around the sections objcopy renamed (none: empty) */
extern char __start_lab_data[] __attribute__((weak));
extern char __stop_lab_data[] __attribute__((weak));
extern char __start_lab_bss[] __attribute__((weak));
extern char __stop_lab_bss[] __attribute__((weak));

static char *initial_data;

/* Every run starts from the lab's initial statics, as in the graded build. */
static void reset_statics(void)
{
	size_t data = (size_t)(__stop_lab_data - __start_lab_data);
	size_t bss = (size_t)(__stop_lab_bss - __start_lab_bss);

	if (!initial_data && data) {
		initial_data = malloc(data);
		if (!initial_data)
			abort();
		memcpy(initial_data, __start_lab_data, data);
	}
	if (data)
		memcpy(__start_lab_data, initial_data, data);
	if (bss)
		memset(__start_lab_bss, 0, bss);
}

const struct lab_module *lab_module(void)
{
	static struct lab_module m;

#define HOOK(ret, name, params, args) \
	m.name = debug_##name;
#include "lrulab/hooks.def"
#undef HOOK
	m.reset = reset_statics;
	return &m;
}
