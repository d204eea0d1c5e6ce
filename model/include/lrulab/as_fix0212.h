/*
 * Forced into the compile of each labs/<id>/solution.c when it is built
 * into the model as the fix-0212 variant: the reference solutions are the
 * single source of Hugh Dickins' 12 Feb 2002 code.
 */
#define lab_free_pages_ok_lru			fix0212_free_pages_ok_lru
#define lab_shrink_cache_zero_count		fix0212_shrink_cache_zero_count
#define lab_do_wp_page_release_old		fix0212_do_wp_page_release_old
#define lab_free_page_and_swap_cache_release	fix0212_free_page_and_swap_cache_release
#define lab_free_swap_and_cache_deleted		fix0212_free_swap_and_cache_deleted
