/*
 * The swap map (mm/swapfile.c): one count per swap slot, one per pte that
 * holds the entry plus one for the swap cache.  free_swap_and_cache() and
 * remove_exclusive_swap_page() are the spots of the 12 Feb patch here.
 */
#include "lrulab/mm.h"
#include "lrulab/sim.h"

spinlock_t swaplock = SPIN_LOCK_UNLOCKED("swap_device_lock");
unsigned char swap_map[NR_SWAP];
unsigned char swap_held_elsewhere[NR_SWAP];
int nr_swap_pages, total_swap_pages;

void mm_reset_swap(void)
{
	int i;

	for (i = 0; i < NR_SWAP; i++)
		swap_map[i] = swap_held_elsewhere[i] = 0;
	swap_map[0] = 1;	/* entry 0 is the swap header, never used */
	total_swap_pages = nr_swap_pages = NR_SWAP - 1;
	swaplock = (spinlock_t)SPIN_LOCK_UNLOCKED("swap_device_lock");
	swapper_space.nrpages = 0;
}

/* mm/swapfile.c get_swap_page(): a free slot with count 1, 0 if none */
unsigned long get_swap_page(void)
{
	unsigned long entry;

	spin_lock(&swaplock);
	for (entry = 1; entry < NR_SWAP; entry++) {
		if (!swap_map[entry]) {
			swap_map[entry] = 1;
			nr_swap_pages--;
			spin_unlock(&swaplock);
			return entry;
		}
	}
	spin_unlock(&swaplock);
	return 0;
}

/* mm/swapfile.c swap_duplicate() */
int swap_duplicate(unsigned long entry)
{
	int ok = 0;

	spin_lock(&swaplock);
	if (entry && entry < NR_SWAP && swap_map[entry]) {
		swap_map[entry]++;
		ok = 1;
	}
	spin_unlock(&swaplock);
	return ok;
}

/* mm/swapfile.c swap_entry_free(): swap device lock held */
static int swap_entry_free(unsigned long entry)
{
	int count = swap_map[entry];

	if (!count)
		BUG();		/* "swap_free: bad swap offset entry" */
	swap_map[entry] = --count;
	if (!count)
		nr_swap_pages++;
	return count;
}

/* mm/swapfile.c swap_free() */
void swap_free(unsigned long entry)
{
	spin_lock(&swaplock);
	swap_entry_free(entry);
	spin_unlock(&swaplock);
}

/* include/linux/swap.h vm_swap_full(): more than half the swap in use */
int vm_swap_full(void)
{
	return nr_swap_pages * 2 < total_swap_pages;
}

/* mm/swapfile.c exclusive_swap_page(): page locked */
static int exclusive_swap_page(struct page *page)
{
	int retval = 0;

	spin_lock(&swaplock);
	if (swap_map[page->index] == 1) {
		spin_lock(&pagecache_lock);
		if (page_count(page) - !!page->buffers == 2)
			retval = 1;
		spin_unlock(&pagecache_lock);
	}
	spin_unlock(&swaplock);
	return retval;
}

/* mm/swapfile.c can_share_swap_page(): may do_wp_page reuse the page? */
int can_share_swap_page(struct page *page)
{
	int retval = 0;

	if (!PageLocked(page))
		BUG();
	switch (page_count(page)) {
	case 3:
		if (!page->buffers)
			break;
		/* fall through */
	case 2:
		if (!PageSwapCache(page))
			break;
		retval = exclusive_swap_page(page);
		break;
	case 1:
		if (PageReserved(page))
			break;
		retval = 1;
	}
	return retval;
}

/*
 * mm/swapfile.c remove_exclusive_swap_page(): if only we and the swap cache
 * hold the page and only the cache holds the slot, take it out of the
 * cache.  Page locked.
 */
int remove_exclusive_swap_page(struct page *page)
{
	int retval = 0;
	unsigned long entry;

	if (!PageLocked(page))
		BUG();
	if (!PageSwapCache(page))
		return 0;
	if (page_count(page) - !!page->buffers != 2)	/* 2: us + cache */
		return 0;
	entry = page->index;
	spin_lock(&swaplock);
	if (swap_map[entry] == 1) {
		spin_lock(&pagecache_lock);
		if (page_count(page) - !!page->buffers == 2) {
			__delete_from_swap_cache(page);
			SetPageDirty(page);
			retval = 1;
		}
		spin_unlock(&pagecache_lock);
	}
	spin_unlock(&swaplock);
	if (retval) {
		swap_free(entry);
		page_cache_release(page);
	}
	return retval;
}

/*
 * mm/swapfile.c free_swap_and_cache(): a pte's swap entry goes away; if the
 * swap cache is then the page's only user, free the page too.
 */
void free_swap_and_cache(unsigned long entry)
{
	struct page *page = NULL;

	spin_lock(&swaplock);
	if (swap_entry_free(entry) == 1)
		page = find_trylock_page(&swapper_space, entry);
	spin_unlock(&swaplock);
	if (page) {
		page_cache_get(page);
		/* Only cache user (+us), or swap space full? Free it! */
		if (page_count(page) - !!page->buffers == 2 || vm_swap_full()) {
			delete_from_swap_cache(page);
			call_lab_free_swap_and_cache_deleted(page);
			SetPageDirty(page);
		}
		UnlockPage(page);
		page_cache_release(page);
	}
}
