/* mlp: multilayer perceptron with one contiguous parameter slab and a twin gradient slab.
 *
 * Layer l maps sizes[l] -> sizes[l+1]:  Y = act(X W^T + b), W stored (out x in) row-major
 * as in PyTorch's nn.Linear. The slab holds W0, b0, W1, b1, ... so Adam, Polyak averaging,
 * target copies and checkpointing are single loops over `params`. Every buffer is
 * allocated at mlp_init for `max_batch` rows; forward and backward never allocate.
 *
 * Two options (MlpOptions) give the original DDPG architecture (docs/algorithms.md):
 *  - batch normalization (Ioffe & Szegedy 2015) on the input and on chosen layers' pre-
 *    activations: Y = act(γ ⊙ (X W^T − mean)·istd + β), the layer's bias dropped (β takes
 *    its place). mean and istd = 1/sqrt(var + eps) are the batch's in train mode and the
 *    running statistics in eval mode. γ and β sit in the trainable part of the slab; the
 *    running mean and variance follow it at the end of the slab, so a copy, a Polyak
 *    average or a checkpoint of `params` carries them while the optimizer (n_train floats)
 *    never touches them;
 *  - a second input `aux` joining the input of one layer: layer k reads [h_{k-1}, aux]
 *    (the critic's action entering at its second layer). */
#ifndef DDPG_MLP_H
#define DDPG_MLP_H

#include <stddef.h>

#include "rng.h"
#include "team.h"

#define MLP_MAX_LAYERS 6
#define MLP_BN_EPS 1e-5f   /* batch norm: istd = 1/sqrt(var + eps), PyTorch's default */

typedef enum { ACT_IDENTITY = 0, ACT_RELU = 1, ACT_TANH = 2 } Activation;

/* what a backward pass does with the weight gradients */
typedef enum { MLP_WGRAD_NONE = 0, MLP_WGRAD_ADD = 1, MLP_WGRAD_SET = 2 } MlpWgrad;

/* which statistics a forward pass normalizes with (no effect without batch norm) */
typedef enum {
  MLP_TRAIN = 0,        /* batch statistics; running statistics updated */
  MLP_TRAIN_FROZEN = 1, /* batch statistics; running statistics left as they are */
  MLP_EVAL = 2          /* running statistics (acting, evaluation, target networks) */
} MlpMode;

/* structure beyond a plain chain of Linear layers; zeroed = none */
typedef struct {
  int bn_input;                  /* 1: batch norm on the input x */
  int bn_layer[MLP_MAX_LAYERS];  /* 1: batch norm on layer l's pre-activation (no bias) */
  float bn_momentum;             /* running r ← (1 − m)·r + m·batch (PyTorch's momentum) */
  int aux_layer;                 /* layer whose input is [h, aux] (0: [x, aux]) */
  int aux_dim;                   /* columns of aux; 0: no second input */
} MlpOptions;

/* one batch-norm site: y = γ ⊙ (z − mean)·istd + β per feature */
typedef struct {
  int dim;                       /* features; 0: no batch norm at this site */
  size_t gamma_off, beta_off;    /* γ, β (dim each), trainable part of the slab */
  size_t mean_off, var_off;      /* running mean and unbiased variance (dim each), after it */
  float *xhat;                   /* (max_batch x dim) (z − mean)·istd of the last forward */
  float *mean, *istd;            /* (dim) the statistics the last forward used */
} MlpNorm;

typedef struct {
  int n_layers;                        /* number of Linear layers */
  int sizes[MLP_MAX_LAYERS + 1];       /* widths: sizes[0] input ... sizes[n_layers] output */
  int in_dim[MLP_MAX_LAYERS];          /* columns layer l reads: sizes[l] (+ aux_dim at aux) */
  Activation act[MLP_MAX_LAYERS];      /* activation after each layer */
  int use_bias;                        /* 1: layers carry biases (except batch-normed ones) */
  int has_bias[MLP_MAX_LAYERS];        /* layer l has a bias b_l */
  int aux_layer, aux_dim;              /* second input: see MlpOptions */
  float bn_momentum;                   /* running-statistics rate */
  int max_batch;                       /* rows the buffers hold */
  size_t n_params;                     /* floats in the slab: n_train, then running stats */
  size_t n_train;                      /* leading floats that are trained (grads, optimizer) */
  float *params;                       /* (n_params) W0 b0 [γ β] W1 b1 ... | means, vars */
  float *grads;                        /* (n_params) same layout; the statistics part stays 0 */
  size_t w_off[MLP_MAX_LAYERS];        /* offset of W_l (sizes[l+1] x in_dim[l]) in the slab */
  size_t b_off[MLP_MAX_LAYERS];        /* offset of b_l (valid when has_bias[l]) */
  MlpNorm norm[MLP_MAX_LAYERS + 1];    /* [0] on the input x, [l + 1] on layer l */
  float *x_norm;                       /* (max_batch x sizes[0]) normalized input (norm[0]) */
  float *cat;                          /* (max_batch x in_dim[aux_layer]) [h, aux] (aux) */
  float *out[MLP_MAX_LAYERS];          /* (max_batch x sizes[l+1]) post-activation outputs */
  const float *in;                     /* (batch x sizes[0]) input of the last forward */
  const float *aux;                    /* (batch x aux_dim) its second input */
  int batch;                           /* rows of the last forward */
  MlpMode mode;                        /* mode of the last forward */
  float *g0, *g1;                      /* (max_batch x max width) backward scratch */
  float *bn_sum;                       /* (2 x max width) batch-norm backward column sums */
  Team *team;                          /* threads forward/backward run on (NULL: caller's) */
} Mlp;

/* allocate a network: n_layers Linear layers with widths sizes[0..n_layers] and the given
 * activation after each; all parameters zero until mlp_init_params */
void mlp_init(Mlp *m, int n_layers, const int *sizes, const Activation *act, int use_bias,
              int max_batch);

/* mlp_init with batch norm and/or a second input (opt NULL: none); γ = 1, β = 0, running
 * mean 0 and variance 1 from the start */
void mlp_init_opt(Mlp *m, int n_layers, const int *sizes, const Activation *act, int use_bias,
                  const MlpOptions *opt, int max_batch);

/* release all buffers; accepts a zeroed struct */
void mlp_free(Mlp *m);

/* PyTorch's nn.Linear default init: W, b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in =
 * in_dim[l]; batch norm as PyTorch's BatchNorm1d (γ 1, β 0, running mean 0, variance 1) */
void mlp_init_params(Mlp *m, Rng *rng);

/* 1 when any layer (or the input) is batch-normalized */
int mlp_has_norm(const Mlp *m);

/* forward B rows of x (B x sizes[0]) in train mode; x must stay valid until mlp_backward.
 * Returns the output (B x sizes[n_layers]), owned by the network */
const float *mlp_forward(Mlp *m, const float *x, int B);

/* forward with a second input aux (B x aux_dim, NULL without one) and a mode; x and aux
 * must stay valid until the backward. Train modes need B >= 2 when batch norm is on */
const float *mlp_forward_full(Mlp *m, const float *x, const float *aux, int B, MlpMode mode);

/* backward through the last forward. dy: dLoss/dOutput (B x out).
 * wgrad: MLP_WGRAD_ADD accumulates dLoss/dparams into grads, MLP_WGRAD_SET overwrites
 * them (as zeroing first, without the memset), MLP_WGRAD_NONE leaves grads untouched;
 * dx: when not NULL receives dLoss/dx (B x sizes[0]) */
void mlp_backward(Mlp *m, const float *dy, MlpWgrad wgrad, float *dx);

/* mlp_backward that also returns daux = dLoss/daux (B x aux_dim) when not NULL; with
 * MLP_WGRAD_NONE and dx NULL it stops at the aux layer (the actor's ∂Q/∂a) */
void mlp_backward_full(Mlp *m, const float *dy, MlpWgrad wgrad, float *dx, float *daux);

/* grads = 0 */
void mlp_zero_grad(Mlp *m);

/* single-row inference with plain loops on any slab of m's layout (e.g. a worker's copy of
 * the actor), batch norm with the running statistics in that slab; no aux input;
 * thread-safe; scratch holds 2 x (max width) floats */
void mlp_infer(const Mlp *m, const float *params, const float *x, float *y, float *scratch);

/* widest layer (outputs and inputs, aux included) */
int mlp_max_width(const Mlp *m);

#endif
