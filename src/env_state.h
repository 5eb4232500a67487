/* env_state: the complete dynamic state of an Env as a flat array of doubles, so a
 * checkpoint can stop a worker mid-episode and a resumed run continues bit for bit.
 *
 * Layout: t, time, toy_s, then for MuJoCo robots qpos (nq), qvel (nv), act (na), ctrl (nu),
 * qacc_warmstart (nv; the solver's warm start changes the next step's result) and xpos
 * (nbody x 3; Reacher reads the kinematics mj_step left behind, see docs/environments.md). */
#ifndef DDPG_ENV_STATE_H
#define DDPG_ENV_STATE_H

#include <stddef.h>

#include "env.h"

/* doubles in the state of e */
size_t env_state_size(const Env *e);

/* copy the state of e into out (env_state_size doubles) */
void env_get_state(const Env *e, double *out);

/* restore a state taken from an Env of the same model; 0, or -1 (e untouched) when `in`
 * cannot be such a state: the step count t is not a whole number in [0, max_steps] or the
 * simulation time is not finite (a checkpoint written by someone else) */
int env_set_state(Env *e, const double *in);

#endif
