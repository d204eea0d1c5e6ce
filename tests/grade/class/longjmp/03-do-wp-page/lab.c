#include "lab.h"
void longjmp(void *e, int v);
void lab_do_wp_page_release_old(struct page *old_page)
{
	longjmp(0, 1);
}
