/*
 * Red team: the reference solution at compile time, quoted in my feedback.
 * A bare CR ends a line for clang but not for the directive check, so the
 * #include after it is never seen; `if` is a macro that turns each
 * condition of the included file into a failing static assertion quoting
 * it; then an expression too deep for clang's parser crashes clang before
 * it writes the dependency list the runner checks, and the runner shows
 * the first error line as is.  Inside bubblewrap the project is not there;
 * in the fallback the run sees the checkout (@SOLUTION@).  @CR@ is a bare
 * carriage return, written by the test.
 */
#include "lab.h"
#define STR_(...) #__VA_ARGS__
#define if(...) _Static_assert(0, "LEAK: " STR_(__VA_ARGS__));
static int unused;@CR@#include "@SOLUTION@"
#undef if
#define A0 unused +
#define A1 A0 A0
#define A2 A1 A1
#define A3 A2 A2
#define A4 A3 A3
#define A5 A4 A4
#define A6 A5 A5
#define A7 A6 A6
#define A8 A7 A7
#define A9 A8 A8
#define A10 A9 A9
#define A11 A10 A10
#define A12 A11 A11
#define A13 A12 A12
#define A14 A13 A13
#define A15 A14 A14
#define A16 A15 A15
#define A17 A16 A16
#define A18 A17 A17
static int deep(void) { return A18 0; }
