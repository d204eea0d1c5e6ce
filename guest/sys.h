/*
 * sys.h - raw Linux 2.4 i386 system calls for the libc-free guest programs.
 *
 * No libc: a modern glibc refuses to start on a 2.4 kernel, and the guest
 * must not depend on anything but the kernel under test.  Every call is a
 * plain "int $0x80" with the number in %eax and arguments in %ebx, %ecx,
 * %edx, %esi, %edi; a return value in [-4095, -1] is -errno.
 */
#ifndef GUEST_SYS_H
#define GUEST_SYS_H

typedef unsigned int size_t;
typedef int ssize_t;

#define NR_exit		1
#define NR_fork		2
#define NR_read		3
#define NR_write	4
#define NR_open		5
#define NR_close	6
#define NR_waitpid	7
#define NR_mknod	14
#define NR_getpid	20
#define NR_mount	21
#define NR_kill		37
#define NR_pipe		42
#define NR_mkdir	39
#define NR_brk		45
#define NR_ioctl	54
#define NR_reboot	88
#define NR_munmap	91
#define NR_iopl		110
#define NR_swapon	87
#define NR_wait4	114
#define NR_sync		36
#define NR_nanosleep	162
#define NR_mmap2	192

#define O_RDONLY	0
#define O_WRONLY	1
#define O_RDWR		2
#define O_CREAT		0100
#define O_NOCTTY	0400

#define PROT_READ	1
#define PROT_WRITE	2
#define MAP_PRIVATE	2
#define MAP_SHARED	1
#define MAP_ANONYMOUS	0x20

#define TCSBRK		0x5409

static inline int sys0(int n)
{
	int r;
	__asm__ __volatile__("int $0x80" : "=a"(r) : "0"(n) : "memory");
	return r;
}

static inline int sys1(int n, int a)
{
	int r;
	__asm__ __volatile__("int $0x80" : "=a"(r) : "0"(n), "b"(a) : "memory");
	return r;
}

static inline int sys2(int n, int a, int b)
{
	int r;
	__asm__ __volatile__("int $0x80" : "=a"(r) : "0"(n), "b"(a), "c"(b)
			     : "memory");
	return r;
}

static inline int sys3(int n, int a, int b, int c)
{
	int r;
	__asm__ __volatile__("int $0x80" : "=a"(r) : "0"(n), "b"(a), "c"(b),
			     "d"(c) : "memory");
	return r;
}

static inline int sys5(int n, int a, int b, int c, int d, int e)
{
	int r;
	__asm__ __volatile__("int $0x80" : "=a"(r) : "0"(n), "b"(a), "c"(b),
			     "d"(c), "S"(d), "D"(e) : "memory");
	return r;
}

/* mmap2 takes six arguments: the sixth goes in %ebp, saved by hand. */
static inline int sys6(int n, int a, int b, int c, int d, int e, int f)
{
	int r;
	__asm__ __volatile__("push %%ebp\n\t"
			     "mov %7, %%ebp\n\t"
			     "int $0x80\n\t"
			     "pop %%ebp"
			     : "=a"(r) : "0"(n), "b"(a), "c"(b), "d"(c), "S"(d),
			       "D"(e), "m"(f) : "memory");
	return r;
}

static inline void outb(unsigned char v, unsigned short port)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

#endif /* GUEST_SYS_H */
