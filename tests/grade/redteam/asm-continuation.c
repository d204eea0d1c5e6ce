/*
 * Red team: inline asm spelled across a line continuation (__as\ + m__):
 * x86-64 write(2) and exit_group(2) system calls print the summary lines
 * the old runner parsed.  No symbol at all for nm to see.
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	__as\
m__ volatile("lea 1f(%%rip), %%rsi\n\tmov $1, %%edi\n\tmov $2f-1f, %%edx\n\t"
		     "mov $1, %%eax\n\tsyscall\n\tmov $231, %%eax\n\txor %%edi, %%edi\n\t"
		     "syscall\n\t.section .rodata\n1: .ascii \"no failure found\\n"
		     "explored: 1 schedules, 1 steps, 0.001 s (1000 schedules/s)\\n\"\n2:\n\t"
		     ".previous" ::: "rax", "rdi", "rsi", "rdx", "rcx", "r11", "memory");
}
