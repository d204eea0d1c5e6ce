#include "lab.h"
void exit(int s);
void lab_do_wp_page_release_old(struct page *old_page)
{
	exit(0);
}
