/* export: a trained actor as one dependency-free C header for a robot's firmware
 * (`ddpg export`, docs/export.md).
 *
 * The header holds the weights as `static const` arrays and one function
 * `static inline void ID_act(const float *obs, float *act)` (or one external definition:
 * ID_EXTERN / ID_IMPLEMENTATION, docs/export.md) that includes nothing beyond
 * <math.h>, allocates nothing and keeps its scratch on the stack. An ExportNet is the same
 * network in memory, laid out exactly as the header lays it out, with export_net_act running
 * the header's loops in the header's order: it is the reference the tests compare a compiled
 * header against, what the int8 error is measured with, and what export_act_ns times.
 *
 * Float export is exact: per output o the header computes b[o] + W[o][0]·x[0] + W[o][1]·x[1]
 * + ... in the order mlp_infer does, but with W stored transposed (in x out) so that the inner
 * loop runs over outputs; each output's sum is unchanged and the compiler can still vectorize
 * across outputs. Int8 export quantizes each weight row symmetrically (one float scale per
 * output channel); see docs/export.md for the measured choice of activation precision.
 * Batch norm (the DDPG paper's actor) is exported as its inference form with the running
 * statistics, y = γ·(z − mean)·istd + β, istd = 1/sqrt(var + eps) evaluated as mlp_infer does. */
#ifndef DDPG_EXPORT_H
#define DDPG_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "mlp.h"
#include "policy.h"

#define EXPORT_FORMAT_VERSION 3   /* bump when the header's layout or contract changes
                                     (2: int8 keeps the output layer float, equalizes layer 0;
                                     3: ID_EXTERN / ID_IMPLEMENTATION, ID_DDPG_VERSION) */
#define EXPORT_NAME_MAX 48        /* longest accepted --name */
#define EXPORT_TEST_OBS 10000     /* observations in the int8 error test set */
#define EXPORT_TEST_SEED 0        /* seed of the test-set rollouts (as `ddpg eval --seed 0`) */
#define EXPORT_EVAL_EPISODES 10   /* episodes of the float/int8 return comparison */

typedef enum {
  EXPORT_FLOAT = 0,     /* float32 weights and activations, bit-identical to `ddpg act` */
  EXPORT_INT8 = 1,      /* int8 weights; hidden activations uint8, int32 accumulation */
  EXPORT_INT8_FACT = 2  /* int8 weights; float activations and accumulation */
} ExportKind;

/* the actor in the header's layout. Layer l maps sizes[l] -> sizes[l+1]. A layer is either
 * float-accumulated (weights transposed, in x out, inner loop over outputs) or, for
 * EXPORT_INT8 past the first layer, integer-accumulated (weights out x in, inner loop over
 * inputs, whose order integer sums do not care about) */
typedef struct {
  ExportKind kind;
  int n_layers;
  int sizes[MLP_MAX_LAYERS + 1];   /* widths: sizes[0] = obs_dim ... sizes[n_layers] = act_dim */
  Activation act[MLP_MAX_LAYERS];  /* after each layer */
  int has_bias[MLP_MAX_LAYERS];    /* 1: layer l has a bias */
  int int_layer[MLP_MAX_LAYERS];   /* 1: uint8 inputs x int8 weights, int32 sums (out x in) */
  int float_layer[MLP_MAX_LAYERS]; /* int8 kinds: 1 for the output layer (kept float, in w) */
  float *eq;                       /* int8 kinds: (sizes[0]) input column scales of layer 0:
                                      W[o][i] ≈ scale[o] q[i][o] eq[i]; else NULL */
  int bn[MLP_MAX_LAYERS + 1];      /* 1: batch norm (running statistics) at site u: 0 on the
                                      input, l + 1 on layer l's pre-activation */
  float *w;                        /* W_l^T (in x out) of the float layers; NULL if none */
  int8_t *q;                       /* int8 kinds: quantized W_l of the other layers; else NULL */
  float *scale;                    /* int8 kinds: (sizes[l+1]) per layer, W ≈ scale[o]·q */
  float *b;                        /* (sizes[l+1]) per layer, zeros where !has_bias */
  float *norm;                     /* per site: mean, istd, γ, β (sizes[u] each) */
  size_t w_off[MLP_MAX_LAYERS];    /* offset of layer l in w or q */
  size_t b_off[MLP_MAX_LAYERS];    /* offset of layer l in b and scale */
  size_t norm_off[MLP_MAX_LAYERS + 1]; /* offset of site u in norm */
  float act_center[ENV_MAX_ACT];   /* a = center + scale · y: the output scaled to the bounds */
  float act_scale[ENV_MAX_ACT];
} ExportNet;

/* what an export measured and wrote */
typedef struct {
  ExportKind kind;
  char name[EXPORT_NAME_MAX + 1];  /* the C identifier prefix used */
  size_t header_bytes;             /* size of the written header */
  size_t weight_bytes;             /* bytes of its weight, scale and bias arrays */
  double ref_max_err;              /* max |export_net_act - policy_act| (float reference of the
                                      header vs the checkpoint; 0 = bit-identical) */
  int n_test;                      /* observations in the int8 test set (0 for float) */
  double max_err;                  /* int8: max |a_int8 - a_float| over the test set */
  int eval_episodes;               /* int8: episodes of the return comparison */
  double return_float, return_int8; /* int8: mean returns of the float and int8 networks */
} ExportReport;

/* 0 when `name` can prefix the header's identifiers (ID_act, ID_OBS_DIM): a C identifier
 * of at most EXPORT_NAME_MAX characters, not starting with '_' and without "__" (reserved
 * in C and C++); else -1 with the reason in err */
int export_name_check(const char *name, char *err);

/* build the header-layout network of kind `kind` from an actor (the Mlp of a checkpoint's
 * agent, its parameters and its tanh scaling) */
void export_net_init(ExportNet *n, const Agent *ag, ExportKind kind);

/* release; accepts a zeroed struct */
void export_net_free(ExportNet *n);

/* bytes of scratch export_net_act needs */
size_t export_net_scratch_bytes(const ExportNet *n);

/* the header's action for one observation, computed with the header's loops; thread-safe
 * with a private scratch (export_net_scratch_bytes) */
void export_net_act(const ExportNet *n, const float *obs, float *act, void *scratch);

/* bytes of the header's weight, scale and bias arrays */
size_t export_net_weight_bytes(const ExportNet *n);

/* median over `reps` repetitions of the nanoseconds per export_net_act call, each repetition
 * `calls` calls cycling through n_obs observations (obs: n_obs x obs_dim); for `ddpg bench` */
double export_act_ns(const ExportNet *n, const float *obs, int n_obs, int calls, int reps);

/* the whole header text for policy p (its actor, its env's observation layout and bounds,
 * the measurements in rep) as a NUL-terminated malloc'd string; *len is its length.
 * dt: seconds per control step (<= 0: unknown). src: checkpoint path shown in the comment */
char *export_header_text(const Policy *p, const ExportNet *n, const ExportReport *rep,
                         const char *src, double dt, size_t *len);

/* load checkpoint `ckpt`, build the network of `kind`, measure it (the float reference
 * against the checkpoint; for int8 the error and returns over evaluation rollouts), and
 * write the header to `out` atomically. name NULL: the env's name. Returns 0, or -1 with a
 * one-line message in err and `out` untouched (unreadable checkpoint, bad name, model not
 * loadable, unwritable path) */
int export_checkpoint(const char *ckpt, const char *out, const char *name, ExportKind kind,
                      ExportReport *rep, char *err);

#endif
