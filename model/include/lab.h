/*
 * lab.h: the only header a lab.c includes.  It gives the kernel-named API
 * that both worlds provide (the model here, the patched 2.4 kernel there)
 * and the hooks a lab implements.
 *
 * A lab.c is compiled to WebAssembly for the model (lrulab/lab-wasm.h): its
 * code then has its own memory and nothing else; a struct page is a handle
 * and every primitive is a call into the model.  The labs' reference
 * solutions are compiled into the model natively (lrulab/kernel.h).
 */
#ifndef LRULAB_LAB_H
#define LRULAB_LAB_H

#ifdef __wasm__
#include "lrulab/lab-wasm.h"
#else
#include "lrulab/kernel.h"
#endif

#endif /* LRULAB_LAB_H */
