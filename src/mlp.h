/* mlp: multilayer perceptron with one contiguous parameter slab and a twin gradient slab.
 *
 * Layer l maps sizes[l] -> sizes[l+1]:  Y = act(X W^T + b), W stored (out x in) row-major
 * as in PyTorch's nn.Linear. The slab holds W0, b0, W1, b1, ... so Adam, Polyak averaging,
 * target copies and checkpointing are single loops over `params`. Every buffer is
 * allocated at mlp_init for `max_batch` rows; forward and backward never allocate. */
#ifndef DDPG_MLP_H
#define DDPG_MLP_H

#include <stddef.h>

#include "rng.h"

#define MLP_MAX_LAYERS 6

typedef enum { ACT_IDENTITY = 0, ACT_RELU = 1, ACT_TANH = 2 } Activation;

typedef struct {
  int n_layers;                        /* number of Linear layers */
  int sizes[MLP_MAX_LAYERS + 1];       /* widths: sizes[0] input ... sizes[n_layers] output */
  Activation act[MLP_MAX_LAYERS];      /* activation after each layer */
  int use_bias;                        /* 1: every layer has a bias */
  int max_batch;                       /* rows the buffers hold */
  size_t n_params;                     /* floats in the slab */
  float *params;                       /* (n_params) W0 b0 W1 b1 ... */
  float *grads;                        /* (n_params) same layout */
  size_t w_off[MLP_MAX_LAYERS];        /* offset of W_l in the slab */
  size_t b_off[MLP_MAX_LAYERS];        /* offset of b_l (valid when use_bias) */
  float *out[MLP_MAX_LAYERS];          /* (max_batch x sizes[l+1]) post-activation outputs */
  const float *in;                     /* (batch x sizes[0]) input of the last forward */
  int batch;                           /* rows of the last forward */
  float *g0, *g1;                      /* (max_batch x max width) backward scratch */
} Mlp;

/* allocate a network: n_layers Linear layers with widths sizes[0..n_layers] and the given
 * activation after each; all parameters zero until mlp_init_params */
void mlp_init(Mlp *m, int n_layers, const int *sizes, const Activation *act, int use_bias,
              int max_batch);

/* release all buffers; accepts a zeroed struct */
void mlp_free(Mlp *m);

/* PyTorch's nn.Linear default init: W, b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) */
void mlp_init_params(Mlp *m, Rng *rng);

/* forward B rows of x (B x sizes[0]); x must stay valid until mlp_backward.
 * Returns the output (B x sizes[n_layers]), owned by the network */
const float *mlp_forward(Mlp *m, const float *x, int B);

/* backward through the last forward. dy: dLoss/dOutput (B x out).
 * want_wgrad: accumulate dLoss/dparams into grads (else grads are untouched);
 * dx: when not NULL receives dLoss/dx (B x sizes[0]) */
void mlp_backward(Mlp *m, const float *dy, int want_wgrad, float *dx);

/* grads = 0 */
void mlp_zero_grad(Mlp *m);

/* single-row inference with plain loops on any slab of m's layout (e.g. a worker's copy of
 * the actor); thread-safe; scratch holds 2 x (max width) floats */
void mlp_infer(const Mlp *m, const float *params, const float *x, float *y, float *scratch);

/* widest layer */
int mlp_max_width(const Mlp *m);

#endif
