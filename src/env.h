/* env: a robot's task (a task file, models/NAME.yaml for the built-ins of ENV_NAMES; see
 * task.h and docs/robots.md) through the MuJoCo C API, plus `toy`, the 1-D task of the
 * worked example, which stays in C.
 *
 * An EnvModel is immutable and shared by every instance of a robot (it owns the mjModel and
 * the compiled task); an Env owns one mjData and its scratch, so each rollout worker owns its
 * own Env. Observations reach the networks as float; rewards are computed in double. The
 * built-in tasks reproduce Gymnasium's v4 environments exactly (HalfCheetah, Reacher,
 * Hopper, Walker2d, Swimmer, InvertedPendulum; see docs/environments.md). */
#ifndef DDPG_ENV_H
#define DDPG_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"

typedef struct EnvModel EnvModel; /* opaque, immutable after env_model_load */

typedef struct {
  double reward;        /* total reward of the step: the sum of terms */
  const double *terms;  /* n_terms weighted reward terms in the task's order (the Env's own
                           buffer, valid until its next step); toy: none */
  int n_terms;
  int terminated;       /* true terminal state (a termination condition failed) */
  int truncated;        /* time limit reached, or the simulation went unstable */
  int unstable;         /* a MuJoCo warning fired (bad qacc, ...); truncated is set too */
} EnvStep;

typedef struct {
  const EnvModel *model;
  void *data;           /* mjData* (NULL for toy) */
  const char *name;     /* the env as loaded: "half_cheetah", a task file path, "toy" */
  int obs_dim, act_dim;
  int max_steps;        /* time limit in env steps */
  int frame_skip;
  double dt;            /* seconds per env step */
  const float *act_low, *act_high; /* act_dim each, from actuator_ctrlrange (the model's) */
  int t;                /* steps taken in the current episode */
  double toy_s;         /* toy state */
  double *scratch;      /* values a task keeps across a step (task_scratch_size) */
  double *terms;        /* reward terms of the last step (task_n_rewards) */
  int unstable;         /* a MuJoCo error or warning (or a non-finite state) ended the current
                           episode: further steps report unstable + truncated without
                           simulating; cleared by env_reset */
} Env;

enum { ENV_MJCF_ABSOLUTE = 0, ENV_MJCF_BUILTIN = 1, ENV_MJCF_SOURCE = 2 };

/* where a model's task came from, as a checkpoint records it (docs/robots.md) */
typedef struct {
  const char *name;     /* the env as given: a built-in name or a task file path */
  const char *text;     /* the task file's text (NULL for toy) */
  size_t text_len;
  const char *mjcf;     /* the MJCF loaded: relative to the models directory (builtin
                           ENV_MJCF_BUILTIN) or to the source tree (ENV_MJCF_SOURCE), so
                           committed checkpoints load in any clone; else an absolute path */
  int builtin;          /* ENV_MJCF_ABSOLUTE, ENV_MJCF_BUILTIN or ENV_MJCF_SOURCE */
  uint64_t mjcf_hash;   /* FNV-1a of the MJCF file's bytes */
} EnvRecord;

/* the built-in robots, NULL-terminated (models/NAME.yaml, and toy) */
extern const char *const ENV_NAMES[];

/* load the shared model of `env`: a built-in name (models/NAME.yaml, or toy) or the path of a
 * task file (a name with a '/' or ending in .yaml). model_path, when not NULL, is an MJCF file
 * loaded instead of the one the task names. Returns 0, or -1 with a one-line message in err
 * (unknown name, unreadable or invalid task file, MuJoCo's parse error, a joint/body/...
 * the task names missing from the model). */
int env_model_load(EnvModel **out, const char *env, const char *model_path, char *err);

/* the built-in name of a Gymnasium id (HalfCheetah-v4 -> half_cheetah, Reacher-v4 ->
 * reacher); any other name is returned as it is. env_model_load and the configuration accept
 * either spelling and record the built-in one */
const char *env_canonical(const char *name);

/* load the model a checkpoint recorded: the task from rec->text (never the file, which may
 * have been edited since), the MJCF from rec->mjcf, refused when its bytes no longer hash to
 * rec->mjcf_hash. 0 or -1 + err */
int env_model_load_record(EnvModel **out, const EnvRecord *rec, char *err);
void env_model_free(EnvModel *m);

/* the record of a loaded model (pointers into m) */
void env_model_record(const EnvModel *m, EnvRecord *out);

/* the mjModel* of a model (NULL for toy) */
const void *env_model_mj(const EnvModel *m);

/* the compiled task (NULL for toy) */
const struct Task *env_model_task(const EnvModel *m);

/* what every instance of the model shares, read from the model itself (no instance needed):
 * the robot's name (the env as given), observation and action sizes, action bounds (act_dim
 * floats each), seconds per env step and time limit in steps */
const char *env_model_name(const EnvModel *m);
double env_model_dt(const EnvModel *m);
int env_model_max_steps(const EnvModel *m);
int env_model_obs_dim(const EnvModel *m);
int env_model_act_dim(const EnvModel *m);
const float *env_model_act_low(const EnvModel *m);
const float *env_model_act_high(const EnvModel *m);

/* name of observation entry i ("qpos rootz (m)"; toy: "s") and action entry k */
const char *env_model_obs_label(const EnvModel *m, int i);
const char *env_model_act_label(const EnvModel *m, int k);

/* one line saying what the task is (its description, or "task file NAME") */
const char *env_model_description(const EnvModel *m);

/* the body the viewer's camera follows (the task's track_body; -1 for toy) */
int env_model_track_body(const EnvModel *m);

/* FNV-1a 64 of n bytes (the MJCF hash of EnvRecord) */
uint64_t env_hash_bytes(const void *p, size_t n);

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
