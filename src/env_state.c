/* env_state: flatten / restore the dynamic state of an Env; see env_state.h. */
#include "env_state.h"

#include <math.h>
#include <mujoco/mujoco.h>
#include <string.h>

#include "task.h"
#include "util.h"

typedef struct {
  mjtNum *p;
  size_t n;
} Span;

#define MAX_SPANS 9

/* the mjData arrays that carry state from one step to the next: the dynamic state, and the
 * kinematics mj_step left behind that the task reads before the next step (body positions
 * always, as Reacher-v4 does; site positions, subtree centres of mass and body centres of
 * mass (xipos, for a mass_center velocity) only for tasks
 * whose `when: before` or forward_velocity terms read them, so the built-ins' layout is
 * unchanged) */
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
  int k = 6;
  int need = task_reads_before(env_model_task(e->model));
  if (need & TASK_READS_SITE_XPOS) s[k++] = (Span){d->site_xpos, (size_t)m->nsite * 3};
  if (need & TASK_READS_SUBTREE_COM) s[k++] = (Span){d->subtree_com, (size_t)m->nbody * 3};
  if (need & TASK_READS_XIPOS) s[k++] = (Span){d->xipos, (size_t)m->nbody * 3};
  return k;
}

/* a randomized Env also keeps its episode: the seed its parameters were drawn from, its
 * stream's state (4 words) and its action history; the u64 words travel as the bits of
 * doubles (memcpy both ways, never arithmetic) */
static size_t rand_size(const Env *e) {
  return e->rand ? 1 + 4 + (size_t)e->hist_len * (size_t)e->act_dim : 0;
}

size_t env_state_size(const Env *e) {
  Span s[MAX_SPANS];
  int k = spans(e, s);
  size_t n = 3;
  for (int i = 0; i < k; i++) n += s[i].n;
  return n + rand_size(e);
}

static void rand_get(const Env *e, double *out) {
  memcpy(out, &e->rand_seed, sizeof(double));
  memcpy(out + 1, e->rand_rng.s, 4 * sizeof(double));
  for (size_t i = 0; i < (size_t)e->hist_len * (size_t)e->act_dim; i++)
    out[5 + i] = (double)e->act_hist[i];
}

/* the episode's parameters drawn again from its seed, then the stream and history */
static void rand_set(Env *e, const double *in) {
  memcpy(&e->rand_seed, in, sizeof(double));
  env_randomize_episode(e);
  memcpy(e->rand_rng.s, in + 1, 4 * sizeof(double));
  for (size_t i = 0; i < (size_t)e->hist_len * (size_t)e->act_dim; i++)
    e->act_hist[i] = (float)in[5 + i];
}

void env_get_state(const Env *e, double *out) {
  const mjData *d = e->data;
  out[0] = (double)e->t;
  out[1] = d ? d->time : 0.0;
  out[2] = e->toy_s;
  Span s[MAX_SPANS];
  int k = spans(e, s);
  size_t o = 3;
  for (int i = 0; i < k; i++) {
    memcpy(out + o, s[i].p, s[i].n * sizeof(double));
    o += s[i].n;
  }
  if (e->rand) rand_get(e, out + o);
}

int env_set_state(Env *e, const double *in) {
  mjData *d = e->data;
  if (!(in[0] >= 0.0 && in[0] <= (double)e->max_steps && in[0] == (double)(int)in[0]) ||
      !isfinite(in[1]))
    return -1;
  e->t = (int)in[0];
  e->toy_s = in[2];
  Span s[MAX_SPANS];
  int k = spans(e, s);
  size_t o = 3;
  for (int i = 0; i < k; i++) o += s[i].n;
  if (e->rand) rand_set(e, in + o); /* mj_setConst overwrites d's state: before restoring it */
  if (d) d->time = in[1];
  o = 3;
  for (int i = 0; i < k; i++) {
    memcpy(s[i].p, in + o, s[i].n * sizeof(double));
    o += s[i].n;
  }
  return 0;
}

/* ------------------------------------------------------------------------------------ */
/* the task record                                                                        */

/* a byte string: u64 length n, n bytes, a NUL (so a reader can point into the buffer) */
static void w_blob(Writer *w, const char *s, size_t n) {
  uint64_t c = n;
  w_bytes(w, &c, sizeof c);
  w_bytes(w, s, n);
  w_bytes(w, "", 1);
}

static int r_blob(Reader *r, const char **s, size_t *n, const char *what) {
  uint64_t c;
  if (r_bytes(r, &c, sizeof c, what) != 0) return -1;
  if (c >= r->len - r->pos) return r_invalid(r, what);
  const char *p = (const char *)r->buf + r->pos;
  if (p[c] != 0 || memchr(p, 0, (size_t)c)) return r_invalid(r, what);
  r->pos += (size_t)c + 1;
  *s = p;
  *n = (size_t)c;
  return 0;
}

void env_record_write(Writer *w, const EnvModel *m) {
  EnvRecord rec;
  env_model_record(m, &rec);
  w_u32(w, rec.text ? 1u : 0u);
  w_blob(w, rec.name, strlen(rec.name));
  if (!rec.text) return;
  w_blob(w, rec.text, rec.text_len);
  w_blob(w, rec.mjcf, strlen(rec.mjcf));
  w_u32(w, (uint32_t)rec.builtin);
  w_bytes(w, &rec.mjcf_hash, sizeof rec.mjcf_hash);
}

int env_record_read(Reader *r, EnvRecord *rec) {
  memset(rec, 0, sizeof *rec);
  uint32_t has_task = 0, builtin = 0;
  size_t n;
  if (r_u32(r, &has_task, "task record") != 0 || has_task > 1) return r_invalid(r, "task record");
  if (r_blob(r, &rec->name, &n, "task record name") != 0) return -1;
  if (!has_task) return 0;
  if (r_blob(r, &rec->text, &rec->text_len, "task record text") != 0 ||
      r_blob(r, &rec->mjcf, &n, "task record model path") != 0 ||
      r_u32(r, &builtin, "task record") != 0 ||
      r_bytes(r, &rec->mjcf_hash, sizeof rec->mjcf_hash, "task record hash") != 0)
    return -1;
  if (builtin > ENV_MJCF_SOURCE || !rec->mjcf[0]) return r_invalid(r, "task record");
  rec->builtin = (int)builtin;
  return 0;
}
