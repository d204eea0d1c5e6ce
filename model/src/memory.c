/*
 * Small mms with ptes under page_table_lock (mm/memory.c): anonymous
 * faults, copy-on-write in do_wp_page(), unmapping in zap_page_range(),
 * and kiobuf pins (map_user_kiobuf / unmap_kiobuf) that hold page
 * references for I/O and may drop them from an interrupt handler.
 */
#include <string.h>

#include "lrulab/mm.h"
#include "lrulab/sim.h"

struct mm_struct mms[NR_MMS];

void mm_reset_mms(void)
{
	static const char *const names[NR_MMS] = { "mmA", "mmB", "mmC", "mmD" };
	int i;

	memset(mms, 0, sizeof(mms));
	for (i = 0; i < NR_MMS; i++) {
		mms[i].name = names[i];
		mms[i].page_table_lock =
			(spinlock_t)SPIN_LOCK_UNLOCKED("page_table_lock");
	}
}

/* mm/memory.c do_anonymous_page(): a fresh writable page, on the LRU, referenced */
int do_anonymous_page(struct mm_struct *mm, int addr)
{
	struct page *page = alloc_page();

	if (!page)
		return -1;
	spin_lock(&mm->page_table_lock);
	mm->pte[addr] = (pte_t){ .page = page, .write = true };
	lru_cache_add(page);
	mark_page_accessed(page);	/* PG_referenced, as 2.4.17 sets it */
	spin_unlock(&mm->page_table_lock);
	return 1;
}

/*
 * mm/memory.c do_wp_page(): a write to a present read-only pte.  Reuse the
 * page if nobody else can see it, else copy it; the old page loses the
 * pte's reference and the one taken here.  Called, as from
 * handle_pte_fault(), with page_table_lock held; returns with it released.
 */
static int __do_wp_page(struct mm_struct *mm, int addr, struct page *old_page)
{
	struct page *new_page;

	if (!TryLockPage(old_page)) {
		int reuse = can_share_swap_page(old_page);

		UnlockPage(old_page);
		if (reuse) {
			mm->pte[addr].write = true;
			spin_unlock(&mm->page_table_lock);
			return 1;	/* Minor fault */
		}
	}

	/* Ok, we need to copy. Oh, well.. */
	page_cache_get(old_page);
	spin_unlock(&mm->page_table_lock);

	new_page = alloc_page();
	if (!new_page) {
		page_cache_release(old_page);
		return -1;
	}
	mm_counters.cow_copies++;

	/* Re-check the pte - we dropped the lock */
	spin_lock(&mm->page_table_lock);
	if (mm->pte[addr].page == old_page && !mm->pte[addr].write) {
		/* break_cow() */
		mm->pte[addr] = (pte_t){ .page = new_page, .write = true };
		lru_cache_add(new_page);
		/* Free the old page.. */
		new_page = old_page;
	}
	spin_unlock(&mm->page_table_lock);
	page_cache_release(new_page);
	call_lab_do_wp_page_release_old(old_page);
	return 1;	/* Minor fault */
}

/* mm/memory.c handle_pte_fault() for a write to a present pte */
int do_wp_page(struct mm_struct *mm, int addr)
{
	struct page *page;

	spin_lock(&mm->page_table_lock);
	page = mm->pte[addr].page;
	if (!page || mm->pte[addr].write) {
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	return __do_wp_page(mm, addr, page);
}

/* mm/memory.c zap_page_range() / zap_pte_range(): munmap and exit */
void zap_page_range(struct mm_struct *mm, int addr, int len)
{
	int i;

	spin_lock(&mm->page_table_lock);
	for (i = addr; i < addr + len && i < NR_PTES; i++) {
		pte_t pte = mm->pte[i];

		mm->pte[i] = (pte_t){ 0 };
		if (pte.page)
			free_page_and_swap_cache(pte.page);
		else if (pte.swap)
			free_swap_and_cache(pte.swap);
	}
	spin_unlock(&mm->page_table_lock);
}

/*
 * mm/memory.c map_user_kiobuf(): pin the pages under [addr, addr+len) for
 * I/O, as get_user_pages() does, one reference each.
 */
int map_user_kiobuf(struct kiobuf *iobuf, struct mm_struct *mm, int addr,
		    int len)
{
	int i;

	iobuf->nr_pages = 0;
	spin_lock(&mm->page_table_lock);
	for (i = addr; i < addr + len && i < NR_PTES; i++) {
		struct page *page = mm->pte[i].page;

		if (!page || iobuf->nr_pages >= MAX_KIOBUF)
			continue;
		get_page(page);
		page->pins++;
		iobuf->maplist[iobuf->nr_pages++] = page;
	}
	spin_unlock(&mm->page_table_lock);
	return iobuf->nr_pages;
}

/*
 * mm/memory.c unmap_kiobuf(): drop the pins.  bttv 0.8 called this from its
 * irq handler (Gerd Knorr, <20020209151414.A18937@bytesex.org>), and AIO
 * will (Ben LaHaise, <20020209093305.A13748@redhat.com>): once the task
 * has unmapped the page, this is the last reference.  put_page as in the
 * 7 Feb patch; the same as page_cache_release in 2.4.18-pre9.
 */
void unmap_kiobuf(struct kiobuf *iobuf)
{
	int i;

	for (i = 0; i < iobuf->nr_pages; i++) {
		struct page *page = iobuf->maplist[i];

		page->pins--;
		put_page(page);
	}
	iobuf->nr_pages = 0;
}
