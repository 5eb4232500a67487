/* noise: Gaussian (with linear decay) and Ornstein-Uhlenbeck exploration; see noise.h. */
#include "noise.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

int noise_kind_parse(const char *s) {
  if (strcmp(s, "gaussian") == 0) return NOISE_GAUSSIAN;
  if (strcmp(s, "ou") == 0) return NOISE_OU;
  if (strcmp(s, "none") == 0) return NOISE_NONE;
  return -1;
}

void noise_init(Noise *n, NoiseKind kind, int dim, double sigma, double sigma_final,
                long decay_steps, double theta) {
  memset(n, 0, sizeof *n);
  n->kind = kind;
  n->dim = dim;
  n->sigma = sigma;
  n->sigma_final = sigma_final;
  n->decay_steps = decay_steps;
  n->theta = theta;
  n->x = xcalloc((size_t)dim, sizeof(double));
}

void noise_free(Noise *n) {
  free(n->x);
  memset(n, 0, sizeof *n);
}

void noise_reset(Noise *n) { memset(n->x, 0, sizeof(double) * (size_t)n->dim); }

double noise_sigma_at(const Noise *n, long step) {
  if (n->sigma_final < 0 || n->decay_steps <= 0) return n->sigma;
  double f = (double)step / (double)n->decay_steps;
  if (f > 1.0) f = 1.0;
  return n->sigma + f * (n->sigma_final - n->sigma);
}

void noise_sample(Noise *n, Rng *rng, long step, double *out) {
  double sigma = noise_sigma_at(n, step);
  for (int j = 0; j < n->dim; j++) {
    switch (n->kind) {
      case NOISE_NONE: out[j] = 0.0; break;
      case NOISE_GAUSSIAN: out[j] = sigma * rng_normal(rng); break;
      case NOISE_OU:
        n->x[j] += -n->theta * n->x[j] + sigma * rng_normal(rng);
        out[j] = n->x[j];
        break;
    }
  }
}
