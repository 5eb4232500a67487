/* randomize: per-episode domain randomization of a robot's parameters; see randomize.h and
 * docs/sim2real.md. The draws of one episode, in this order: for each parameter in RandKind
 * order that is on, one scale s ~ U(lo, hi) per element in the order of its ids (RAND_COM:
 * three offsets per body, x y z). Observation noise, delay jitter and action noise are drawn
 * by env.c during the episode from the same stream. */
#define _XOPEN_SOURCE 700
#include "randomize.h"

#include <errno.h>
#include <math.h>
#include <mujoco/mujoco.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *const RAND_KEYS[RAND_N_PARAMS] = {"mass", "friction", "damping",
                                              "armature", "gain", "com"};
const char *const RAND_ELEMENTS[RAND_N_PARAMS] = {"bodies", "geoms", "joints",
                                                  "joints", "actuators", "bodies"};

#define RAND_MAX_SCALE 1e6   /* far above any useful scale; keeps the products finite */
#define RAND_MAX_OFFSET 1e3  /* metres */
#define RAND_MAX_SIGMA 1e6

int randomize_active(const Randomization *r) {
  if (!r) return 0;
  for (int k = 0; k < RAND_N_PARAMS; k++)
    if (r->p[k].on) return 1;
  return r->obs_sigma || r->delay > 0 || r->jitter > 0 || r->action_noise > 0;
}

void randomize_free(Randomization *r) {
  if (!r) return;
  for (int k = 0; k < RAND_N_PARAMS; k++) free(r->p[k].ids);
  free(r->obs_sigma);
  memset(r, 0, sizeof *r);
}

void randomize_copy(Randomization *dst, const Randomization *src) {
  *dst = *src;
  for (int k = 0; k < RAND_N_PARAMS; k++) {
    dst->p[k].ids = NULL;
    if (src->p[k].ids) {
      dst->p[k].ids = xcalloc((size_t)src->p[k].n + 1, sizeof(int));
      memcpy(dst->p[k].ids, src->p[k].ids, sizeof(int) * (size_t)src->p[k].n);
    }
  }
  if (src->obs_sigma) {
    dst->obs_sigma = xcalloc((size_t)src->obs_dim, sizeof(double));
    memcpy(dst->obs_sigma, src->obs_sigma, sizeof(double) * (size_t)src->obs_dim);
  }
}

int randomize_check_range(RandKind k, double lo, double hi, const char *where, char *err) {
  double bound = k == RAND_COM ? RAND_MAX_OFFSET : RAND_MAX_SCALE;
  if (!isfinite(lo) || !isfinite(hi) || fabs(lo) > bound || fabs(hi) > bound)
    return err_set(err, "%s: %s range [%g, %g] must be finite and within +-%g", where,
                   RAND_KEYS[k], lo, hi, bound);
  if (lo > hi)
    return err_set(err, "%s: %s range [%g, %g] is empty (low above high); give [low, high]",
                   where, RAND_KEYS[k], lo, hi);
  if (k == RAND_COM) return 0;
  if (k == RAND_MASS || k == RAND_GAIN) {
    if (!(lo > 0))
      return err_set(err, "%s: %s scale %g must be positive (a factor on the model's value)",
                     where, RAND_KEYS[k], lo);
  } else if (lo < 0) {
    return err_set(err, "%s: %s scale %g is negative (a factor on the model's value, >= 0)",
                   where, RAND_KEYS[k], lo);
  }
  return 0;
}

int randomize_check_delay(int delay, int jitter, int max_steps, const char *where, char *err) {
  if (delay < 0 || jitter < 0)
    return err_set(err, "%s: action delay %d and jitter %d must not be negative", where, delay,
                   jitter);
  if ((long)delay + jitter >= max_steps)
    return err_set(err, "%s: action delay %d + jitter %d is not shorter than the episode (%d "
                   "steps); give a delay of a few control steps", where, delay, jitter,
                   max_steps);
  return 0;
}

void randomize_set_all(Randomization *r, RandKind k, double lo, double hi, const void *vm) {
  const mjModel *m = vm;
  RandParam *p = &r->p[k];
  free(p->ids);
  int first = 0, n = 0;
  switch (k) {
    case RAND_MASS:
    case RAND_COM: first = 1, n = m->nbody - 1; break; /* not the world */
    case RAND_FRICTION: n = m->ngeom; break;
    case RAND_DAMPING:
    case RAND_ARMATURE: n = m->nv; break;
    case RAND_GAIN: n = m->nu; break;
    case RAND_N_PARAMS: DDPG_CHECK(0);
  }
  p->on = 1;
  p->lo = lo;
  p->hi = hi;
  p->n = n;
  p->ids = xcalloc((size_t)(n > 0 ? n : 1), sizeof(int));
  for (int i = 0; i < n; i++) p->ids[i] = first + i;
}

void randomize_set_obs_noise(Randomization *r, int obs_dim, double sigma) {
  free(r->obs_sigma);
  r->obs_sigma = NULL;
  r->obs_dim = obs_dim;
  if (!(sigma > 0)) return;
  r->obs_sigma = xcalloc((size_t)obs_dim, sizeof(double));
  for (int i = 0; i < obs_dim; i++) r->obs_sigma[i] = sigma;
}

/* a whole number in [lo, hi] from s (all of it) */
static int parse_int(const char *s, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (end == s || *end || errno || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

static int parse_num(const char *s, double *out) {
  char *end;
  double v = strtod(s, &end);
  if (end == s || *end || !isfinite(v)) return -1;
  *out = v;
  return 0;
}

/* one KEY=VALUE item of --randomize */
static int apply_item(Randomization *r, char *item, const void *m, int obs_dim, int max_steps,
                      char *err) {
  const char *hint = "(KEY=LO:HI for mass, friction, damping, armature, gain, com; "
                     "obs_noise=SIGMA, delay=K, jitter=J, action_noise=SIGMA; or none)";
  char *eq = strchr(item, '=');
  if (!eq) return err_set(err, "--randomize: '%.60s' is not KEY=VALUE %s", item, hint);
  *eq = 0;
  const char *key = item, *val = eq + 1;
  char where[80];
  snprintf(where, sizeof where, "--randomize %.40s", key);
  for (int k = 0; k < RAND_N_PARAMS; k++) {
    if (strcmp(key, RAND_KEYS[k]) != 0) continue;
    double lo, hi;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", val);
    char *colon = strchr(buf, ':');
    if (colon) *colon = 0;
    if (parse_num(buf, &lo) != 0 || (colon ? parse_num(colon + 1, &hi) : (hi = lo, 0)) != 0)
      return err_set(err, "%s: '%.60s' is not LO:HI or one number", where, val);
    if (randomize_check_range((RandKind)k, lo, hi, where, err) != 0) return -1;
    randomize_set_all(r, (RandKind)k, lo, hi, m);
    return 0;
  }
  double v;
  long n;
  if (strcmp(key, "obs_noise") == 0 || strcmp(key, "action_noise") == 0) {
    if (parse_num(val, &v) != 0 || v < 0 || v > RAND_MAX_SIGMA)
      return err_set(err, "%s: '%.60s' is not a sigma in [0, %g]", where, val, RAND_MAX_SIGMA);
    if (key[0] == 'o')
      randomize_set_obs_noise(r, obs_dim, v);
    else
      r->action_noise = v;
    return 0;
  }
  if (strcmp(key, "delay") == 0 || strcmp(key, "jitter") == 0) {
    if (parse_int(val, -1000000000L, 1000000000L, &n) != 0)
      return err_set(err, "%s: '%.60s' is not a whole number of control steps", where, val);
    int delay = key[0] == 'd' ? (int)n : r->delay, jitter = key[0] == 'j' ? (int)n : r->jitter;
    if (randomize_check_delay(delay, jitter, max_steps, where, err) != 0) return -1;
    r->delay = delay;
    r->jitter = jitter;
    return 0;
  }
  return err_set(err, "--randomize: unknown key '%.40s' %s", key, hint);
}

int randomize_apply_flag(Randomization *r, const char *spec, const void *m, int obs_dim,
                         int max_steps, char *err) {
  if (!spec || !spec[0]) return 0;
  if (strcmp(spec, "none") == 0) {
    randomize_free(r);
    return 0;
  }
  if (!m)
    return err_set(err, "--randomize: the toy task has no model to randomize (use a MuJoCo "
                   "robot)");
  char *copy = xstrdup(spec), *save = NULL;
  int rc = 0;
  int items = 0;
  for (char *item = strtok_r(copy, ",", &save); item && rc == 0;
       item = strtok_r(NULL, ",", &save), items++)
    rc = apply_item(r, item, m, obs_dim, max_steps, err);
  free(copy);
  if (rc == 0 && items == 0)
    rc = err_set(err, "--randomize: '%.60s' names nothing (give KEY=VALUE items or none)", spec);
  return rc;
}

int randomize_history(const Randomization *r) { return r->delay + r->jitter + 1; }

/* the arrays of parameter k, doubles per element, for copying back from the nominal model */
typedef struct {
  mjtNum *dst;
  const mjtNum *src;
  int width;
} Span;

static int spans_of(RandKind k, const mjModel *nom, mjModel *m, Span *s) {
  switch (k) {
    case RAND_MASS:
      s[0] = (Span){m->body_mass, nom->body_mass, 1};
      s[1] = (Span){m->body_inertia, nom->body_inertia, 3};
      return 2;
    case RAND_FRICTION: s[0] = (Span){m->geom_friction, nom->geom_friction, 3}; return 1;
    case RAND_DAMPING: s[0] = (Span){m->dof_damping, nom->dof_damping, 1}; return 1;
    case RAND_ARMATURE: s[0] = (Span){m->dof_armature, nom->dof_armature, 1}; return 1;
    case RAND_GAIN:
      s[0] = (Span){m->actuator_gainprm, nom->actuator_gainprm, mjNGAIN};
      s[1] = (Span){m->actuator_biasprm, nom->actuator_biasprm, mjNBIAS};
      return 2;
    case RAND_COM: s[0] = (Span){m->body_ipos, nom->body_ipos, 3}; return 1;
    case RAND_N_PARAMS: break;
  }
  DDPG_CHECK(0);
  return 0;
}

void randomize_model(const Randomization *r, const void *vnom, void *vown, void *vd, Rng *rng) {
  const mjModel *nom = vnom;
  mjModel *m = vown;
  int set_const = 0;
  for (int k = 0; k < RAND_N_PARAMS; k++) {
    const RandParam *p = &r->p[k];
    if (!p->on) continue;
    Span s[2];
    int ns = spans_of((RandKind)k, nom, m, s);
    for (int i = 0; i < p->n; i++) {
      int id = p->ids[i];
      for (int j = 0; j < ns; j++) /* the nominal values first: no drift over episodes */
        memcpy(s[j].dst + (size_t)id * s[j].width, s[j].src + (size_t)id * s[j].width,
               sizeof(mjtNum) * (size_t)s[j].width);
      if (k == RAND_COM) {
        for (int a = 0; a < 3; a++) m->body_ipos[3 * id + a] += rng_range(rng, p->lo, p->hi);
        continue;
      }
      double sc = rng_range(rng, p->lo, p->hi);
      switch ((RandKind)k) {
        case RAND_MASS:
          m->body_mass[id] *= sc;  /* the same shape, denser: inertia scales with mass */
          for (int a = 0; a < 3; a++) m->body_inertia[3 * id + a] *= sc;
          break;
        case RAND_FRICTION:
          for (int a = 0; a < 3; a++) m->geom_friction[3 * id + a] *= sc;
          break;
        case RAND_DAMPING: m->dof_damping[id] *= sc; break;
        case RAND_ARMATURE: m->dof_armature[id] *= sc; break;
        case RAND_GAIN:
          /* force = gain*ctrl + bias0 + bias1*length + bias2*velocity: the whole force
           * scales, so a position servo keeps its set point */
          for (int a = 0; a < 3; a++) {
            m->actuator_gainprm[mjNGAIN * id + a] *= sc;
            m->actuator_biasprm[mjNBIAS * id + a] *= sc;
          }
          break;
        default: break;
      }
    }
    set_const |= k == RAND_MASS || k == RAND_COM || k == RAND_ARMATURE;
  }
  /* body_subtreemass, dof_invweight0, body_invweight0, actuator_acc0, ... depend on the
   * masses, inertias and armature */
  if (set_const) mj_setConst(m, vd);
}

void randomize_describe(const Randomization *r, const void *vm, FILE *f) {
  (void)vm;
  if (!randomize_active(r)) {
    fprintf(f, "randomize: nothing\n");
    return;
  }
  fprintf(f, "randomize (per episode):\n");
  for (int k = 0; k < RAND_N_PARAMS; k++) {
    const RandParam *p = &r->p[k];
    if (!p->on) continue;
    fprintf(f, "  %-12s %s [%g, %g] over %d %s\n", RAND_KEYS[k],
            k == RAND_COM ? "offset (m)" : "scale", p->lo, p->hi, p->n,
            k == RAND_DAMPING || k == RAND_ARMATURE ? "dofs" : RAND_ELEMENTS[k]);
  }
  if (r->obs_sigma) {
    double lo = INFINITY, hi = 0;
    for (int i = 0; i < r->obs_dim; i++) {
      if (r->obs_sigma[i] < lo) lo = r->obs_sigma[i];
      if (r->obs_sigma[i] > hi) hi = r->obs_sigma[i];
    }
    fprintf(f, "  %-12s sigma %g..%g over %d entries\n", "obs_noise", lo, hi, r->obs_dim);
  }
  if (r->delay || r->jitter)
    fprintf(f, "  %-12s %d control steps + U{0..%d}\n", "delay", r->delay, r->jitter);
  if (r->action_noise > 0)
    fprintf(f, "  %-12s sigma %g x half-range\n", "action_noise", r->action_noise);
}
