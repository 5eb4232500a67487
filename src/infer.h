/* infer: fast single-observation inference of an Mlp, the rollout workers' hot loop.
 *
 * mlp_infer computes each output as a dot product over a weight row, a serial chain of
 * dependent additions that the compiler may not reorder (no fast-math), so it cannot use
 * the vector units. Infer keeps the weights transposed (in x out) and runs the inner loop
 * over a block of 32 outputs: every output still sums bias, then input 0, 1, ..., I-1, in
 * the same order with the same roundings, so the result is bit-identical to mlp_infer, while
 * the independent sums vectorize and stay in registers (blocks of 256 and 128 outputs with
 * AVX-512, 64 with AVX2, 32 otherwise, chosen at run time; see infer.c). Inputs that are zero (half
 * of a hidden layer's after ReLU) are skipped, which leaves the bits as they are (infer.c)
 * and halves the weights the hidden layers read. */
#ifndef DDPG_INFER_H
#define DDPG_INFER_H

#include "mlp.h"

typedef struct {
  const Mlp *shape;                /* layer sizes, activations, bias flag */
  float *wt;                       /* transposed weights, layer by layer (in x out_pad) */
  int out_pad[MLP_MAX_LAYERS];     /* layer width rounded up to 8 (zero weights and bias) */
  size_t wt_off[MLP_MAX_LAYERS];   /* offset of layer l in wt */
  float *bias;                     /* biases, layer by layer (zeros without bias) */
  size_t b_off[MLP_MAX_LAYERS];
  float *a, *b;                    /* (max out_pad) activations scratch */
  int *nz_row;                     /* a layer's nonzero inputs: their rows ... */
  float *nz_val;                   /* ... and values (the zeros are skipped; see infer.c) */
  void (*kern[3])(const float *, const float *, const int *, const float *, int, float *, int,
                  int);          /* block kernels, widest first (infer.c) ... */
  int kern_n[3];                   /* ... their outputs per call: 256/128/32, 64/32 or 32 */
  int n_kern;
  int (*gather)(const float *, int, int, int *, float *); /* nonzero inputs (infer.c) */
  size_t bytes_read;               /* weights the last infer_run read (the rows of nonzero
                                      inputs, padded width): `ddpg bench` figures */
} Infer;

/* 1 when m is a plain chain of Linear layers (no batch norm, no second input); other
 * networks act through mlp_infer */
int infer_supports(const Mlp *m);

/* allocate for networks of m's shape (infer_supports(m) must hold) (m must outlive the Infer) */
void infer_init(Infer *f, const Mlp *m);

/* release; accepts a zeroed struct */
void infer_free(Infer *f);

/* take the parameters of a slab of m's layout (transposes the weights: O(n_params)) */
void infer_load(Infer *f, const float *params);

/* y = network(x) for one row; bit-identical to mlp_infer on the loaded slab */
void infer_run(Infer *f, const float *x, float *y);

#endif
