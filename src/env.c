/* env: HalfCheetah-v4, Reacher-v4 and the toy task; see env.h and docs/environments.md.
 *
 * Each robot is described by a RobotSpec (names of the joints, bodies and actuators it
 * reads, frame skip, time limit). env_model_load compiles the MJCF once and resolves every
 * name to a qpos/qvel address, body id or actuator id, so the step reads no strings and a
 * user's model (--model) is accepted exactly when it has what the robot needs.
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
#include "env.h"

#include <errno.h>
#include <math.h>
#include <mujoco/mujoco.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "paths.h"
#include "util.h"

const char *const ENV_NAMES[] = {"half_cheetah", "reacher", "toy", NULL};

/* ------------------------------------------------------------------------------------ */
/* robots                                                                                 */

typedef enum { ROBOT_TOY, ROBOT_CHEETAH, ROBOT_REACHER } Robot;

#define SPEC_MAX_JOINTS 10

typedef struct {
  const char *name;
  Robot robot;
  const char *file;                        /* under DDPG_MODEL_DIR; NULL for toy */
  int frame_skip, max_steps, obs_dim, act_dim;
  const char *joints[SPEC_MAX_JOINTS];     /* every joint read, NULL-terminated */
  int joint_types[SPEC_MAX_JOINTS];        /* mjJNT_SLIDE / mjJNT_HINGE */
  const char *actuated[ENV_MAX_ACT];       /* joint driven by action k */
  const char *bodies[2];                   /* bodies whose xpos is read */
} RobotSpec;

/* joint indices into RobotSpec.joints */
enum { CH_ROOTX = 0, CH_ROOTZ, CH_ROOTY, CH_BTHIGH }; /* legs: CH_BTHIGH .. CH_BTHIGH + 5 */
enum { RE_JOINT0 = 0, RE_JOINT1, RE_TARGET_X, RE_TARGET_Y };
enum { RE_FINGERTIP = 0, RE_TARGET };

static const RobotSpec SPECS[] = {
    {"half_cheetah", ROBOT_CHEETAH, "half_cheetah.xml", 5, 1000, 17, 6,
     {"rootx", "rootz", "rooty", "bthigh", "bshin", "bfoot", "fthigh", "fshin", "ffoot", NULL},
     {mjJNT_SLIDE, mjJNT_SLIDE, mjJNT_HINGE, mjJNT_HINGE, mjJNT_HINGE, mjJNT_HINGE,
      mjJNT_HINGE, mjJNT_HINGE, mjJNT_HINGE},
     {"bthigh", "bshin", "bfoot", "fthigh", "fshin", "ffoot"},
     {NULL, NULL}},
    {"reacher", ROBOT_REACHER, "reacher.xml", 2, 50, 11, 2,
     {"joint0", "joint1", "target_x", "target_y", NULL},
     {mjJNT_HINGE, mjJNT_HINGE, mjJNT_SLIDE, mjJNT_SLIDE},
     {"joint0", "joint1"},
     {"fingertip", "target"}},
    {"toy", ROBOT_TOY, NULL, 1, 20, 1, 1, {NULL}, {0}, {NULL}, {NULL, NULL}},
};
static const int N_SPECS = (int)(sizeof SPECS / sizeof SPECS[0]);

#define TOY_BOUND 1.0 /* toy action bounds and initial-state range */

/* half_cheetah constants (Gymnasium defaults) */
#define CHEETAH_RUN_WEIGHT 1.0
#define CHEETAH_CTRL_WEIGHT 0.1
#define CHEETAH_NOISE 0.1
/* reacher constants */
#define REACHER_QPOS_NOISE 0.1
#define REACHER_GOAL_RADIUS 0.2
#define REACHER_QVEL_NOISE 0.005

struct EnvModel {
  const RobotSpec *spec;
  mjModel *mj;                   /* NULL for toy */
  double dt;                     /* opt.timestep * frame_skip */
  float act_low[ENV_MAX_ACT], act_high[ENV_MAX_ACT];
  int qadr[SPEC_MAX_JOINTS];     /* qpos address of spec->joints[i] */
  int vadr[SPEC_MAX_JOINTS];     /* qvel address of spec->joints[i] */
  int act_id[ENV_MAX_ACT];       /* actuator receiving action k */
  int body_id[2];                /* ids of spec->bodies */
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

static const char *joint_type_name(int t) { return t == mjJNT_SLIDE ? "slide" : "hinge"; }

/* resolve every name the robot reads; 0 or -1 + err naming what is missing */
static int resolve_names(EnvModel *em, const char *path, char *err) {
  const RobotSpec *s = em->spec;
  const mjModel *m = em->mj;
  for (int i = 0; s->joints[i]; i++) {
    int id = mj_name2id(m, mjOBJ_JOINT, s->joints[i]);
    if (id < 0)
      return err_set(err, "model %s has no joint named '%s' (%s needs it)", path,
                     s->joints[i], s->name);
    if (m->jnt_type[id] != s->joint_types[i])
      return err_set(err, "model %s: joint '%s' must be a %s joint for %s", path, s->joints[i],
                     joint_type_name(s->joint_types[i]), s->name);
    em->qadr[i] = m->jnt_qposadr[id];
    em->vadr[i] = m->jnt_dofadr[id];
  }
  for (int b = 0; b < 2 && s->bodies[b]; b++) {
    em->body_id[b] = mj_name2id(m, mjOBJ_BODY, s->bodies[b]);
    if (em->body_id[b] < 0)
      return err_set(err, "model %s has no body named '%s' (%s needs it)", path, s->bodies[b],
                     s->name);
  }
  /* actuators are found by the joint they drive: Gymnasium's reacher.xml leaves them
   * unnamed, and the action order is the robot's, not the file's */
  if (m->nu != s->act_dim)
    return err_set(err, "model %s has %d actuators; %s needs exactly %d (one motor per joint "
                   "it drives)", path, m->nu, s->name, s->act_dim);
  for (int k = 0; k < s->act_dim; k++) {
    int jid = mj_name2id(m, mjOBJ_JOINT, s->actuated[k]);
    if (jid < 0)
      return err_set(err, "model %s has no joint named '%s' (%s needs it)", path,
                     s->actuated[k], s->name);
    em->act_id[k] = -1;
    for (int a = 0; a < m->nu; a++)
      if (m->actuator_trntype[a] == mjTRN_JOINT && m->actuator_trnid[2 * a] == jid)
        em->act_id[k] = a;
    if (em->act_id[k] < 0)
      return err_set(err, "model %s has no actuator on joint '%s' (%s needs it)", path,
                     s->actuated[k], s->name);
    int a = em->act_id[k];
    if (!m->actuator_ctrllimited[a])
      return err_set(err, "model %s: the actuator on joint '%s' needs ctrllimited=\"true\" and "
                     "a ctrlrange (its bounds are the action bounds)", path, s->actuated[k]);
    em->act_low[k] = (float)m->actuator_ctrlrange[2 * a];
    em->act_high[k] = (float)m->actuator_ctrlrange[2 * a + 1];
    /* MuJoCo accepts nan and inf here; the bounds scale the actor and go into checkpoints */
    if (!(isfinite(em->act_low[k]) && isfinite(em->act_high[k]) &&
          em->act_low[k] < em->act_high[k]))
      return err_set(err, "model %s: the actuator on joint '%s' has ctrlrange [%g, %g]; it must "
                     "be finite (as float) with low < high", path, s->actuated[k],
                     m->actuator_ctrlrange[2 * a], m->actuator_ctrlrange[2 * a + 1]);
  }
  return 0;
}

int env_model_load(EnvModel **out, const char *name, const char *model_path, char *err) {
  *out = NULL;
  const RobotSpec *spec = NULL;
  for (int i = 0; i < N_SPECS; i++)
    if (name && strcmp(name, SPECS[i].name) == 0) spec = &SPECS[i];
  if (!spec)
    return err_set(err, "unknown environment '%s' (choose half_cheetah, reacher or toy)",
                   name ? name : "(null)");
  EnvModel *em = xcalloc(1, sizeof *em);
  em->spec = spec;
  if (spec->robot == ROBOT_TOY) {
    if (model_path) {
      free(em);
      return err_set(err, "toy has no MJCF model; --model applies to half_cheetah and reacher");
    }
    em->dt = 1.0;
    em->act_low[0] = (float)-TOY_BOUND;
    em->act_high[0] = (float)TOY_BOUND;
    *out = em;
    return 0;
  }

  env_install_mujoco_handlers();
  char path[1024];
  int len = model_path ? snprintf(path, sizeof path, "%s", model_path)
                       : paths_model_file(path, sizeof path, spec->file);
  if (len < 0 || len >= (int)sizeof path) {
    free(em);
    return err_set(err, "model path is too long (%d characters; the limit is %d)", len,
                   (int)sizeof path - 1);
  }
  /* a clear message for the common case; MuJoCo's own says "resource not found" */
  FILE *f = fopen(path, "rb");
  if (!f) {
    err_set(err, "cannot open model file %s: %s", path, strerror(errno));
    free(em);
    return -1;
  }
  fclose(f);

  char mjerr[ERR_LEN] = "";
  em->mj = mj_loadXML(path, NULL, mjerr, sizeof mjerr);
  env_install_mujoco_handlers(); /* the 2.2.2 compiler swaps the handlers while it runs */
  if (!em->mj) {
    char line[ERR_LEN];
    copy_one_line(line, sizeof line, mjerr[0] ? mjerr : "unknown error");
    err_set(err, "cannot load model %s: %s", path, line);
    free(em);
    return -1;
  }
  em->dt = em->mj->opt.timestep * spec->frame_skip;
  if (resolve_names(em, path, err) != 0) {
    env_model_free(em);
    return -1;
  }
  /* a trial instance, so a model MuJoCo cannot simulate fails here and not in a worker */
  mjData *d = make_data_guarded(em->mj);
  if (!d || run_guarded(em->mj, d, CALL_FORWARD, 0) != 0) {
    err_set(err, "model %s cannot be simulated: MuJoCo error: %s", path, tl_message);
    if (d) mj_deleteData(d);
    env_model_free(em);
    return -1;
  }
  mj_deleteData(d);
  *out = em;
  return 0;
}

void env_model_free(EnvModel *m) {
  if (!m) return;
  if (m->mj) mj_deleteModel(m->mj);
  free(m);
}

const void *env_model_mj(const EnvModel *m) { return m ? m->mj : NULL; }
const char *env_model_name(const EnvModel *m) { return m->spec->name; }
int env_model_obs_dim(const EnvModel *m) { return m->spec->obs_dim; }
int env_model_act_dim(const EnvModel *m) { return m->spec->act_dim; }
const float *env_model_act_low(const EnvModel *m) { return m->act_low; }
const float *env_model_act_high(const EnvModel *m) { return m->act_high; }
double env_model_dt(const EnvModel *m) { return m->dt; }
int env_model_max_steps(const EnvModel *m) { return m->spec->max_steps; }

/* ------------------------------------------------------------------------------------ */
/* instances                                                                              */

void env_init(Env *e, const EnvModel *m) {
  memset(e, 0, sizeof *e);
  const RobotSpec *s = m->spec;
  e->model = m;
  e->name = s->name;
  e->obs_dim = s->obs_dim;
  e->act_dim = s->act_dim;
  e->max_steps = s->max_steps;
  e->frame_skip = s->frame_skip;
  e->dt = m->dt;
  memcpy(e->act_low, m->act_low, sizeof e->act_low);
  memcpy(e->act_high, m->act_high, sizeof e->act_high);
  if (m->mj) {
    mjData *d = make_data_guarded(m->mj);
    if (!d) ddpg_fatal(__FILE__, __LINE__, "mj_makeData failed: %s", tl_message);
    e->data = d;
    /* valid kinematics before the first reset */
    if (run_guarded(m->mj, d, CALL_FORWARD, 0) != 0) e->unstable = 1;
  }
}

void env_free(Env *e) {
  if (e->data) mj_deleteData(e->data);
  memset(e, 0, sizeof *e);
}

/* docs/environments.md, "Observations" */
void env_observe(const Env *e, float *obs) {
  const EnvModel *em = e->model;
  switch (em->spec->robot) {
    case ROBOT_TOY: obs[0] = (float)e->toy_s; break;
    case ROBOT_CHEETAH: {
      const mjData *d = e->data;
      /* qpos of every joint but rootx (8), then qvel of all nine */
      for (int i = CH_ROOTZ; i < 9; i++) obs[i - CH_ROOTZ] = (float)d->qpos[em->qadr[i]];
      for (int i = 0; i < 9; i++) obs[8 + i] = (float)d->qvel[em->vadr[i]];
      break;
    }
    case ROBOT_REACHER: {
      const mjData *d = e->data;
      double q0 = d->qpos[em->qadr[RE_JOINT0]], q1 = d->qpos[em->qadr[RE_JOINT1]];
      obs[0] = (float)cos(q0);
      obs[1] = (float)cos(q1);
      obs[2] = (float)sin(q0);
      obs[3] = (float)sin(q1);
      obs[4] = (float)d->qpos[em->qadr[RE_TARGET_X]];
      obs[5] = (float)d->qpos[em->qadr[RE_TARGET_Y]];
      obs[6] = (float)d->qvel[em->vadr[RE_JOINT0]];
      obs[7] = (float)d->qvel[em->vadr[RE_JOINT1]];
      /* xpos as mj_step left it (stale by one RK4 stage), not refreshed: v4 does the same */
      const mjtNum *tip = d->xpos + 3 * em->body_id[RE_FINGERTIP];
      const mjtNum *goal = d->xpos + 3 * em->body_id[RE_TARGET];
      for (int k = 0; k < 3; k++) obs[8 + k] = (float)(tip[k] - goal[k]);
      break;
    }
  }
}

/* What mj_resetData leaves in d, without clearing the rest of the buffer. MuJoCo 2.2's
 * mj_resetData zeroes all of mjData's buffer, which holds the dense njmax x njmax
 * constraint matrix (2 MB with the default njmax 500): 27 us per reset, 0.55 us per reacher
 * step (50-step episodes), more than the env layer's own work. Everything else in the
 * buffer is computed by mj_forward / mj_step before it is read; the state (time, qpos,
 * qvel, act, ctrl, the warm start, applied forces, mocap, user data), the diagnostics and
 * the stack are set as mj_resetData sets them. Also undoes a stack an error left marked.
 * tests/test_env.c (test_reset_matches_mj_resetData) checks the bits against
 * mj_resetData on both robots. */
void env_clear_state(Env *e) {
  const mjModel *m = e->model->mj;
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
  if (em->spec->robot == ROBOT_TOY) {
    e->toy_s = rng_range(rng, -TOY_BOUND, TOY_BOUND);
    env_observe(e, obs);
    return;
  }
  const mjModel *m = em->mj;
  mjData *d = e->data;
  env_clear_state(e);
  if (em->spec->robot == ROBOT_CHEETAH) {
    /* qpos = qpos0 + U(-0.1, 0.1) on every entry (rootx too), then qvel = 0.1 N(0, 1) */
    for (int i = 0; i < m->nq; i++)
      d->qpos[i] = m->qpos0[i] + rng_range(rng, -CHEETAH_NOISE, CHEETAH_NOISE);
    for (int i = 0; i < m->nv; i++) d->qvel[i] = CHEETAH_NOISE * rng_normal(rng);
  } else {
    /* arm angles qpos0 + U(-0.1, 0.1); goal uniform on the open disc |g| < 0.2 */
    for (int i = 0; i < m->nq; i++)
      d->qpos[i] = m->qpos0[i] + rng_range(rng, -REACHER_QPOS_NOISE, REACHER_QPOS_NOISE);
    double gx, gy;
    do {
      gx = rng_range(rng, -REACHER_GOAL_RADIUS, REACHER_GOAL_RADIUS);
      gy = rng_range(rng, -REACHER_GOAL_RADIUS, REACHER_GOAL_RADIUS);
    } while (!(sqrt(gx * gx + gy * gy) < REACHER_GOAL_RADIUS));
    d->qpos[em->qadr[RE_TARGET_X]] = gx;
    d->qpos[em->qadr[RE_TARGET_Y]] = gy;
    /* small arm velocities; the target never moves */
    for (int i = 0; i < m->nv; i++)
      d->qvel[i] = rng_range(rng, -REACHER_QVEL_NOISE, REACHER_QVEL_NOISE);
    d->qvel[em->vadr[RE_TARGET_X]] = 0.0;
    d->qvel[em->vadr[RE_TARGET_Y]] = 0.0;
  }
  int warned = warning_count(d);
  if (run_guarded(m, d, CALL_FORWARD, 0) != 0 || warning_count(d) != warned) e->unstable = 1;
  env_observe(e, obs);
}

static double sum_squares(const float *a, int n) {
  double s = 0.0;
  for (int k = 0; k < n; k++) s += (double)a[k] * (double)a[k];
  return s;
}

void env_step(Env *e, const float *action, float *obs, EnvStep *out) {
  const EnvModel *em = e->model;
  memset(out, 0, sizeof *out);
  e->t++;
  out->truncated = e->t >= e->max_steps; /* the time limit: never a terminal state */

  if (em->spec->robot == ROBOT_TOY) {
    /* s' = s + a, r = -(s')^2, with the action as given */
    e->toy_s += (double)action[0];
    out->reward = -(e->toy_s * e->toy_s);
    env_observe(e, obs);
    return;
  }

  const mjModel *m = em->mj;
  mjData *d = e->data;
  if (e->unstable) {
    /* the episode already broke down: report it again without simulating */
    out->unstable = out->truncated = 1;
    env_observe(e, obs);
    return;
  }

  double x_before = 0.0;
  if (em->spec->robot == ROBOT_CHEETAH) {
    x_before = d->qpos[em->qadr[CH_ROOTX]];
  } else {
    /* Reacher-v4 takes the distance from the kinematics in d *before* this step, i.e. those
     * of the previous observation; the action does not affect this step's distance term */
    const mjtNum *tip = d->xpos + 3 * em->body_id[RE_FINGERTIP];
    const mjtNum *goal = d->xpos + 3 * em->body_id[RE_TARGET];
    double dx = tip[0] - goal[0], dy = tip[1] - goal[1], dz = tip[2] - goal[2];
    out->reward_dist = -sqrt(dx * dx + dy * dy + dz * dz);
  }

  /* the action goes to ctrl unclipped; MuJoCo clamps it to ctrlrange internally */
  for (int k = 0; k < em->spec->act_dim; k++) d->ctrl[em->act_id[k]] = (mjtNum)action[k];
  int warned = warning_count(d);
  int failed = run_guarded(m, d, CALL_STEP, e->frame_skip);
  if (failed || warning_count(d) != warned || !state_finite(m, d)) {
    e->unstable = 1;
    out->unstable = out->truncated = 1;
  }

  double ctrl = sum_squares(action, em->spec->act_dim); /* Σa² of the action as passed */
  if (em->spec->robot == ROBOT_CHEETAH) {
    double x_after = d->qpos[em->qadr[CH_ROOTX]];
    out->x_position = x_after;
    out->reward_run = CHEETAH_RUN_WEIGHT * (x_after - x_before) / e->dt;
    out->reward_ctrl = -CHEETAH_CTRL_WEIGHT * ctrl;
    out->reward = out->reward_run + out->reward_ctrl;
  } else {
    out->reward_ctrl = -ctrl;
    out->reward = out->reward_dist + out->reward_ctrl;
  }
  env_observe(e, obs);
}
