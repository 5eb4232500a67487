/* task: a robot's task declared in a YAML file (docs/robots.md), compiled against its model.
 *
 * A task file names its MJCF and declares the control step, time limit, observation, action,
 * reward terms, termination and reset from a small fixed vocabulary of named terms. It is
 * read in two stages: task_parse checks the YAML against the vocabulary (keys, types,
 * ranges) without a model; task_resolve turns every joint, body, site, sensor and actuator
 * name into an address or id of the compiled mjModel, once. The per-step functions then
 * read only those indices: nothing is looked up by name while stepping.
 *
 * A Task is immutable after task_resolve and shared by every Env of a model. Per-episode
 * values a term keeps between the halves of a step (e.g. x before the step for a velocity)
 * live in the caller's scratch (task_scratch_size doubles, allocated at env_init). Every
 * error is one line "FILE:LINE: ENTRY: problem" in the caller's buffer. */
#ifndef DDPG_TASK_H
#define DDPG_TASK_H

#include <stddef.h>
#include <stdio.h>

#include "rng.h"

typedef struct Task Task;

/* parse and validate the YAML `text` (len bytes); name is the file name used in messages.
 * 0, or -1 + a one-line err naming the file, the entry (e.g. observation[2]) and the problem */
int task_parse(Task **out, const char *name, const char *text, size_t len, char *err);

/* the MJCF file the task names (`model:`), relative to the task file's directory */
const char *task_model_file(const Task *t);

/* resolve every name against the compiled model m (an mjModel*); mjcf names it in messages.
 * 0, or -1 + err (a name the model lacks, a term on the wrong kind of joint, bad ctrlrange) */
int task_resolve(Task *t, const void *m, const char *mjcf, char *err);

void task_free(Task *t);

/* the randomization its `randomize:` section declares, resolved (randomize.h; nothing
 * randomized without the section) */
const struct Randomization *task_randomization(const Task *t);

/* sizes and constants of a resolved task */
int task_obs_dim(const Task *t);
int task_act_dim(const Task *t);
int task_frame_skip(const Task *t);
int task_time_limit(const Task *t);        /* env steps per episode */
int task_track_body(const Task *t);        /* body id the viewer's camera follows */
int task_n_rewards(const Task *t);         /* reward terms (EnvStep.terms) */
int task_needs_rne_post(const Task *t);    /* a term reads cfrc_ext: mj_rnePostConstraint */
size_t task_scratch_size(const Task *t);   /* doubles of per-Env scratch */
void task_action_bounds(const Task *t, float *low, float *high); /* act_dim each */

/* which stale kinematics (left by the last mj_step) the task reads before a step, beyond
 * body positions: a checkpoint must keep them for a resumed episode to continue bit for bit */
enum { TASK_READS_SITE_XPOS = 1, TASK_READS_SUBTREE_COM = 2, TASK_READS_XIPOS = 4 };
int task_reads_before(const Task *t); /* a mask of TASK_READS_*; 0 for NULL */

/* label of observation entry i ("qpos rootz", "xpos fingertip - target [x]") and of reward
 * term k ("forward_velocity rootx") */
const char *task_obs_label(const Task *t, int i);
const char *task_reward_label(const Task *t, int k);
/* label of action entry k ("bthigh (gear 120)") */
const char *task_act_label(const Task *t, int k);
/* the task's description: text, or NULL */
const char *task_description(const Task *t);

/* the step, in the order env_step calls it (m: mjModel*, d: mjData*) */
/* terms read before the action: store them in scratch, write their values into terms */
void task_before_step(const Task *t, const void *m, const void *d, const float *action,
                      double *scratch, double *terms);
/* the action into d->ctrl (unclipped, as Gymnasium; MuJoCo clamps an internal copy) */
void task_apply_action(const Task *t, void *d, const float *action);
/* after the frame_skip mj_steps: the remaining terms and the reward total; *terminated from
 * the termination conditions (the healthy-bonus rule applied) */
double task_after_step(const Task *t, const void *m, const void *d, const float *action,
                       const double *scratch, double *terms, int *terminated);
/* the observation of the state in d (obs_dim floats), as it is: no kinematics refreshed */
void task_observe(const Task *t, const void *m, const void *d, float *obs);
/* draw the initial state into d (whose state is qpos0, qvel 0 on entry) */
void task_reset(const Task *t, const void *m, void *d, Rng *rng);
/* the termination conditions on the state in d: 1 when all hold (or there are none) */
int task_healthy(const Task *t, const void *m, const void *d);

/* print the resolved task's layout for `ddpg task`: observation entries, action entries
 * with bounds, dt, time limit, reward terms with weights, termination and reset */
void task_describe(const Task *t, const void *m, FILE *f);

#endif
