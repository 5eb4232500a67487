/* noise: exploration noise added to μ(s) by rollout workers.
 *
 * Gaussian: ε ~ N(0, σ_t), σ_t decaying linearly from σ to σ_final over decay_steps when
 * σ_final >= 0. Ornstein-Uhlenbeck (Lillicrap et al. 2016): x ← x − θ·x + σ·N(0, 1) per
 * step (unit time step), x = 0 at each episode start. Noise is in units of the action
 * half-range, so σ = 0.1 means 10% of it on every joint. */
#ifndef DDPG_NOISE_H
#define DDPG_NOISE_H

#include "env.h"
#include "rng.h"

typedef enum { NOISE_NONE = 0, NOISE_GAUSSIAN = 1, NOISE_OU = 2 } NoiseKind;

typedef struct {
  NoiseKind kind;
  int dim;
  double sigma, sigma_final;  /* sigma_final < 0: constant sigma */
  long decay_steps;
  double theta;               /* OU mean reversion */
  double *x;                  /* OU state (dim), allocated by noise_init */
} Noise;

/* parse "gaussian" | "ou" | "none"; returns -1 for anything else */
int noise_kind_parse(const char *s);

/* set up a noise process of `dim` dimensions (state zero) */
void noise_init(Noise *n, NoiseKind kind, int dim, double sigma, double sigma_final,
                long decay_steps, double theta);

/* episode start: OU state back to zero */
/* release; accepts a zeroed struct */
void noise_free(Noise *n);

void noise_reset(Noise *n);

/* σ in force at global env step `step` */
double noise_sigma_at(const Noise *n, long step);

/* draw one noise vector (dim values, half-range units) at global env step `step` */
void noise_sample(Noise *n, Rng *rng, long step, double *out);

#endif
