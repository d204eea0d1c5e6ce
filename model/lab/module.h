/*
 * What glue.c needs of a lab module's instance, from module.c (built with
 * each module, which wasm2c gives a layout of its own).  Addresses are
 * offsets in the module's linear memory.
 */
#ifndef LRULAB_LAB_MODULE_H
#define LRULAB_LAB_MODULE_H

#include <stdbool.h>
#include <stdint.h>

void lab_instantiate(void);
uint8_t *lab_memory(void);
uint32_t lab_memory_size(void);
uint32_t *lab_stack_pointer(void);
uint32_t lab_lock_address(void);	/* &pagemap_lru_lock */
uint32_t lab_data_end(void);		/* the end of its static data */
bool lab_exports(const char *hook);

uint32_t lab_call_free_pages_ok_lru(uint32_t page);
uint32_t lab_call_shrink_cache_zero_count(uint32_t page, uint32_t nr_pages);
void lab_call_do_wp_page_release_old(uint32_t page);
void lab_call_free_page_and_swap_cache_release(uint32_t page);
void lab_call_free_swap_and_cache_deleted(uint32_t page);

#endif /* LRULAB_LAB_MODULE_H */
