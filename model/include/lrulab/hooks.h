/*
 * The lab hooks: the code at each spot of Hugh Dickins' 12 Feb 2002 patch
 * (<Pine.LNX.4.21.0202121929230.1468-100000@localhost.localdomain>), cut out
 * of the mm code so that a variant, a reference solution or a student's
 * lab.c can supply it.  The model and the patched 2.4 kernel call these
 * functions from the same spots with the same locks held.
 */
#ifndef LRULAB_HOOKS_H
#define LRULAB_HOOKS_H

struct page;

/*
 * mm/page_alloc.c __free_pages_ok(): the PageLRU test, after the other BUG
 * checks.  page_count is 0; may run in any context, including hard irq.
 * Return 1 to leave the page where it is (someone must free it later),
 * 0 to go on and put it on the free lists.
 */
int lab_free_pages_ok_lru(struct page *page);

/*
 * mm/vmscan.c shrink_cache(): the page at the tail of the inactive list has
 * page_count 0.  pagemap_lru_lock is held, process context.  The page has
 * already been rotated to the head of the list.  Return 1 to stop scanning
 * (the caller then returns *nr_pages), 0 to go on with the next page.
 */
int lab_shrink_cache_zero_count(struct page *page, int *nr_pages);

/*
 * mm/memory.c do_wp_page(): the copy-on-write copy is installed (or lost a
 * race) and page_table_lock is released; the caller's extra reference on
 * the old page and the reference the pte held are both dropped here.
 * Process context.  Must drop exactly one reference.
 */
void lab_do_wp_page_release_old(struct page *old_page);

/*
 * mm/swap_state.c free_page_and_swap_cache(): zap_pte_range() is dropping
 * a pte's reference; page_table_lock is held, process context; the page
 * has already been taken out of the swap cache if that was possible.
 * Must drop exactly one reference.
 */
void lab_free_page_and_swap_cache_release(struct page *page);

/*
 * mm/swapfile.c free_swap_and_cache(): the page was just taken out of the
 * swap cache by delete_from_swap_cache(); it is locked (PG_locked held by
 * the caller), the caller holds one reference of its own, page_table_lock
 * is held, process context.  Must not drop the caller's reference.
 */
void lab_free_swap_and_cache_deleted(struct page *page);

#endif /* LRULAB_HOOKS_H */
