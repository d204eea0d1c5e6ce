/*
 * lab.h: the only header a lab.c includes.  It gives the kernel-named API
 * that both worlds provide (the model here, the patched 2.4 kernel there)
 * and the hooks a lab implements.  Anything not declared here is not
 * available to a lab: the static check rejects it.
 */
#ifndef LRULAB_LAB_H
#define LRULAB_LAB_H

#include "lrulab/kernel.h"

#endif /* LRULAB_LAB_H */
