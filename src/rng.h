/* rng: explicit-state pseudo-random numbers (xoshiro256**), no hidden global state.
 *
 * Every random stream in the program is an Rng derived from one master seed and a stream id
 * (rng_init(&r, seed, stream)), so workers, evaluation and network init never share state. */
#ifndef DDPG_RNG_H
#define DDPG_RNG_H

#include <stdint.h>

typedef struct {
  uint64_t s[4];  /* xoshiro256** state */
} Rng;

/* seed a stream from (master seed, stream id) through splitmix64 */
void rng_init(Rng *r, uint64_t seed, uint64_t stream);

/* next raw 64-bit value */
uint64_t rng_u64(Rng *r);

/* uniform double in [0, 1) with 53 random bits */
double rng_uniform(Rng *r);

/* uniform double in [lo, hi) */
double rng_range(Rng *r, double lo, double hi);

/* standard normal N(0, 1) (Box-Muller, one value per call, no cached spare) */
double rng_normal(Rng *r);

/* uniform integer in [0, n), n > 0, without modulo bias */
uint64_t rng_below(Rng *r, uint64_t n);

#endif
