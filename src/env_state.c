/* env_state: flatten / restore the dynamic state of an Env; see env_state.h. */
#include "env_state.h"

#include <math.h>
#include <mujoco/mujoco.h>
#include <string.h>

#include "util.h"

typedef struct {
  mjtNum *p;
  size_t n;
} Span;

/* the mjData arrays that carry state from one step to the next */
static int spans(const Env *e, Span *s) {
  const mjModel *m = env_model_mj(e->model);
  mjData *d = e->data;
  if (!m || !d) return 0;
  s[0] = (Span){d->qpos, (size_t)m->nq};
  s[1] = (Span){d->qvel, (size_t)m->nv};
  s[2] = (Span){d->act, (size_t)m->na};
  s[3] = (Span){d->ctrl, (size_t)m->nu};
  s[4] = (Span){d->qacc_warmstart, (size_t)m->nv};
  s[5] = (Span){d->xpos, (size_t)m->nbody * 3};
  return 6;
}

size_t env_state_size(const Env *e) {
  Span s[6];
  int k = spans(e, s);
  size_t n = 3;
  for (int i = 0; i < k; i++) n += s[i].n;
  return n;
}

void env_get_state(const Env *e, double *out) {
  const mjData *d = e->data;
  out[0] = (double)e->t;
  out[1] = d ? d->time : 0.0;
  out[2] = e->toy_s;
  Span s[6];
  int k = spans(e, s);
  size_t o = 3;
  for (int i = 0; i < k; i++) {
    memcpy(out + o, s[i].p, s[i].n * sizeof(double));
    o += s[i].n;
  }
}

int env_set_state(Env *e, const double *in) {
  mjData *d = e->data;
  if (!(in[0] >= 0.0 && in[0] <= (double)e->max_steps && in[0] == (double)(int)in[0]) ||
      !isfinite(in[1]))
    return -1;
  e->t = (int)in[0];
  if (d) d->time = in[1];
  e->toy_s = in[2];
  Span s[6];
  int k = spans(e, s);
  size_t o = 3;
  for (int i = 0; i < k; i++) {
    memcpy(s[i].p, in + o, s[i].n * sizeof(double));
    o += s[i].n;
  }
  return 0;
}
