/* env: the robots (half_cheetah, reacher) through the MuJoCo C API, reproducing Gymnasium
 * HalfCheetah-v4 and Reacher-v4 exactly, plus `toy`, the 1-D task of the worked example.
 *
 * An EnvModel is immutable and shared by every instance of a robot (it owns the mjModel);
 * an Env owns one mjData, so each rollout worker owns its own Env. Observations reach the
 * networks as float; rewards are computed in double. See docs/environments.md. */
#ifndef DDPG_ENV_H
#define DDPG_ENV_H

#include <stddef.h>

#include "rng.h"

#define ENV_MAX_OBS 32
#define ENV_MAX_ACT 8

typedef struct EnvModel EnvModel; /* opaque, immutable after env_model_load */

typedef struct {
  double reward;        /* total reward of the step */
  double reward_run;    /* half_cheetah: forward term; 0 otherwise */
  double reward_dist;   /* reacher: -distance term; 0 otherwise */
  double reward_ctrl;   /* -(control cost), all robots */
  double x_position;    /* half_cheetah: qpos[0] after the step */
  int terminated;       /* true terminal state (never for these robots) */
  int truncated;        /* time limit reached, or the simulation went unstable */
  int unstable;         /* a MuJoCo warning fired (bad qacc, ...); truncated is set too */
} EnvStep;

typedef struct {
  const EnvModel *model;
  void *data;           /* mjData* (NULL for toy) */
  const char *name;     /* "half_cheetah", "reacher", "toy" */
  int obs_dim, act_dim;
  int max_steps;        /* time limit: 1000 / 50 / toy's */
  int frame_skip;
  double dt;            /* seconds per env step */
  float act_low[ENV_MAX_ACT], act_high[ENV_MAX_ACT]; /* from actuator_ctrlrange */
  int t;                /* steps taken in the current episode */
  double toy_s;         /* toy state */
  int unstable;         /* a MuJoCo error or warning (or a non-finite state) ended the current
                           episode: further steps report unstable + truncated without
                           simulating; cleared by env_reset */
} Env;

/* list of robot names, NULL-terminated */
extern const char *const ENV_NAMES[];

/* load the shared model of robot `name`, from `model_path` (an MJCF file) or, when NULL, from
 * the project's models/ directory. Returns 0, or -1 with a one-line message in err (unknown
 * name, missing file, MuJoCo's parse error, a joint/body/actuator the robot needs missing). */
int env_model_load(EnvModel **out, const char *name, const char *model_path, char *err);
void env_model_free(EnvModel *m);

/* the mjModel* of a model (NULL for toy) */
const void *env_model_mj(const EnvModel *m);

/* what every instance of the model shares, read from the model itself (no instance needed):
 * the robot's name, observation and action sizes, action bounds (act_dim floats each),
 * seconds per env step and time limit in steps */
const char *env_model_name(const EnvModel *m);
int env_model_obs_dim(const EnvModel *m);
int env_model_act_dim(const EnvModel *m);
const float *env_model_act_low(const EnvModel *m);
const float *env_model_act_high(const EnvModel *m);
double env_model_dt(const EnvModel *m);
int env_model_max_steps(const EnvModel *m);

/* create an instance over a shared model (allocates its mjData) */
void env_init(Env *e, const EnvModel *m);
void env_free(Env *e);

/* start an episode: draws the initial state from rng, writes obs (obs_dim floats) */
void env_reset(Env *e, Rng *rng, float *obs);

/* one env step with action (act_dim floats, passed to ctrl unclipped as Gymnasium does);
 * writes the next observation and the step's outcome */
void env_step(Env *e, const float *action, float *obs, EnvStep *out);

/* the observation of the current state of e (what env_reset / env_step write), for code that
 * sets the state directly (env_set_state, tests) */
void env_observe(const Env *e, float *obs);

/* put the mjData in the state mj_resetData leaves it in, without mj_resetData's clearing of
 * the whole buffer (env.c); env_reset uses it. Not for toy. */
void env_clear_state(Env *e);

/* install MuJoCo error/warning handlers (idempotent; env_model_load calls it). Errors
 * inside env calls become a failed load or an unstable episode; an error raised by a MuJoCo
 * call made outside env.c prints "ddpg: MuJoCo error: ..." and exits with status 1 */
void env_install_mujoco_handlers(void);

/* the last MuJoCo error or warning text seen by the calling thread ("" if none) */
const char *env_mujoco_message(void);

#endif
