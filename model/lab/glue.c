/*
 * The model's side of a lab module: a lab.c compiled to WebAssembly and
 * translated to C by wasm2c, linked into lrusim-lab with this file (built
 * once) and module.c (built with each module: the module's instance and
 * its exports, behind the lab_* functions of module.h).  This is the trust
 * boundary.  The module can touch its
 * own linear memory and nothing else; everything it asks of the model
 * comes through the imports below, which check every handle it passes.
 *
 * - struct page * crosses as a handle (PAGE_HANDLE + page id); the only
 *   lock is the token at the address the module exports as
 *   pagemap_lru_lock.  Anything else is an oops of the lab's code.
 * - Each simulated context runs the module on a stack of its own (its
 *   region of the module's shadow stack), with its own call depth, so that
 *   an interrupt or another CPU entering a hook mid-way changes nothing of
 *   it, as on real CPUs; the module's static variables are shared, and
 *   every access to them is a yield point (lab_memory_access).
 * - Every run starts from the module's initial memory, so a schedule
 *   replays alike on its own or in the middle of a search.
 * - A trap (bad memory access, division by zero, unreachable, runaway
 *   recursion) is the "oops" failure, reported like a BUG().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm-rt.h>

#include "lrulab/mm.h"
#include "lrulab/sim.h"
#include "module.h"

#define PAGE_HANDLE	0x40000000u
/* -z stack-size of the module (runner/model/build.py): 16 regions of 2 KiB */
#define STACK_TOP	34816u
#define CTX_STACK	2048u

static uint8_t *initial_memory;
static uint32_t initial_size, static_lo, static_hi;
static bool instantiated;
uint32_t wasm_rt_call_stack_depth;

/*
 * The blocks of the module's memory written since the last reset, one bit
 * each (a block is a context's stack region, 2 KiB, for the 64 KiB a lab
 * has): a reset copies back only those, not the whole memory at every
 * schedule.  Every store of the module comes through lab_memory_access()
 * (wasm-rt.h: clang targets wasm32 without bulk-memory, so no memory.fill
 * or memory.copy writes around it, which the statics' yield points rely on
 * too), and the glue marks its own writes: a block not marked is still
 * the initial image, wherever a stray pointer of the lab's wrote, and a
 * schedule reads the same bytes (a local never set, say) as it would in a
 * fresh process.
 */
static unsigned int block_shift = 11;
static uint64_t dirty_blocks;

static inline void mark_written(uint32_t off, size_t n)
{
	dirty_blocks |= 1ull << (off >> block_shift) |
			1ull << ((off + n - 1) >> block_shift);
}

/* --- failures of the lab's own code ------------------------------------ */

static void lab_oops(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static const char *where(void)
{
	struct sim_ctx *c = sim_current();

	return c && c->hook ? c->hook : "lab.c";
}

static void lab_oops(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sim_fail(CHK_OOPS, NULL, -1, "oops in %s: %s", where(), msg);
	fprintf(stderr, "lrusim: lab code failed outside the machine: %s\n", msg);
	exit(2);
}

void wasm_rt_trap(wasm_rt_trap_t trap)
{
	static const char *const why[] = {
		[WASM_RT_TRAP_OOB] = "memory access out of bounds (a wild pointer?)",
		[WASM_RT_TRAP_INT_OVERFLOW] = "integer overflow in a division",
		[WASM_RT_TRAP_DIV_BY_ZERO] = "integer division by zero",
		[WASM_RT_TRAP_INVALID_CONVERSION] = "invalid conversion to integer",
		[WASM_RT_TRAP_UNREACHABLE] = "unreachable code reached",
		[WASM_RT_TRAP_CALL_INDIRECT] = "call through a bad function pointer",
		[WASM_RT_TRAP_EXHAUSTION] = "call stack exhausted (runaway recursion?)",
	};

	lab_oops("%s", trap < sizeof(why) / sizeof(why[0]) && why[trap] ?
		 why[trap] : "trap");
}

/* --- the handles ------------------------------------------------------- */

static struct page *page_of(uint32_t handle, const char *what)
{
	if (handle - PAGE_HANDLE < NR_PAGES)
		return &mem_map[handle - PAGE_HANDLE];
	if (!handle)
		lab_oops("%s(NULL)", what);
	lab_oops("%s(%#x): not a struct page * the model gave the lab", what, handle);
}

static uint32_t handle_of(struct page *page)
{
	return PAGE_HANDLE + (uint32_t)page->id;
}

static spinlock_t *lock_of(uint32_t addr, const char *what)
{
	if (addr == lab_lock_address())
		return &pagemap_lru_lock;
	lab_oops("%s(%#x): not &pagemap_lru_lock, the one lock a lab takes", what, addr);
}

static int flag_of(uint32_t nr, const char *what)
{
	if (nr < 16)
		return (int)nr;
	lab_oops("%s: page flag bit %u does not exist", what, nr);
}

/* --- the imports: the lab API ------------------------------------------ */

struct Z_env_instance_t;	/* no import uses it: one instance, no environment */
#define ENV struct Z_env_instance_t *env __attribute__((unused))
typedef uint32_t u32;

u32 Z_envZ_lab_page_count(ENV, u32 p)
{
	return (u32)model_page_count(page_of(p, "page_count"), where());
}

void Z_envZ_lab_get_page(ENV, u32 p)
{
	model_get_page(page_of(p, "get_page"), where());
}

u32 Z_envZ_lab_put_page_testzero(ENV, u32 p)
{
	return (u32)model_put_page_testzero(page_of(p, "put_page_testzero"), where());
}

u32 Z_envZ_lab_test_bit(ENV, u32 nr, u32 p)
{
	return (u32)model_test_bit(flag_of(nr, "test_bit"), page_of(p, "test_bit"),
				   where());
}

void Z_envZ_lab_set_bit(ENV, u32 nr, u32 p)
{
	model_set_bit(flag_of(nr, "set_bit"), page_of(p, "set_bit"), where());
}

void Z_envZ_lab_clear_bit(ENV, u32 nr, u32 p)
{
	model_clear_bit(flag_of(nr, "clear_bit"), page_of(p, "clear_bit"), where());
}

u32 Z_envZ_lab_test_and_set_bit(ENV, u32 nr, u32 p)
{
	return (u32)model_test_and_set_bit(flag_of(nr, "test_and_set_bit"),
					   page_of(p, "test_and_set_bit"), where());
}

u32 Z_envZ_lab_test_and_clear_bit(ENV, u32 nr, u32 p)
{
	return (u32)model_test_and_clear_bit(flag_of(nr, "test_and_clear_bit"),
					     page_of(p, "test_and_clear_bit"),
					     where());
}

void Z_envZ_lab_unlock_page(ENV, u32 p)
{
	model_unlock_page(page_of(p, "UnlockPage"), where());
}

u32 Z_envZ_lab_page_swap_cache(ENV, u32 p)
{
	return (u32)model_page_swap_cache(page_of(p, "PageSwapCache"), where());
}

u32 Z_envZ_lab_in_interrupt(ENV)
{
	return (u32)model_in_interrupt();
}

void Z_envZ_lab_bug(ENV, u32 line)
{
	model_bug("lab.c", (int)line, where());
}

void Z_envZ_lab_barrier(ENV, u32 kind)
{
	if (kind > 2)
		lab_oops("barrier kind %u", kind);
	model_barrier((int)kind, where());
}

void Z_envZ_lab_spin_lock(ENV, u32 lock)
{
	model_spin_lock(lock_of(lock, "spin_lock"), where());
}

void Z_envZ_lab_spin_unlock(ENV, u32 lock)
{
	model_spin_unlock(lock_of(lock, "spin_unlock"), where());
}

void Z_envZ_lru_cache_add(ENV, u32 p)
{
	lru_cache_add(page_of(p, "lru_cache_add"));
}

void Z_envZ___lru_cache_del(ENV, u32 p)
{
	__lru_cache_del(page_of(p, "__lru_cache_del"));
}

void Z_envZ_lru_cache_del(ENV, u32 p)
{
	lru_cache_del(page_of(p, "lru_cache_del"));
}

void Z_envZ___free_pages(ENV, u32 p, u32 order)
{
	if (order)
		lab_oops("__free_pages(order %u): the model has order-0 pages only", order);
	__free_pages(page_of(p, "__free_pages"), 0);
}

void Z_envZ_page_cache_release(ENV, u32 p)
{
	page_cache_release(page_of(p, "page_cache_release"));
}

/* --- the lab's statics are shared memory ------------------------------- */

void lab_memory_access(void *dst, const void *src, size_t n)
{
	const uint8_t *base = lab_memory();
	const uint8_t *load = src, *store = dst;
	uintptr_t off = (uintptr_t)store - (uintptr_t)base;
	long before = 0, after = 0;

	/* a load copies to the C stack, a store into the memory */
	if (off < initial_size)
		mark_written((uint32_t)off, n);
	if (load >= base + static_lo && load < base + static_hi) {
		sim_yield("load static", where(), NULL, NULL);
		memcpy(dst, src, n);
		memcpy(&after, src, n < sizeof(after) ? n : sizeof(after));
		sim_trace_result(after, after);
		return;
	}
	if (store >= base + static_lo && store < base + static_hi) {
		sim_yield("store static", where(), NULL, NULL);
		memcpy(&before, dst, n < sizeof(before) ? n : sizeof(before));
		memcpy(dst, src, n);
		memcpy(&after, dst, n < sizeof(after) ? n : sizeof(after));
		sim_trace_result(before, after);
		return;
	}
	memcpy(dst, src, n);
}

/* --- a stack per context ----------------------------------------------- */

static void switch_in(struct sim_ctx *c)
{
	*lab_stack_pointer() = c->lab_sp ? c->lab_sp :
		STACK_TOP - (uint32_t)c->id * CTX_STACK;
	wasm_rt_call_stack_depth = c->lab_depth;
}

static void switch_out(struct sim_ctx *c)
{
	c->lab_sp = *lab_stack_pointer();
	c->lab_depth = wasm_rt_call_stack_depth;
}

/* --- instances --------------------------------------------------------- */

static void lab_reset(void)
{
	if (!instantiated) {
		lab_instantiate();
		initial_size = lab_memory_size();
		initial_memory = malloc(initial_size);
		if (!initial_memory) {
			perror("lrusim: lab module");
			exit(2);
		}
		memcpy(initial_memory, lab_memory(), initial_size);
		static_lo = STACK_TOP;
		static_hi = lab_data_end();
		while ((64ull << block_shift) < initial_size)
			block_shift++;
		dirty_blocks = 0;
		sim_switch_in = switch_in;
		sim_switch_out = switch_out;
		instantiated = true;
	}
	while (dirty_blocks) {
		uint32_t off = (uint32_t)__builtin_ctzll(dirty_blocks) << block_shift;
		uint32_t len = 1u << block_shift;

		dirty_blocks &= dirty_blocks - 1;
		if (len > initial_size - off)
			len = initial_size - off;
		memcpy(lab_memory() + off, initial_memory + off, len);
	}
	*lab_stack_pointer() = STACK_TOP;
	wasm_rt_call_stack_depth = 0;
}

/* --- the hooks the module exports -------------------------------------- */

static int free_pages_ok_lru(struct page *page)
{
	return (int)lab_call_free_pages_ok_lru(handle_of(page));
}

/*
 * *nr_pages lives on this context's stack in the module for the call.  The
 * stack pointer is the module's to move: the glue writes through it only
 * inside the context's own stack region, so no value of it reaches beyond
 * the module's memory.
 */
static int shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	struct sim_ctx *c = sim_current();
	uint32_t top = STACK_TOP - (uint32_t)(c ? c->id : 0) * CTX_STACK;
	uint32_t sp = *lab_stack_pointer() - 16;
	int32_t value = *nr_pages;
	int ret;

	if (sp > top - 16 || sp < top - CTX_STACK || top > lab_memory_size())
		lab_oops("its stack pointer (%#x) left its stack", sp + 16);

	memcpy(lab_memory() + sp, &value, sizeof(value));
	mark_written(sp, sizeof(value));
	*lab_stack_pointer() = sp;
	ret = (int)lab_call_shrink_cache_zero_count(handle_of(page), sp);
	if (*lab_stack_pointer() != sp)
		lab_oops("its stack pointer (%#x) did not come back", *lab_stack_pointer());
	memcpy(&value, lab_memory() + sp, sizeof(value));
	*lab_stack_pointer() = sp + 16;
	*nr_pages = value;
	return ret;
}

static void do_wp_page_release_old(struct page *old_page)
{
	lab_call_do_wp_page_release_old(handle_of(old_page));
}

static void free_page_and_swap_cache_release(struct page *page)
{
	lab_call_free_page_and_swap_cache_release(handle_of(page));
}

static void free_swap_and_cache_deleted(struct page *page)
{
	lab_call_free_swap_and_cache_deleted(handle_of(page));
}

static const struct lab_module wrappers = {
	.lab_free_pages_ok_lru = free_pages_ok_lru,
	.lab_shrink_cache_zero_count = shrink_cache_zero_count,
	.lab_do_wp_page_release_old = do_wp_page_release_old,
	.lab_free_page_and_swap_cache_release = free_page_and_swap_cache_release,
	.lab_free_swap_and_cache_deleted = free_swap_and_cache_deleted,
	.reset = lab_reset,
};

/* Only the hooks the module exports (its lab's) replace fix-0212's. */
const struct lab_module *lab_module(void)
{
	static struct lab_module m;

	m.reset = wrappers.reset;
#define HOOK(ret, name, params, args) \
	m.name = lab_exports(#name) ? wrappers.name : NULL;
#include "lrulab/hooks.def"
#undef HOOK
	return &m;
}

/* --- the rest of wasm2c's runtime, for this one instance --------------- */

bool wasm_rt_is_initialized(void)
{
	return true;
}

void wasm_rt_allocate_memory(wasm_rt_memory_t *mem, uint32_t initial_pages,
			     uint32_t max_pages)
{
	mem->pages = initial_pages;
	mem->max_pages = max_pages;
	mem->size = initial_pages * 65536u;
	mem->data = calloc(1, mem->size ? mem->size : 1);
	if (!mem->data) {
		perror("lrusim: lab module memory");
		exit(2);
	}
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *mem, uint32_t pages)
{
	(void)mem;
	(void)pages;
	return (uint32_t)-1;	/* a lab has its one page of memory */
}

void wasm_rt_free_memory(wasm_rt_memory_t *mem)
{
	free(mem->data);
}

void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t *table,
				    uint32_t elements, uint32_t max_elements)
{
	table->size = elements;
	table->max_size = max_elements;
	table->data = calloc(elements ? elements : 1, sizeof(*table->data));
	if (!table->data) {
		perror("lrusim: lab module table");
		exit(2);
	}
}

void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t *table)
{
	free(table->data);
}

uint32_t wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t *table,
				    uint32_t delta, wasm_rt_funcref_t init)
{
	(void)table;
	(void)delta;
	(void)init;
	return (uint32_t)-1;
}

/* Function types by shape, so that call_indirect compares indices. */
uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...)
{
	static uint32_t shapes[64][17];
	static uint32_t nr_shapes;
	uint32_t shape[17] = { params, results }, i, n = params + results;
	va_list ap;

	if (n > 15)
		lab_oops("a function with %u parameters and results", n);
	va_start(ap, results);
	for (i = 0; i < n; i++)
		shape[2 + i] = (uint32_t)va_arg(ap, int);
	va_end(ap);
	for (i = 0; i < nr_shapes; i++)
		if (!memcmp(shapes[i], shape, sizeof(shape)))
			return i;
	if (nr_shapes == 64)
		lab_oops("more than 64 kinds of function");
	memcpy(shapes[nr_shapes], shape, sizeof(shape));
	return nr_shapes++;
}
