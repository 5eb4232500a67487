/* randomize: domain randomization of a robot, drawn per episode (docs/sim2real.md).
 *
 * A Randomization says which model parameters are scaled and by how much (body masses, geom
 * friction, joint damping and armature, actuator gain; centre-of-mass offsets in metres),
 * the Gaussian noise added to each observation entry, the delay (plus jitter) in control
 * steps between the policy's action and the actuators, and the Gaussian noise added to the
 * applied action. A task file declares one in its `randomize:` section (task.c parses and
 * resolves it to element ids); `ddpg train --randomize` overrides it entry by entry
 * (randomize_apply_flag); `ddpg robustness` builds one value at a time.
 *
 * The shared mjModel stays immutable: an Env with a Randomization owns a private copy
 * (mj_copyModel at env_init) whose changed arrays randomize_model rewrites from the nominal
 * model at each reset, then calls mj_setConst when a derived quantity depends on them
 * (masses, inertias and armature: body_subtreemass, dof_invweight0, ...). Every draw comes
 * from the Rng the caller passes (the Env's per-episode stream, seeded from the worker's). */
#ifndef DDPG_RANDOMIZE_H
#define DDPG_RANDOMIZE_H

#include <stddef.h>
#include <stdio.h>

#include "rng.h"

typedef enum {
  RAND_MASS,      /* body_mass and body_inertia x s, per body */
  RAND_FRICTION,  /* geom_friction (slide, spin, roll) x s, per geom */
  RAND_DAMPING,   /* dof_damping x s, per dof of the joints */
  RAND_ARMATURE,  /* dof_armature x s, per dof of the joints */
  RAND_GAIN,      /* actuator gainprm[0..2] and biasprm[0..2] x s, per actuator */
  RAND_COM,       /* body_ipos + U(lo, hi) metres per axis, per body */
  RAND_N_PARAMS
} RandKind;

/* the keys of the YAML section and of --randomize, in RandKind order */
extern const char *const RAND_KEYS[RAND_N_PARAMS];
/* what each parameter's names are: "bodies", "geoms", "joints", "joints", "actuators", "bodies" */
extern const char *const RAND_ELEMENTS[RAND_N_PARAMS];

typedef struct {
  int on;
  double lo, hi;      /* scale range (RAND_COM: offset range in metres); lo <= hi */
  int n;              /* elements drawn */
  int *ids;           /* body / geom / dof / dof / actuator / body ids (n) */
} RandParam;

typedef struct Randomization {
  RandParam p[RAND_N_PARAMS];
  int obs_dim;
  double *obs_sigma;  /* obs_dim sigmas (0 for an entry without noise), or NULL: none */
  int delay, jitter;  /* the action applied is the one of delay + U{0..jitter} steps ago */
  double action_noise; /* sigma, times the action half-range, added to the applied action */
} Randomization;

/* 1 when r changes anything (a NULL r changes nothing) */
int randomize_active(const Randomization *r);

/* free what r owns and zero it (a zeroed r is fine) */
void randomize_free(Randomization *r);

/* deep copy of src into dst (dst is overwritten, not freed) */
void randomize_copy(Randomization *dst, const Randomization *src);

/* check a range for parameter k: lo <= hi, finite, scales >= 0 (mass and gain > 0);
 * 0, or -1 + err (prefixed with `where`) */
int randomize_check_range(RandKind k, double lo, double hi, const char *where, char *err);

/* check the delay against the episode: 0 <= delay, 0 <= jitter, delay + jitter < max_steps */
int randomize_check_delay(int delay, int jitter, int max_steps, const char *where, char *err);

/* set parameter k to [lo, hi] over every element of its kind in model m (an mjModel*;
 * bodies but the world); the range must have passed randomize_check_range */
void randomize_set_all(Randomization *r, RandKind k, double lo, double hi, const void *m);

/* observation noise of one sigma on every entry (sigma 0: none) */
void randomize_set_obs_noise(Randomization *r, int obs_dim, double sigma);

/* override r by a --randomize value: "none" (nothing randomized), or comma-separated
 * KEY=LO:HI or KEY=V (a fixed value) for the scale keys over every element, and
 * obs_noise=SIGMA, delay=K, jitter=J, action_noise=SIGMA. 0, or -1 + err */
int randomize_apply_flag(Randomization *r, const char *spec, const void *m, int obs_dim,
                         int max_steps, char *err);

/* control steps of action history an Env keeps: delay + jitter + 1 */
int randomize_history(const Randomization *r);

/* one episode's parameters: copy the arrays r changes from nominal into own (both mjModel*,
 * own a copy of nominal), draw the scales from rng, and mj_setConst(own, d) (d an mjData*
 * of own, whose state it overwrites) when masses, centres of mass or armature changed */
void randomize_model(const Randomization *r, const void *nominal, void *own, void *d, Rng *rng);

/* print r as "key = value" lines for `ddpg task` and the train log */
void randomize_describe(const Randomization *r, const void *m, FILE *f);

#endif
