/* env: a task file's robot, or the toy task; see env.h, task.h and docs/robots.md.
 *
 * env_model_load reads the task file (models/NAME.yaml for a built-in name), compiles the
 * MJCF it names (relative to the task file) once, and has task.c resolve every name of the
 * task to an address or id, so the step reads no strings and a user's model is accepted
 * exactly when it has what the task names. The step is: terms read before the action, the
 * action into ctrl, frame_skip guarded mj_steps (plus mj_rnePostConstraint when a term reads
 * cfrc_ext), the remaining reward terms and termination, the observation.
 *
 * MuJoCo errors. MuJoCo reports fatal problems through mju_user_error, which must not
 * return (its default prints, waits for Enter and exits). Our handler records the message
 * in a thread-local buffer and, when the calling thread is inside a guarded MuJoCo call
 * (run_guarded / make_data_guarded, used for every mj_step, mj_forward and mj_makeData of
 * this file), longjmps back to it: the load fails with the message, or the episode is
 * marked unstable and truncated. Outside a guard (someone calling MuJoCo directly) it prints
 * "ddpg: MuJoCo error: ..." to stderr and exits with status 1. MuJoCo's engine is C, so no
 * destructor is skipped by the longjmp; the interrupted mjData is left half-stepped and is
 * not simulated again until env_reset (env_clear_state also rewinds its scratch stack).
 * Warnings (bad qacc, contact/constraint buffer full, ...) only record the text; env_step
 * detects them through the d->warning counters, since MuJoCo keeps going after a warning
 * (after a bad qacc it silently resets the state to qpos0). */
#define _XOPEN_SOURCE 700
#include "env.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <mujoco/mujoco.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "task.h"
#include "paths.h"
#include "randomize.h"
#include "util.h"

const char *const ENV_NAMES[] = {"half_cheetah", "reacher", "toy",
                                 "hopper", "walker2d", "swimmer", "inverted_pendulum",
                                 "inverted_double_pendulum", "ant", "humanoid", "pusher",
                                 NULL};

#define TOY_BOUND 1.0 /* toy action bounds and initial-state range */

struct EnvModel {
  int toy;
  char *name;                    /* the env as given */
  Task *task;                    /* NULL for toy */
  mjModel *mj;                   /* NULL for toy */
  double dt;                     /* opt.timestep * frame_skip */
  int obs_dim, act_dim, frame_skip, max_steps;
  float *act_low, *act_high;     /* act_dim each */
  char *text;                    /* the task file's text (the checkpoint record) */
  size_t text_len;
  char *mjcf;                    /* recorded MJCF path (EnvRecord.mjcf) */
  int builtin;
  uint64_t mjcf_hash;
};

/* ------------------------------------------------------------------------------------ */
/* MuJoCo error handling                                                                  */

static _Thread_local jmp_buf *tl_guard;          /* innermost guarded call, or NULL */
static _Thread_local char tl_message[ERR_LEN];   /* last MuJoCo error / warning text */

static void copy_one_line(char *dst, size_t n, const char *src) {
  size_t i = 0;
  for (; src[i] && i + 1 < n; i++) dst[i] = (src[i] == '\n' || src[i] == '\r') ? ' ' : src[i];
  while (i > 0 && dst[i - 1] == ' ') i--;
  dst[i] = 0;
}

static void on_mujoco_error(const char *msg) {
  copy_one_line(tl_message, sizeof tl_message, msg);
  if (tl_guard) longjmp(*tl_guard, 1);
  fprintf(stderr, "ddpg: MuJoCo error: %s\n", tl_message);
  exit(1);
}

static void on_mujoco_warning(const char *msg) {
  copy_one_line(tl_message, sizeof tl_message, msg);
}

void env_install_mujoco_handlers(void) {
  mju_user_error = on_mujoco_error;
  mju_user_warning = on_mujoco_warning;
}

const char *env_mujoco_message(void) { return tl_message; }

typedef enum { CALL_STEP, CALL_FORWARD } MjCall;

/* run `n` mj_step calls (or one mj_forward) with the error handler armed; 0, or -1 when
 * MuJoCo raised an error (message in tl_message). Kept apart so that nothing live across
 * setjmp needs to be volatile. */
static int run_guarded(const mjModel *m, mjData *d, MjCall call, int n) {
  jmp_buf here;
  jmp_buf *outer = tl_guard;
  if (setjmp(here) != 0) {
    tl_guard = outer;
    return -1;
  }
  tl_guard = &here;
  if (call == CALL_FORWARD)
    mj_forward(m, d);
  else
    for (int k = 0; k < n; k++) mj_step(m, d);
  tl_guard = outer;
  return 0;
}

/* mj_makeData with the handler armed; NULL when MuJoCo raised an error */
static mjData *make_data_guarded(const mjModel *m) {
  jmp_buf here;
  jmp_buf *outer = tl_guard;
  if (setjmp(here) != 0) {
    tl_guard = outer;
    return NULL;
  }
  tl_guard = &here;
  mjData *d = mj_makeData(m);
  tl_guard = outer;
  return d;
}

static int warning_count(const mjData *d) {
  int n = 0;
  for (int i = 0; i < mjNWARNING; i++) n += d->warning[i].number;
  return n;
}

/* the state within MuJoCo's own bound (|x| <= mjMAXVAL, what mj_checkPos / mj_checkVel test
 * at the start of the next mj_step): the last integration of a step can blow up past it, and
 * past float range, with no warning yet */
static int state_finite(const mjModel *m, const mjData *d) {
  for (int i = 0; i < m->nq; i++)
    if (!(fabs(d->qpos[i]) <= mjMAXVAL)) return 0;
  for (int i = 0; i < m->nv; i++)
    if (!(fabs(d->qvel[i]) <= mjMAXVAL)) return 0;
  return 1;
}

/* ------------------------------------------------------------------------------------ */
/* loading                                                                                */

uint64_t env_hash_bytes(const void *p, size_t n) {
  const uint8_t *b = p;
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ULL;
  return h;
}

static int load_toy(EnvModel **out, const char *model_path, char *err) {
  if (model_path)
    return err_set(err, "toy has no MJCF model; --model applies to MuJoCo tasks");
  EnvModel *em = xcalloc(1, sizeof *em);
  em->toy = 1;
  em->name = xmemdup("toy", 3);
  em->dt = 1.0;
  em->obs_dim = em->act_dim = em->frame_skip = 1;
  em->max_steps = 20;
  em->act_low = xmalloc(sizeof(float));
  em->act_high = xmalloc(sizeof(float));
  em->act_low[0] = (float)-TOY_BOUND;
  em->act_high[0] = (float)TOY_BOUND;
  *out = em;
  return 0;
}

/* compile the MJCF at path (0, or -1 + err) */
static int load_mjcf(EnvModel *em, const char *path, char *err) {
  env_install_mujoco_handlers();
  /* a clear message for the common case; MuJoCo's own says "resource not found" */
  FILE *f = fopen(path, "rb");
  if (!f) return err_set(err, "cannot open model file %s: %s", path, strerror(errno));
  fclose(f);
  char mjerr[ERR_LEN] = "";
  em->mj = mj_loadXML(path, NULL, mjerr, sizeof mjerr);
  env_install_mujoco_handlers(); /* the 2.2.2 compiler swaps the handlers while it runs */
  if (!em->mj) {
    char line[ERR_LEN];
    copy_one_line(line, sizeof line, mjerr[0] ? mjerr : "unknown error");
    return err_set(err, "cannot load model %s: %s", path, line);
  }
  return 0;
}

/* the real paths of the models directory (paths.h) and of the directory above it, the root
 * ENV_MJCF_SOURCE paths are relative to (the source tree, through build/models); 0 or -1 */
static int model_roots(char dir[PATH_MAX], char root[PATH_MAX]) {
  char found[PATH_MAX], why[ERR_LEN];
  if (paths_model_dir(found, sizeof found, why) != 0 || !realpath(found, dir)) return -1;
  snprintf(root, PATH_MAX, "%s", dir);
  char *slash = strrchr(root, '/');
  if (!slash || slash == root) return -1;
  *slash = 0;
  return 0;
}

/* the model of a task: parse `text`, compile the MJCF (mjcf_path, or the task's model: next
 * to task_path), resolve. expect_hash != 0: the MJCF's bytes must hash to it (a checkpoint) */
static int load_task(EnvModel **out, const char *name, const char *task_path, const char *text,
                     size_t len, const char *mjcf_path, uint64_t expect_hash, char *err) {
  *out = NULL;
  EnvModel *em = xcalloc(1, sizeof *em);
  em->name = xmemdup(name, strlen(name));
  em->text = xmemdup(text, len);
  em->text_len = len;
  if (task_parse(&em->task, task_path, text, len, err) != 0) goto fail;
  char path[1100];
  int n;
  if (mjcf_path) {
    n = snprintf(path, sizeof path, "%s", mjcf_path);
  } else {
    /* the task names its MJCF relative to itself */
    const char *slash = strrchr(task_path, '/');
    const char *file = task_model_file(em->task);
    if (file[0] == '/' || !slash)
      n = snprintf(path, sizeof path, "%s", file);
    else
      n = snprintf(path, sizeof path, "%.*s/%s", (int)(slash - task_path), task_path, file);
  }
  if (n < 0 || n >= (int)sizeof path) {
    err_set(err, "model path is too long (%d characters; the limit is %d)", n,
            (int)sizeof path - 1);
    goto fail;
  }
  uint8_t *bytes;
  size_t nb;
  char why[ERR_LEN];
  if (read_file(path, &bytes, &nb, why) != 0) {
    err_set(err, "cannot open model file %s (named by %s): %s", path, task_path, why);
    goto fail;
  }
  em->mjcf_hash = env_hash_bytes(bytes, nb);
  free(bytes);
  if (expect_hash && em->mjcf_hash != expect_hash) {
    err_set(err, "model %s changed since the checkpoint was trained on it (hash %016llx, "
            "recorded %016llx): restore the file it was trained with", path,
            (unsigned long long)em->mjcf_hash, (unsigned long long)expect_hash);
    goto fail;
  }
  /* the recorded form: relative to the models directory for a built-in model, or to the
   * tree above it (the source tree, in a build) for a model inside that, so the committed
   * checkpoints load from any clone; absolute otherwise */
  char abs[PATH_MAX], dir[PATH_MAX], src[PATH_MAX];
  const char *p = realpath(path, abs) ? abs : path;
  size_t nd = model_roots(dir, src) == 0 ? strlen(dir) : 0;
  size_t ns = nd ? strlen(src) : 0;
  if (nd && strncmp(p, dir, nd) == 0 && p[nd] == '/' && !strchr(p + nd + 1, '/')) {
    em->builtin = ENV_MJCF_BUILTIN;
    em->mjcf = xstrdup(p + nd + 1);
  } else if (ns && strncmp(p, src, ns) == 0 && p[ns] == '/') {
    em->builtin = ENV_MJCF_SOURCE; /* e.g. docs/robots/crawler.xml of a committed run */
    em->mjcf = xstrdup(p + ns + 1);
  } else {
    em->mjcf = xstrdup(p);
  }
  if (load_mjcf(em, path, err) != 0) goto fail;
  if (task_resolve(em->task, em->mj, path, err) != 0) goto fail;
  em->frame_skip = task_frame_skip(em->task);
  em->max_steps = task_time_limit(em->task);
  em->dt = em->mj->opt.timestep * em->frame_skip;
  em->obs_dim = task_obs_dim(em->task);
  em->act_dim = task_act_dim(em->task);
  em->act_low = xcalloc((size_t)em->act_dim, sizeof(float));
  em->act_high = xcalloc((size_t)em->act_dim, sizeof(float));
  task_action_bounds(em->task, em->act_low, em->act_high);
  /* a trial instance, so a model MuJoCo cannot simulate fails here and not in a worker */
  mjData *d = make_data_guarded(em->mj);
  if (!d || run_guarded(em->mj, d, CALL_FORWARD, 0) != 0) {
    err_set(err, "model %s cannot be simulated: MuJoCo error: %s", path, tl_message);
    if (d) mj_deleteData(d);
    goto fail;
  }
  mj_deleteData(d);
  *out = em;
  return 0;
fail:
  env_model_free(em);
  return -1;
}

/* Gymnasium's ids of the built-in robots */
static const char *const ALIASES[][2] = {{"HalfCheetah-v4", "half_cheetah"},
                                         {"Reacher-v4", "reacher"},
                                         {"Hopper-v4", "hopper"},
                                         {"Walker2d-v4", "walker2d"},
                                         {"Swimmer-v4", "swimmer"},
                                         {"InvertedPendulum-v4", "inverted_pendulum"},
                                         {"InvertedDoublePendulum-v4", "inverted_double_pendulum"},
                                         {"Ant-v4", "ant"},
                                         {"Humanoid-v4", "humanoid"},
                                         {"Pusher-v4", "pusher"}};
#define N_ALIASES (sizeof ALIASES / sizeof ALIASES[0])

const char *env_canonical(const char *name) {
  for (size_t i = 0; name && i < N_ALIASES; i++)
    if (strcmp(name, ALIASES[i][0]) == 0) return ALIASES[i][1];
  return name;
}

/* append ", name" (or name, to an empty list) to the list in buf, as far as it fits */
static void append_name(char *buf, size_t cap, const char *name) {
  size_t n = strlen(buf);
  if (n + 1 < cap) snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", name);
}

/* a task file path (not a built-in name): it holds a '/' or ends in .yaml / .yml */
static int is_path(const char *env) {
  size_t n = strlen(env);
  return strchr(env, '/') || (n > 5 && strcmp(env + n - 5, ".yaml") == 0) ||
         (n > 4 && strcmp(env + n - 4, ".yml") == 0);
}

int env_model_load(EnvModel **out, const char *env, const char *model_path, char *err) {
  *out = NULL;
  if (!env || !env[0]) return err_set(err, "no environment given (--env NAME or a task file)");
  env = env_canonical(env);
  if (strcmp(env, "toy") == 0) return load_toy(out, model_path, err);
  char path[1100];
  if (is_path(env)) {
    snprintf(path, sizeof path, "%s", env);
  } else {
    int known = 0;
    for (int i = 0; ENV_NAMES[i]; i++) known |= strcmp(env, ENV_NAMES[i]) == 0;
    if (!known) {
      /* the choices from the tables, so a new robot cannot be left out of the message */
      char names[ERR_LEN] = "", ids[ERR_LEN] = "";
      for (int i = 0; ENV_NAMES[i]; i++) append_name(names, sizeof names, ENV_NAMES[i]);
      for (size_t i = 0; i < N_ALIASES; i++) append_name(ids, sizeof ids, ALIASES[i][0]);
      return err_set(err, "unknown environment '%.80s' (choose a built-in: %s; a Gymnasium "
                     "id: %s; or the path of a task file; docs/robots.md)", env, names, ids);
    }
    char file[64];
    snprintf(file, sizeof file, "%s.yaml", env);
    paths_model_file(path, sizeof path, file);
  }
  uint8_t *text;
  size_t len;
  char why[ERR_LEN];
  if (read_file(path, &text, &len, why) != 0)
    return err_set(err, "%s (a task file; docs/robots.md)", why);
  int rc = load_task(out, env, path, (const char *)text, len, model_path, 0, err);
  free(text);
  return rc;
}

int env_model_load_record(EnvModel **out, const EnvRecord *rec, char *err) {
  *out = NULL;
  if (!rec->text) return env_model_load(out, rec->name, NULL, err);
  char path[PATH_MAX + 600], dir[PATH_MAX], root[PATH_MAX];
  if (rec->builtin == ENV_MJCF_BUILTIN)
    paths_model_file(path, sizeof path, rec->mjcf);
  else if (rec->builtin == ENV_MJCF_SOURCE && model_roots(dir, root) == 0)
    snprintf(path, sizeof path, "%s/%s", root, rec->mjcf);
  else
    snprintf(path, sizeof path, "%s", rec->mjcf);
  char label[600];
  snprintf(label, sizeof label, "%s (as recorded in the checkpoint)", rec->name);
  return load_task(out, rec->name, label, rec->text, rec->text_len, path, rec->mjcf_hash, err);
}

void env_model_free(EnvModel *m) {
  if (!m) return;
  if (m->mj) mj_deleteModel(m->mj);
  task_free(m->task);
  free(m->name);
  free(m->text);
  free(m->mjcf);
  free(m->act_low);
  free(m->act_high);
  free(m);
}

void env_model_record(const EnvModel *m, EnvRecord *out) {
  memset(out, 0, sizeof *out);
  out->name = m->name;
  out->text = m->text;
  out->text_len = m->text_len;
  out->mjcf = m->mjcf;
  out->builtin = m->builtin;
  out->mjcf_hash = m->mjcf_hash;
}

const void *env_model_mj(const EnvModel *m) { return m ? m->mj : NULL; }
const char *env_model_name(const EnvModel *m) { return m->name; }
const struct Task *env_model_task(const EnvModel *m) { return m->task; }
int env_model_obs_dim(const EnvModel *m) { return m->obs_dim; }
double env_model_dt(const EnvModel *m) { return m->dt; }
int env_model_max_steps(const EnvModel *m) { return m->max_steps; }
int env_model_act_dim(const EnvModel *m) { return m->act_dim; }
const float *env_model_act_low(const EnvModel *m) { return m->act_low; }
const float *env_model_act_high(const EnvModel *m) { return m->act_high; }
const char *env_model_obs_label(const EnvModel *m, int i) {
  return m->task ? task_obs_label(m->task, i) : "s";
}
const char *env_model_act_label(const EnvModel *m, int k) {
  return m->task ? task_act_label(m->task, k) : "a (s' = s + a)";
}
const char *env_model_description(const EnvModel *m) {
  if (m->toy) return "the 1-D toy task of the worked example";
  const char *d = task_description(m->task);
  return d ? d : "a task file without a description";
}
int env_model_track_body(const EnvModel *m) { return m->task ? task_track_body(m->task) : -1; }

/* ------------------------------------------------------------------------------------ */
/* instances                                                                              */

void env_init(Env *e, const EnvModel *m) {
  memset(e, 0, sizeof *e);
  e->model = m;
  e->name = m->name;
  e->obs_dim = m->obs_dim;
  e->act_dim = m->act_dim;
  e->max_steps = m->max_steps;
  e->frame_skip = m->frame_skip;
  e->dt = m->dt;
  e->act_low = m->act_low;
  e->act_high = m->act_high;
  if (m->mj) {
    e->scratch = xcalloc(task_scratch_size(m->task) + 1, sizeof(double));
    e->terms = xcalloc((size_t)task_n_rewards(m->task), sizeof(double));
    mjData *d = make_data_guarded(m->mj);
    if (!d) ddpg_fatal(__FILE__, __LINE__, "mj_makeData failed: %s", tl_message);
    e->data = d;
    /* valid kinematics before the first reset */
    if (run_guarded(m->mj, d, CALL_FORWARD, 0) != 0) e->unstable = 1;
  }
}

void env_init_randomized(Env *e, const EnvModel *m, const Randomization *r) {
  env_init(e, m);
  if (!randomize_active(r) || !m->mj) return;
  e->rand = r;
  e->own_mj = mj_copyModel(NULL, m->mj);
  if (!e->own_mj) ddpg_fatal(__FILE__, __LINE__, "mj_copyModel failed");
  e->hist_len = randomize_history(r);
  e->act_hist = xcalloc((size_t)e->hist_len * (size_t)m->act_dim, sizeof(float));
  e->act_eff = xcalloc((size_t)m->act_dim, sizeof(float));
}

const void *env_mj(const Env *e) { return e->own_mj ? e->own_mj : e->model->mj; }

void env_free(Env *e) {
  if (e->own_mj) mj_deleteModel(e->own_mj);
  free(e->act_hist);
  free(e->act_eff);
  if (e->data) mj_deleteData(e->data);
  free(e->scratch);
  free(e->terms);
  memset(e, 0, sizeof *e);
}

/* the task's observation (task.c, docs/robots.md) */
void env_observe(const Env *e, float *obs) {
  const EnvModel *em = e->model;
  if (em->toy)
    obs[0] = (float)e->toy_s;
  else
    task_observe(em->task, env_mj(e), e->data, obs);
}

/* the observation plus this episode's sensor noise: obs_i += sigma_i N(0, 1) */
static void observe_noisy(Env *e, float *obs) {
  env_observe(e, obs);
  const Randomization *r = e->rand;
  if (!r || !r->obs_sigma) return;
  for (int i = 0; i < e->obs_dim; i++)
    if (r->obs_sigma[i] > 0) obs[i] += (float)(r->obs_sigma[i] * rng_normal(&e->rand_rng));
}

void env_randomize_episode(Env *e) {
  rng_init(&e->rand_rng, e->rand_seed, 0);
  randomize_model(e->rand, e->model->mj, e->own_mj, e->data, &e->rand_rng);
}

/* the action the actuators get this step: the policy's of delay + U{0..jitter} steps ago
 * (zeros before the episode's first), plus sigma x half-range x N(0, 1) per entry */
static const float *effective_action(Env *e, const float *action) {
  const Randomization *r = e->rand;
  size_t A = (size_t)e->act_dim;
  memmove(e->act_hist + A, e->act_hist, sizeof(float) * A * (size_t)(e->hist_len - 1));
  memcpy(e->act_hist, action, sizeof(float) * A);
  int lag = r->delay + (r->jitter > 0 ? (int)rng_below(&e->rand_rng, (uint64_t)r->jitter + 1) : 0);
  memcpy(e->act_eff, e->act_hist + (size_t)lag * A, sizeof(float) * A);
  if (r->action_noise > 0)
    for (size_t k = 0; k < A; k++)
      e->act_eff[k] += (float)(r->action_noise * 0.5 * ((double)e->act_high[k] - e->act_low[k]) *
                               rng_normal(&e->rand_rng));
  return e->act_eff;
}

/* What mj_resetData leaves in d, without clearing the rest of the buffer. MuJoCo 2.2's
 * mj_resetData zeroes all of mjData's buffer, which holds the dense njmax x njmax
 * constraint matrix (2 MB with the default njmax 500): 27 us per reset, 0.55 us per reacher
 * step (50-step episodes), more than the env layer's own work. Everything else in the
 * buffer is computed by mj_forward / mj_step before it is read; the state (time, qpos,
 * qvel, act, ctrl, the warm start, applied forces, mocap, user data), the outputs of
 * mj_rnePostConstraint (which mj_forward leaves alone), the diagnostics and
 * the stack are set as mj_resetData sets them. Also undoes a stack an error left marked.
 * tests/test_env.c (test_reset_matches_mj_resetData) checks the bits against
 * mj_resetData on both robots. */
void env_clear_state(Env *e) {
  const mjModel *m = env_mj(e);
  mjData *d = e->data;
  d->pstack = 0;
  d->maxuse_stack = d->maxuse_con = d->maxuse_efc = 0;
  memset(d->warning, 0, sizeof d->warning);
  memset(d->timer, 0, sizeof d->timer);
  memset(d->solver, 0, sizeof d->solver);
  d->solver_iter = d->solver_nnz = 0;
  d->solver_fwdinv[0] = d->solver_fwdinv[1] = 0.0;
  d->ne = d->nf = d->nefc = d->ncon = 0;
  d->time = 0.0;
  d->energy[0] = d->energy[1] = 0.0;
  mju_copy(d->qpos, m->qpos0, m->nq);
  mju_zero(d->qvel, m->nv);
  mju_zero(d->act, m->na);
  mju_zero(d->qacc_warmstart, m->nv);
  mju_zero(d->ctrl, m->nu);
  mju_zero(d->qfrc_applied, m->nv);
  mju_zero(d->xfrc_applied, 6 * m->nbody);
  mju_zero(d->qacc, m->nv);
  mju_zero(d->act_dot, m->na);
  mju_zero(d->userdata, m->nuserdata);
  /* mj_rnePostConstraint's outputs: mj_forward does not recompute them, so without this a
   * reset observation would show the last episode's contact forces (Humanoid-v4 reads
   * cfrc_ext, all zero at reset since mj_resetData clears it) */
  mju_zero(d->cacc, 6 * m->nbody);
  mju_zero(d->cfrc_int, 6 * m->nbody);
  mju_zero(d->cfrc_ext, 6 * m->nbody);
  for (int b = 0; b < m->nbody; b++) {
    int id = m->body_mocapid[b];
    if (id < 0) continue;
    mju_copy3(d->mocap_pos + 3 * id, m->body_pos + 3 * b);
    mju_copy4(d->mocap_quat + 4 * id, m->body_quat + 4 * b);
  }
}

void env_reset(Env *e, Rng *rng, float *obs) {
  const EnvModel *em = e->model;
  e->t = 0;
  e->unstable = 0;
  if (em->toy) {
    e->toy_s = rng_range(rng, -TOY_BOUND, TOY_BOUND);
    env_observe(e, obs);
    return;
  }
  const mjModel *m = env_mj(e);
  mjData *d = e->data;
  if (e->rand) { /* this episode's parameters (they overwrite d's state: before the reset) */
    e->rand_seed = rng_u64(rng);
    env_randomize_episode(e);
    memset(e->act_hist, 0, sizeof(float) * (size_t)e->hist_len * (size_t)e->act_dim);
  }
  env_clear_state(e);
  task_reset(em->task, m, d, rng); /* the task's draws, in its order */
  int warned = warning_count(d);
  if (run_guarded(m, d, CALL_FORWARD, 0) != 0 || warning_count(d) != warned) e->unstable = 1;
  observe_noisy(e, obs);
}

void env_step(Env *e, const float *action, float *obs, EnvStep *out) {
  const EnvModel *em = e->model;
  memset(out, 0, sizeof *out);
  e->t++;
  out->truncated = e->t >= e->max_steps; /* the time limit: never a terminal state */

  if (em->toy) {
    /* s' = s + a, r = -(s')^2, with the action as given */
    e->toy_s += (double)action[0];
    out->reward = -(e->toy_s * e->toy_s);
    env_observe(e, obs);
    return;
  }

  const mjModel *m = env_mj(e);
  mjData *d = e->data;
  if (e->rand) action = effective_action(e, action);
  out->terms = e->terms;
  out->n_terms = task_n_rewards(em->task);
  if (e->unstable) {
    /* the episode already broke down: report it again without simulating */
    memset(e->terms, 0, (size_t)out->n_terms * sizeof(double));
    out->unstable = out->truncated = 1;
    observe_noisy(e, obs);
    return;
  }

  /* terms read before the action (positions for velocities; `when: before` terms read the
   * kinematics of the previous observation, as Reacher-v4 does) */
  task_before_step(em->task, m, d, action, e->scratch, e->terms);
  task_apply_action(em->task, d, action);
  int warned = warning_count(d);
  int failed = run_guarded(m, d, CALL_STEP, e->frame_skip);
  if (failed || warning_count(d) != warned || !state_finite(m, d)) {
    e->unstable = 1;
    out->unstable = out->truncated = 1;
  }
  /* cacc, cfrc_int, cfrc_ext, as Gymnasium computes them after stepping (never at reset) */
  if (!failed && task_needs_rne_post(em->task)) mj_rnePostConstraint(m, d);
  out->reward = task_after_step(em->task, m, d, action, e->scratch, e->terms, &out->terminated);
  observe_noisy(e, obs);
}
