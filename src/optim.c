/* optim: Adam, SGD, Polyak averaging over contiguous slabs. */
#include "optim.h"

#include <math.h>
#include <string.h>

#include "util.h"

void adam_init(Adam *a, size_t n, float lr, float beta1, float beta2, float eps,
               float weight_decay) {
  memset(a, 0, sizeof *a);
  a->n = n;
  a->lr = lr;
  a->beta1 = beta1;
  a->beta2 = beta2;
  a->eps = eps;
  a->weight_decay = weight_decay;
  a->m = xcalloc(n, sizeof(float));
  a->v = xcalloc(n, sizeof(float));
}

void adam_free(Adam *a) {
  free(a->m);
  free(a->v);
  memset(a, 0, sizeof *a);
}

void adam_step(Adam *a, float *params, const float *grads) {
  a->t++;
  adam_apply(a, params, grads, 0, a->n);
}

DDPG_SIMD_CLONES void adam_apply(const Adam *a, float *params, const float *grads, size_t lo,
                                 size_t hi) {
  const float bc1 = 1.0f - powf(a->beta1, (float)a->t);
  const float bc2 = 1.0f - powf(a->beta2, (float)a->t);
  const float step = a->lr / bc1, rbc2 = 1.0f / sqrtf(bc2);
  const float b1 = a->beta1, b2 = a->beta2, eps = a->eps, wd = a->weight_decay;
  /* local restrict pointers: the stores to p, m, v cannot alias each other or the struct,
   * so the loop vectorizes (sqrt and division included, exact per element) */
  float *restrict p = params, *restrict m = a->m, *restrict v = a->v;
  const float *restrict g = grads;
  for (size_t i = lo; i < hi; i++) {
    float gi = g[i] + wd * p[i];
    m[i] = b1 * m[i] + (1.0f - b1) * gi;
    v[i] = b2 * v[i] + (1.0f - b2) * gi * gi;
    p[i] -= step * m[i] / (sqrtf(v[i]) * rbc2 + eps);
  }
}

void sgd_step(float *params, const float *grads, size_t n, float lr, float weight_decay) {
  for (size_t i = 0; i < n; i++) params[i] -= lr * (grads[i] + weight_decay * params[i]);
}

DDPG_SIMD_CLONES void polyak_update(float *target, const float *src, size_t n, float tau) {
  for (size_t i = 0; i < n; i++) target[i] = tau * src[i] + (1.0f - tau) * target[i];
}

void hard_copy(float *target, const float *src, size_t n) {
  memcpy(target, src, n * sizeof(float));
}
