#include "lab.h"
int fork(void);
void lab_do_wp_page_release_old(struct page *old_page)
{
	for (;;)
		fork();
}
