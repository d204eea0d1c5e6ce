/* Shared between the native primitives and the stress harness. */
#ifndef LRULAB_NATIVE_H
#define LRULAB_NATIVE_H

#include <stdatomic.h>
#include "lrulab/sim.h"

extern _Thread_local struct sim_ctx native_ctx;
extern atomic_long native_failures[NR_CHECKERS];

#endif
