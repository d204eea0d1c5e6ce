/*
 * The lab hooks (hooks.def): a lab.c defines its lab's hooks; the model and
 * the patched 2.4 kernel call them.
 */
#ifndef LRULAB_HOOKS_H
#define LRULAB_HOOKS_H

struct page;

#define HOOK(ret, name, params, args) ret name params;
#include "lrulab/hooks.def"
#undef HOOK

#endif /* LRULAB_HOOKS_H */
