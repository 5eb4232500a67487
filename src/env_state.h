/* env_state: the complete dynamic state of an Env as a flat array of doubles, so a
 * checkpoint can stop a worker mid-episode and a resumed run continues bit for bit.
 *
 * Layout: t, time, toy_s, then for MuJoCo robots qpos (nq), qvel (nv), act (na), ctrl (nu),
 * qacc_warmstart (nv; the solver's warm start changes the next step's result) and xpos
 * (nbody x 3; Reacher reads the kinematics mj_step left behind, see docs/environments.md),
 * then site_xpos (nsite x 3), subtree_com (nbody x 3) and xipos (nbody x 3) when the task
 * reads them before a step (task_reads_before). */
#ifndef DDPG_ENV_STATE_H
#define DDPG_ENV_STATE_H

#include <stddef.h>

#include "env.h"
#include "serial.h"

/* doubles in the state of e */
size_t env_state_size(const Env *e);

/* copy the state of e into out (env_state_size doubles) */
void env_get_state(const Env *e, double *out);

/* restore a state taken from an Env of the same model; 0, or -1 (e untouched) when `in`
 * cannot be such a state: the step count t is not a whole number in [0, max_steps] or the
 * simulation time is not finite (a checkpoint written by someone else) */
int env_set_state(Env *e, const double *in);

/* the task record of a checkpoint (docs/robots.md, "Checkpoints"): the env name, the task
 * file's full text, the MJCF path (relative to the models directory for a built-in model)
 * and the FNV-1a hash of its bytes. Toy records its name only. */
void env_record_write(Writer *w, const EnvModel *m);

/* read a record written by env_record_write; its strings point into r's buffer (which must
 * outlive rec). 0, or -1 with the failure latched in r */
int env_record_read(Reader *r, EnvRecord *rec);

#endif
