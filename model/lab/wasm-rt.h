/*
 * wasm2c's runtime header, as lab modules are built: every load and store
 * of the module's linear memory goes through lab_memory_access(), which
 * makes an access to the lab's static variables a yield point of the
 * simulated machine (a race on a lab's statics is then visible, as it is
 * on real CPUs).  The stack and the rest are plain memory.
 */
#ifndef LRULAB_WASM_RT_H
#define LRULAB_WASM_RT_H

#include_next <wasm-rt.h>

#include <stddef.h>

void lab_memory_access(void *dst, const void *src, size_t n);

#undef wasm_rt_memcpy
#define wasm_rt_memcpy lab_memory_access

#endif /* LRULAB_WASM_RT_H */
