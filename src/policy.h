/* policy: a trained deterministic actor loaded from a checkpoint, for the commands that use
 * one (eval, act, view, export). It carries what a user of the actor needs to know: the
 * robot it was trained on, the training step, the last evaluation return. */
#ifndef DDPG_POLICY_H
#define DDPG_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "ddpg.h"
#include "env.h"

typedef struct {
  Agent agent;            /* the full agent as checkpointed (actor used for acting) */
  char env_name[512];     /* robot the checkpoint was trained on */
  char model_path[512];   /* --model it was trained with ("" for the built-in model) */
  long step;              /* environment steps trained */
  long seed;              /* training seed */
  double eval_return;     /* last evaluation mean return (NAN if none) */
  uint32_t crc;           /* CRC-32 of the checkpoint file */
  Actor actor;            /* fast acting (bit-identical to agent_act) */
} Policy;

/* load the actor of checkpoint `path`; returns 0, or -1 with a one-line message in err
 * (missing, truncated, corrupt, wrong format version) */
int policy_load(Policy *p, const char *path, char *err);

/* the same from a checkpoint already in memory (name used in messages) */
int policy_load_mem(Policy *p, const uint8_t *buf, size_t len, const char *name, char *err);

/* the robot policy p acts on, loaded into *out: the checkpoint's robot (env_name, when not
 * NULL, must name the same one) with the MJCF model it was trained with (model, when not
 * NULL, replaces it), whose observation and action sizes must match the actor's. The
 * checkpoint is named `path` in messages. 0, or -1 + a one-line err */
int policy_model_load(const Policy *p, const char *path, const char *env_name,
                      const char *model, EnvModel **out, char *err);

/* deterministic action for one raw observation (obs_dim floats -> act_dim floats) */
void policy_act(Policy *p, const float *obs, float *act);

/* release; accepts a zeroed struct */
void policy_free(Policy *p);

#endif
