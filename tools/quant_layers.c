/* quant_layers: how much of a policy's return each layer's int8 quantization costs.
 * For each variant it rounds the chosen actor layers to int8 in place (one scale per output
 * row, as `ddpg export --int8` does; "eq" first divides layer 0's input columns by their
 * largest |w|, as export format 2 does), keeps activations float, and evaluates the result
 * over the same episodes as `ddpg eval --checkpoint CKPT --episodes N --seed S`.
 * Built by CMake as build/quant_layers; docs/export.md ("Why format 2") quotes its output.
 * usage: build/quant_layers CHECKPOINT [EPISODES=10] [SEED=0] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "eval.h"
#include "policy.h"
#include "util.h"

/* W of layer l (out x in) rounded to int8 per row, optionally with layer-0 column scales */
static void fake_quantize(const Mlp *m, float *P, int l, int equalize) {
  int I = m->sizes[l], O = m->sizes[l + 1];
  float *W = P + m->w_off[l];
  float *c = xmalloc(sizeof(float) * (size_t)I);
  for (int i = 0; i < I; i++) {
    float mx = 0.0f;
    for (int o = 0; equalize && o < O; o++) mx = fmaxf(mx, fabsf(W[(size_t)o * I + i]));
    c[i] = mx > 0.0f ? mx : 1.0f;
  }
  for (int o = 0; o < O; o++) {
    float *row = W + (size_t)o * I, mx = 0.0f;
    for (int i = 0; i < I; i++) mx = fmaxf(mx, fabsf(row[i] / c[i]));
    if (mx == 0.0f) continue;
    for (int i = 0; i < I; i++) row[i] = rintf(row[i] / c[i] * 127.0f / mx) * (mx / 127.0f) * c[i];
  }
  free(c);
}

static void act_fn(void *ctx, const float *obs, float *act) { policy_act(ctx, obs, act); }

int main(int argc, char **argv) {
  if (argc < 2 || argc > 4) {
    fprintf(stderr, "usage: quant_layers CHECKPOINT [EPISODES=10] [SEED=0]\n");
    return 2;
  }
  int episodes = argc > 2 ? atoi(argv[2]) : 10;
  long seed = argc > 3 ? atol(argv[3]) : 0;
  if (episodes < 1 || seed < 0) {
    fprintf(stderr, "quant_layers: EPISODES must be >= 1 and SEED >= 0\n");
    return 2;
  }
  char err[ERR_LEN];
  Policy p;
  if (policy_load(&p, argv[1], err) != 0) {
    fprintf(stderr, "quant_layers: %s\n", err);
    return 2;
  }
  EnvModel *m;
  if (env_model_load(&m, p.env_name, p.model_path[0] ? p.model_path : NULL, err) != 0) {
    fprintf(stderr, "quant_layers: %s\n", err);
    return 2;
  }
  Mlp *a = &p.agent.actor;
  size_t bytes = sizeof(float) * a->n_params;
  float *orig = xmalloc(bytes);
  memcpy(orig, a->params, bytes);
  int L = a->n_layers;
  printf("%s: %d-layer actor, %d episodes, seed %ld, int8 weights, float activations\n",
         argv[1], L, episodes, seed);
  /* variants: none, each layer alone, layer 0 equalized, all, all with layer 0 equalized,
   * format 2 (layer 0 equalized, hidden layers int8, output layer float) */
  for (int v = 0; v < L + 5; v++) {
    memcpy(a->params, orig, bytes);
    char name[64];
    if (v == 0) snprintf(name, sizeof name, "float");
    for (int l = 0; l < L; l++) {
      int q = (v >= 1 && v <= L && l == v - 1) || v == L + 2 || v == L + 3 ||
              (v == L + 4 && l < L - 1) || (v == L + 1 && l == 0);
      int eq = l == 0 && (v == L + 1 || v == L + 3 || v == L + 4);
      if (q) fake_quantize(a, a->params, l, eq);
    }
    if (v >= 1 && v <= L) snprintf(name, sizeof name, "layer %d only", v - 1);
    if (v == L + 1) snprintf(name, sizeof name, "layer 0 only, equalized");
    if (v == L + 2) snprintf(name, sizeof name, "all layers");
    if (v == L + 3) snprintf(name, sizeof name, "all, layer 0 equalized");
    if (v == L + 4) snprintf(name, sizeof name, "format 2 (output float)");
    actor_load(&p.actor, a->params);
    EvalResult r;
    if (eval_policy(m, act_fn, &p, episodes, (uint64_t)seed, &r, err) != 0) {
      fprintf(stderr, "quant_layers: %s\n", err);
      return 1;
    }
    printf("%-26s %.6g\n", name, r.mean_return);
  }
  free(orig);
  env_model_free(m);
  policy_free(&p);
  return 0;
}
