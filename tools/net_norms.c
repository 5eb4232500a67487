/* net_norms: the size of every layer of a checkpoint's four networks, to watch what the
 * critic's L2 decay and batch norm do to them over training (results/reacher/paper/).
 * Per network (actor μ, target actor μ', critic Q, target critic Q') and Linear layer l:
 * ‖W_l‖ (Frobenius) and its ratio to the expected norm of the initial draw (U(±1/√in):
 * √(out/3); an output layer under --final-init x: x·√(out·in/3)), the mean bias where the
 * layer has one, and per batch-norm site the mean γ and the mean running variance. Built by
 * CMake as build/net_norms.
 * usage: build/net_norms CHECKPOINT */
#include <math.h>
#include <stdio.h>

#include "policy.h"

static void print_net(const char *name, const Mlp *m, float final_init) {
  printf("%-7s", name);
  for (int l = 0; l < m->n_layers; l++) {
    const int O = m->sizes[l + 1], I = m->in_dim[l];
    const float *W = m->params + m->w_off[l];
    double s = 0.0;
    for (size_t i = 0; i < (size_t)O * (size_t)I; i++) s += (double)W[i] * W[i];
    /* E‖W‖² of U(±c) over O·I entries: O·I·c²/3, c = 1/√I or the final init */
    double c = l == m->n_layers - 1 && final_init > 0.0f ? final_init : 1.0 / sqrt(I);
    printf("  |W%d| %.3g (x%.3g)", l, sqrt(s), sqrt(s) / (c * sqrt(O * (double)I / 3.0)));
    if (m->has_bias[l]) {
      double b = 0.0;
      for (int i = 0; i < O; i++) b += m->params[m->b_off[l] + i];
      printf(" mean b%d %.3g", l, b / O);
    }
  }
  for (int u = 0; u <= m->n_layers; u++) {
    const MlpNorm *n = &m->norm[u];
    if (!n->dim) continue;
    double g = 0.0, v = 0.0;
    for (int j = 0; j < n->dim; j++) {
      g += m->params[n->gamma_off + j];
      v += m->params[n->var_off + j];
    }
    printf("  bn%s%d: mean γ %.3g, mean running var %.3g", u ? " after W" : " on input ",
           u ? u - 1 : 0, g / n->dim, v / n->dim);
  }
  printf("\n");
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s CHECKPOINT\n", argv[0]);
    return 2;
  }
  char err[512];
  Policy p;
  if (policy_load(&p, argv[1], err) != 0) {
    fprintf(stderr, "net_norms: %s\n", err);
    return 2;
  }
  const Agent *ag = &p.agent;
  printf("%s: step %ld, last evaluation %.2f\n", argv[1], p.step, p.eval_return);
  const float x = ag->cfg.final_init;
  print_net("actor", &ag->actor, x);
  print_net("actor'", &ag->actor_targ, x);
  for (int k = 0; k < ag->n_critics; k++) {
    print_net(k ? "critic2" : "critic", &ag->critic[k], x);
    print_net(k ? "critic2'" : "critic'", &ag->critic_targ[k], x);
  }
  policy_free(&p);
  return 0;
}
