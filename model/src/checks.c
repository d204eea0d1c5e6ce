/*
 * Boot state and the quiescence checks.  When every task has finished and
 * every interrupt has run, and the epilogue has let keventd and
 * shrink_cache run once more, each page's count must equal its holders
 * (ptes, the swap cache, kiobuf pins), each page in use must be on the LRU
 * where reclaim can find it, each page nobody holds must be back on the
 * free list, and each swap slot's count must equal its holders.
 */
#include <stdio.h>

#include "lrulab/mm.h"
#include "lrulab/sim.h"

void mm_reset_pages(void);
void mm_reset_lru(void);
void mm_reset_swap(void);
void mm_reset_mms(void);
void mm_reset_tasks(void);
void mm_reset_variants(void);

void mm_reset(void)
{
	mm_reset_pages();
	mm_reset_lru();
	mm_reset_swap();
	mm_reset_mms();
	mm_reset_tasks();
	mm_reset_variants();
	pagecache_lock = (spinlock_t)SPIN_LOCK_UNLOCKED("pagecache_lock");
}

static int ptes_mapping(const struct page *page)
{
	int m, i, n = 0;

	for (m = 0; m < NR_MMS; m++)
		for (i = 0; i < NR_PTES; i++)
			n += mms[m].pte[i].page == page;
	return n;
}

void mm_check_unheld(struct page *page)
{
	int ptes = ptes_mapping(page);

	if (ptes || page->pins)
		sim_fail(CHK_USE_AFTER_FREE, page, -1,
			 "use after free: p%d goes back to the free list while %d pte%s "
			 "still map%s it and %d pin%s hold%s it", page->id, ptes,
			 ptes == 1 ? "" : "s", ptes == 1 ? "s" : "", page->pins,
			 page->pins == 1 ? "" : "s", page->pins == 1 ? "s" : "");
}

static void check_page(struct page *page, int ptes)
{
	int cached = page->mapping == &swapper_space;
	int holders = ptes + cached + page->pins;
	int count = page->count.counter;
	bool on_lru = page->flags & (1UL << PG_lru);

	if (page->free)
		return;
	if (count == 0) {
		sim_fail(CHK_LEAK, page, -1,
			 "leak: p%d has page_count 0 but never reached the free "
			 "list%s", page->id,
			 on_lru ? " (still on the LRU after shrink_cache ran)" : "");
	} else if (count > holders) {
		sim_fail(CHK_LEAK, page, -1,
			 "leak: p%d has page_count %d but only %d holder%s "
			 "(%d pte, %d swap cache, %d pin)", page->id, count,
			 holders, holders == 1 ? "" : "s", ptes, cached,
			 page->pins);
	} else if (count < holders) {
		sim_fail(CHK_UNDERFLOW, page, -1,
			 "refcount underflow: p%d has page_count %d for %d "
			 "holders: a reference was dropped twice", page->id,
			 count, holders);
	} else if (!on_lru) {
		sim_fail(CHK_LRU_LOST, page, -1,
			 "lost from the LRU: p%d is in use (%d pte, %d swap "
			 "cache) but not on any LRU list, so reclaim can never "
			 "find it", page->id, ptes, cached);
	} else if (page->was_active && !(page->flags & (1UL << PG_active))) {
		sim_fail(CHK_LRU_LOST, page, -1,
			 "lost its place: p%d is in use and was on the active list, but "
			 "is now on the inactive list, and no reclaim moved it there",
			 page->id);
	} else if (page->flags & (1UL << PG_locked)) {
		sim_fail(CHK_LEAK, page, -1,
			 "leak: p%d is left locked (PG_locked) with nobody "
			 "holding the lock", page->id);
	}
}

void mm_check_quiescent(void)
{
	/*
	 * Every schedule ends here: the holders are tallied in one sweep of the
	 * ptes and pages, not by a sweep per page and per slot
	 */
	int mapping[NR_PAGES] = { 0 }, holding[NR_SWAP] = { 0 };
	unsigned long entry;
	int m, i;

	mm_check_lru("quiescence");
	for (m = 0; m < NR_MMS; m++)
		for (i = 0; i < NR_PTES; i++) {
			const pte_t *pte = &mms[m].pte[i];

			if (pte->page)
				mapping[pte->page - mem_map]++;
			if (pte->swap < NR_SWAP)
				holding[pte->swap]++;
		}
	for (i = 0; i < NR_PAGES; i++) {
		check_page(&mem_map[i], mapping[i]);
		if (mem_map[i].mapping == &swapper_space && mem_map[i].index < NR_SWAP)
			holding[mem_map[i].index]++;
	}
	for (entry = 1; entry < NR_SWAP; entry++) {
		int holders = holding[entry] + swap_held_elsewhere[entry];

		if (swap_map[entry] != holders)
			sim_fail(CHK_LEAK, NULL, -1,
				 "swap leak: slot %lu has count %d but %d holders",
				 entry, swap_map[entry], holders);
	}
}
