/*
 * Red team: memory.fill, a WebAssembly bulk-memory operation (asm in a
 * function compiled for that feature), writes the module's memory without
 * passing the glue: a static written so has no yield point, and the
 * per-schedule reset would not know the block changed.  The build refuses
 * any module that uses bulk memory, whatever the static check saw.
 */
#include "lab.h"

__attribute__((target("bulk-memory")))
void lab_do_wp_page_release_old(struct page *old_page)
{
	/* zero 64 bytes of the statics, just above the stacks */
	__asm__ volatile("i32.const 34816\n\ti32.const 0\n\ti32.const 64\n\t"
			 "memory.fill 0" ::: "memory");
	page_cache_release(old_page);
}
