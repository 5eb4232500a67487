/* optim: first-order optimizers and target-network updates, each one loop over a slab.
 *
 * Adam follows PyTorch's torch.optim.Adam (bias-corrected moments; L2 weight decay added
 * to the gradient, i.e. coupled, as the original DDPG's critic decay). */
#ifndef DDPG_OPTIM_H
#define DDPG_OPTIM_H

#include <stddef.h>

typedef struct {
  size_t n;            /* parameters */
  float lr, beta1, beta2, eps, weight_decay;
  long t;              /* steps taken */
  float *m, *v;        /* (n) first and second moments */
} Adam;

/* allocate moments (zeroed) for n parameters */
void adam_init(Adam *a, size_t n, float lr, float beta1, float beta2, float eps,
               float weight_decay);

/* release; accepts a zeroed struct */
void adam_free(Adam *a);

/* one step: g' = g + wd*p; m = b1 m + (1-b1) g'; v = b2 v + (1-b2) g'^2;
 * p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps) */
void adam_step(Adam *a, float *params, const float *grads);

/* the elementwise part of adam_step on [lo, hi), for step a->t already counted (threads
 * share one step by calling it on disjoint ranges after one a->t++) */
void adam_apply(const Adam *a, float *params, const float *grads, size_t lo, size_t hi);

/* plain SGD: p -= lr * (g + wd*p) */
void sgd_step(float *params, const float *grads, size_t n, float lr, float weight_decay);

/* Polyak averaging: target = tau * src + (1 - tau) * target */
void polyak_update(float *target, const float *src, size_t n, float tau);

/* hard copy: target = src */
void hard_copy(float *target, const float *src, size_t n);

#endif
