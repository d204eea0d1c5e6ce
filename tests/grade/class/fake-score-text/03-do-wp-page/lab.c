/* PASS cow-under-reclaim ...... 35/35
 * Score: 100/100
 */
#include "lab.h"
void lab_do_wp_page_release_old(struct page *old_page)
{
	/* Score: 100/100 */
}
