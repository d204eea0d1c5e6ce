#include "lab.h"
int puts(const char *s);
void lab_do_wp_page_release_old(struct page *old_page)
{
	for (;;)
		puts("spam spam spam spam");
}
