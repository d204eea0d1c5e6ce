/*
 * The swap cache (mm/swap_state.c): pages of swapper_space indexed by swap
 * entry.  Being in the swap cache holds one page reference and one swap map
 * count.  The page cache hash is a walk of mem_map under pagecache_lock.
 */
#include "lrulab/mm.h"
#include "lrulab/sim.h"

spinlock_t pagecache_lock = SPIN_LOCK_UNLOCKED("pagecache_lock");
struct address_space swapper_space = { .name = "swapper_space" };

/* mm/swap_state.c add_to_swap_cache(): the caller holds the page locked */
int add_to_swap_cache(struct page *page, unsigned long entry)
{
	if (page->mapping)
		BUG();
	if (!swap_duplicate(entry))
		return -1;
	spin_lock(&pagecache_lock);
	page_cache_get(page);
	page->mapping = &swapper_space;
	page->index = entry;
	swapper_space.nrpages++;
	spin_unlock(&pagecache_lock);
	lru_cache_add(page);
	return 0;
}

/* mm/swap_state.c __delete_from_swap_cache(): pagecache_lock held */
void __delete_from_swap_cache(struct page *page)
{
	if (!PageLocked(page))
		BUG();
	if (!PageSwapCache(page))
		BUG();
	ClearPageDirty(page);
	/* mm/filemap.c __remove_inode_page() */
	page->mapping = NULL;
	swapper_space.nrpages--;
}

/* mm/swap_state.c delete_from_swap_cache(): drops the cache's reference */
void delete_from_swap_cache(struct page *page)
{
	unsigned long entry;

	if (!PageLocked(page))
		BUG();
	entry = page->index;
	spin_lock(&pagecache_lock);
	__delete_from_swap_cache(page);
	spin_unlock(&pagecache_lock);
	swap_free(entry);
	page_cache_release(page);
}

/*
 * mm/swap_state.c free_page_and_swap_cache(): zap_pte_range() drops a
 * pte's reference; page_table_lock is held, so no lock_page here.
 */
void free_page_and_swap_cache(struct page *page)
{
	if (PageSwapCache(page) && !TryLockPage(page)) {
		remove_exclusive_swap_page(page);
		UnlockPage(page);
	}
	call_lab_free_page_and_swap_cache_release(page);
}

/* mm/filemap.c find_trylock_page(): no reference taken, page locked */
struct page *find_trylock_page(struct address_space *mapping,
			       unsigned long index)
{
	struct page *found = NULL;
	int i;

	spin_lock(&pagecache_lock);
	for (i = 0; i < NR_PAGES; i++) {
		struct page *page = &mem_map[i];

		if (page->mapping == mapping && page->index == index) {
			if (!TryLockPage(page))
				found = page;
			break;
		}
	}
	spin_unlock(&pagecache_lock);
	return found;
}
