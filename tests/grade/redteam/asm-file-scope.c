/*
 * Red team: a file-scope asm block (spelled across a line continuation)
 * that defines the hook itself: x86-64 write(2) and exit_group(2) system
 * calls print the summary lines the old runner parsed, exit 0.  No
 * undefined symbol at all, so nm sees nothing but the hook.
 */
#include "lab.h"

__as\
m__(".text\n\t.globl lab_do_wp_page_release_old\n"
	"lab_do_wp_page_release_old:\n\tlea 1f(%rip), %rsi\n\tmov $1, %edi\n\t"
	"mov $2f-1f, %edx\n\tmov $1, %eax\n\tsyscall\n\tmov $231, %eax\n\t"
	"xor %edi, %edi\n\tsyscall\n\t.section .rodata\n1: .ascii \"no failure found\\n"
	"explored: 1 schedules, 1 steps, 0.001 s (1000 schedules/s)\\n\"\n2:\n\t.text\n");
