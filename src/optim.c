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
  float bc1 = 1.0f - powf(a->beta1, (float)a->t);
  float bc2 = 1.0f - powf(a->beta2, (float)a->t);
  float step = a->lr / bc1;
  float rbc2 = 1.0f / sqrtf(bc2);
  for (size_t i = 0; i < a->n; i++) {
    float g = grads[i] + a->weight_decay * params[i];
    a->m[i] = a->beta1 * a->m[i] + (1.0f - a->beta1) * g;
    a->v[i] = a->beta2 * a->v[i] + (1.0f - a->beta2) * g * g;
    params[i] -= step * a->m[i] / (sqrtf(a->v[i]) * rbc2 + a->eps);
  }
}

void sgd_step(float *params, const float *grads, size_t n, float lr, float weight_decay) {
  for (size_t i = 0; i < n; i++) params[i] -= lr * (grads[i] + weight_decay * params[i]);
}

void polyak_update(float *target, const float *src, size_t n, float tau) {
  for (size_t i = 0; i < n; i++) target[i] = tau * src[i] + (1.0f - tau) * target[i];
}

void hard_copy(float *target, const float *src, size_t n) {
  memcpy(target, src, n * sizeof(float));
}
