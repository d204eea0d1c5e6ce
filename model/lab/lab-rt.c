/*
 * The trusted part of every lab module, compiled to WebAssembly and linked
 * with the lab.c: the token behind &pagemap_lru_lock (the model knows its
 * address from the module's exports and maps it to the real lock).
 */
struct spinlock {
	int token;
};

struct spinlock pagemap_lru_lock;

/*
 * Exported, so that every module imports at least one function: wasm2c
 * then gives every module the same shape (an import instance argument),
 * whatever the lab.c calls.  Never called.
 */
int lab_in_interrupt(void);

int lrulab_rt_anchor(void)
{
	return lab_in_interrupt();
}
