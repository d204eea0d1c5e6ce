/*
 * Built with each lab module: includes wasm2c's translation of it and
 * gives glue.c its instance and exports (module.h).  The hooks the module
 * does not export (another lab's) are weak, so NULL: lab_exports() says.
 */
#include "lab_module.c"
#include "module.h"

#define WEAK __attribute__((weak))
WEAK u32 Z_labZ_lab_free_pages_ok_lru(Z_lab_instance_t *, u32);
WEAK u32 Z_labZ_lab_shrink_cache_zero_count(Z_lab_instance_t *, u32, u32);
WEAK void Z_labZ_lab_do_wp_page_release_old(Z_lab_instance_t *, u32);
WEAK void Z_labZ_lab_free_page_and_swap_cache_release(Z_lab_instance_t *, u32);
WEAK void Z_labZ_lab_free_swap_and_cache_deleted(Z_lab_instance_t *, u32);

static Z_lab_instance_t lab;

void lab_instantiate(void)
{
	Z_lab_init_module();
	Z_lab_instantiate(&lab, NULL);
}

uint8_t *lab_memory(void)
{
	return lab.w2c_memory.data;
}

uint32_t lab_memory_size(void)
{
	return lab.w2c_memory.size;
}

uint32_t *lab_stack_pointer(void)
{
	return &lab.w2c___stack_pointer;
}

uint32_t lab_lock_address(void)
{
	return lab.w2c_pagemap_lru_lock;
}

uint32_t lab_data_end(void)
{
	return lab.w2c___data_end;
}

bool lab_exports(const char *hook)
{
	const struct {
		const char *name;
		bool present;
	} exports[] = {
		{ "lab_free_pages_ok_lru", Z_labZ_lab_free_pages_ok_lru != NULL },
		{ "lab_shrink_cache_zero_count", Z_labZ_lab_shrink_cache_zero_count != NULL },
		{ "lab_do_wp_page_release_old", Z_labZ_lab_do_wp_page_release_old != NULL },
		{ "lab_free_page_and_swap_cache_release",
		  Z_labZ_lab_free_page_and_swap_cache_release != NULL },
		{ "lab_free_swap_and_cache_deleted",
		  Z_labZ_lab_free_swap_and_cache_deleted != NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(exports) / sizeof(exports[0]); i++)
		if (!strcmp(exports[i].name, hook))
			return exports[i].present;
	return false;
}

uint32_t lab_call_free_pages_ok_lru(uint32_t page)
{
	return Z_labZ_lab_free_pages_ok_lru(&lab, page);
}

uint32_t lab_call_shrink_cache_zero_count(uint32_t page, uint32_t nr_pages)
{
	return Z_labZ_lab_shrink_cache_zero_count(&lab, page, nr_pages);
}

void lab_call_do_wp_page_release_old(uint32_t page)
{
	Z_labZ_lab_do_wp_page_release_old(&lab, page);
}

void lab_call_free_page_and_swap_cache_release(uint32_t page)
{
	Z_labZ_lab_free_page_and_swap_cache_release(&lab, page);
}

void lab_call_free_swap_and_cache_deleted(uint32_t page)
{
	Z_labZ_lab_free_swap_and_cache_deleted(&lab, page);
}
