/* vmath: elementwise functions over arrays that compilers vectorize, with results that do
 * not depend on the C library. The learner's batched forward pass uses them where a libm
 * call per element would cost more than the rest of the layer (docs/performance.md). */
#ifndef DDPG_VMATH_H
#define DDPG_VMATH_H

#include <stddef.h>

/* y[i] = tanh(x[i]) for n floats (y may be x): evaluated in double and rounded once, so
 * the result is the correctly rounded tanh except within about 1e-15 (relative) of a
 * rounding boundary; ±0 stay ±0, ±inf give ±1, NaN stays NaN */
void vm_tanh(float *y, const float *x, size_t n);

#endif
