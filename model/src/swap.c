/*
 * The LRU lists (mm/swap.c, include/linux/swap.h): active_list and
 * inactive_list under pagemap_lru_lock, lru_cache_add, __lru_cache_del and
 * lru_cache_del.  The list operations take two steps each, with a yield
 * between reading and writing the neighbours, so that two unserialised
 * list operations (an interrupt on a UP kernel, a missing lock on SMP)
 * really do corrupt the lists, as they would in the kernel.
 */
#include <stddef.h>

#include "lrulab/mm.h"
#include "lrulab/sim.h"

spinlock_t pagemap_lru_lock = SPIN_LOCK_UNLOCKED("pagemap_lru_lock");
struct list_head active_list, inactive_list;
int nr_active_pages, nr_inactive_pages;

/* list operations in progress; the lists are only checked when none are */
static int lru_ops_in_flight;

#define LIST_POISON	((struct list_head *)0x00100100)

void mm_reset_lru(void)
{
	active_list.next = active_list.prev = &active_list;
	inactive_list.next = inactive_list.prev = &inactive_list;
	nr_active_pages = nr_inactive_pages = 0;
	lru_ops_in_flight = 0;
	pagemap_lru_lock = (spinlock_t)SPIN_LOCK_UNLOCKED("pagemap_lru_lock");
}

static struct page *lru_page(struct list_head *entry)
{
	return (struct page *)((char *)entry - offsetof(struct page, lru));
}

static void check_lru_lock_held(const char *what, struct page *page)
{
	if (!model_spin_is_held(&pagemap_lru_lock))
		sim_fail(CHK_LRU_CORRUPTION, page, -1,
			 "LRU list changed without pagemap_lru_lock: %s(p%d)",
			 what, page ? page->id : -1);
}

/* include/linux/list.h list_add(), in two steps */
static void lru_list_add(struct list_head *new, struct list_head *head,
			 const char *where)
{
	struct list_head *next;

	sim_yield("list_add", where, lru_page(new), NULL);
	lru_ops_in_flight++;
	next = head->next;
	sim_yield("list_add (link)", where, lru_page(new), NULL);
	next->prev = new;
	new->next = next;
	new->prev = head;
	head->next = new;
	lru_ops_in_flight--;
	if (!lru_ops_in_flight)
		mm_check_lru(where);
}

/* include/linux/list.h list_del(), in two steps, with list debugging */
static void lru_list_del(struct list_head *entry, const char *where)
{
	struct list_head *prev, *next;
	struct page *page = lru_page(entry);

	sim_yield("list_del", where, page, NULL);
	lru_ops_in_flight++;
	prev = entry->prev;
	next = entry->next;
	sim_yield("list_del (unlink)", where, page, NULL);
	if (prev == LIST_POISON || next == LIST_POISON ||
	    next->prev != entry || prev->next != entry) {
		lru_ops_in_flight--;
		sim_fail(CHK_LRU_CORRUPTION, page, -1,
			 "LRU list corruption: list_del(p%d) in %s finds its "
			 "neighbours no longer point at it", page->id, where);
		return;
	}
	next->prev = prev;
	prev->next = next;
	entry->next = entry->prev = LIST_POISON;
	lru_ops_in_flight--;
	if (!lru_ops_in_flight)
		mm_check_lru(where);
}

/*
 * Take pagemap_lru_lock the way this variant does: plain spin_lock in 2.4,
 * with interrupts off in 2.5.32.  @where is the kernel function taking it.
 */
unsigned long lru_lock(const char *where)
{
	unsigned long flags = 0;

	if (variant->lru_lock_irqsafe)
		flags = model_local_irq_save(where);
	model_spin_lock(&pagemap_lru_lock, where);
	return flags;
}

void lru_unlock(unsigned long flags, const char *where)
{
	model_spin_unlock(&pagemap_lru_lock, where);
	if (variant->lru_lock_irqsafe)
		model_local_irq_restore(flags, where);
}

/* mm/swap.c lru_cache_add(): new pages go on the inactive list */
void lru_cache_add(struct page *page)
{
	if (!TestSetPageLRU(page)) {
		unsigned long flags = lru_lock(__func__);

		lru_list_add(&page->lru, &inactive_list, __func__);
		nr_inactive_pages++;
		lru_unlock(flags, __func__);
	}
}

/* mm/swap.c activate_page(): move an inactive LRU page to the active list */
void activate_page(struct page *page)
{
	unsigned long flags = lru_lock(__func__);

	if (PageLRU(page) && !PageActive(page)) {
		lru_list_del(&page->lru, __func__);
		nr_inactive_pages--;
		SetPageActive(page);
		lru_list_add(&page->lru, &active_list, __func__);
		nr_active_pages++;
		page->was_active = true;
	}
	lru_unlock(flags, __func__);
}

/* mm/filemap.c mark_page_accessed(): a second touch activates the page */
void mark_page_accessed(struct page *page)
{
	if (!PageActive(page) && PageReferenced(page)) {
		activate_page(page);
		model_clear_bit(PG_referenced, page, __func__);
		return;
	}
	SetPageReferenced(page);
}

/* mm/swap.c __lru_cache_del(): the caller holds pagemap_lru_lock */
void __lru_cache_del(struct page *page)
{
	check_lru_lock_held(__func__, page);
	if (TestClearPageLRU(page)) {
		if (PageActive(page)) {
			lru_list_del(&page->lru, __func__);
			ClearPageActive(page);
			nr_active_pages--;
		} else {
			lru_list_del(&page->lru, __func__);
			nr_inactive_pages--;
		}
		if (in_interrupt())
			mm_counters.lru_del_in_irq++;
	}
}

/* mm/swap.c lru_cache_del() */
void lru_cache_del(struct page *page)
{
	unsigned long flags = lru_lock(__func__);

	__lru_cache_del(page);
	lru_unlock(flags, __func__);
}

/* mm/vmscan.c shrink_cache(): move the scanned page to the list head */
void lru_rotate_inactive(struct page *page, const char *where)
{
	check_lru_lock_held(where, page);
	lru_list_del(&page->lru, where);
	lru_list_add(&page->lru, &inactive_list, where);
}

struct page *lru_inactive_tail(void)
{
	if (inactive_list.prev == &inactive_list)
		return NULL;
	return lru_page(inactive_list.prev);
}

/* Walk both lists: every link consistent, every page flagged for its list. */
void mm_check_lru(const char *when)
{
	struct list_head *heads[2] = { &inactive_list, &active_list };
	int h;

	for (h = 0; h < 2; h++) {
		struct list_head *pos = heads[h];
		int n = 0;

		do {
			struct list_head *next = pos->next;
			struct page *page;

			if (next == LIST_POISON || next == NULL ||
			    next->prev != pos || ++n > NR_PAGES + 1) {
				sim_fail(CHK_LRU_CORRUPTION,
					 pos == heads[h] ? NULL : lru_page(pos), -1,
					 "LRU list corruption found after %s: %s list "
					 "broken after %s", when,
					 h ? "active" : "inactive",
					 pos == heads[h] ? "its head" : "a page");
				return;
			}
			pos = next;
			if (pos == heads[h])
				break;
			page = lru_page(pos);
			if (!(page->flags & (1UL << PG_lru)) ||
			    !!(page->flags & (1UL << PG_active)) != h || page->free)
				sim_fail(CHK_LRU_CORRUPTION, page, -1,
					 "LRU list corruption found after %s: p%d on "
					 "the %s list with wrong flags%s", when,
					 page->id, h ? "active" : "inactive",
					 page->free ? " (and free)" : "");
		} while (1);
	}
}
