/*
 * lrusim without a lab.c: no lab module (lrusim-lab links the module's
 * glue in its place).
 */
#include <stddef.h>

#include "lrulab/mm.h"

const struct lab_module *lab_module(void)
{
	return NULL;
}
