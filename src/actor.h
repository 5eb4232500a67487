/* actor: the deterministic action a = μθ(s) for one observation, as rollout workers,
 * evaluation and `ddpg act` compute it: through Infer (transposed weights, vectorized,
 * bit-identical to agent_act) for plain networks, through agent_act otherwise. */
#ifndef DDPG_ACTOR_H
#define DDPG_ACTOR_H

#include "ddpg.h"
#include "infer.h"

typedef struct {
  const Agent *ag;        /* shape, action scaling */
  int fast;               /* 1: Infer path */
  Infer infer;            /* fast path: the loaded parameters, transposed */
  const float *params;    /* slow path: the slab acted with (not owned) */
  float *scratch;         /* slow path: agent_act scratch */
} Actor;

/* set up acting for ag's actor shape; load parameters before acting */
void actor_init(Actor *a, const Agent *ag);

/* release; accepts a zeroed struct */
void actor_free(Actor *a);

/* act with this actor slab from now on (the fast path copies it; the slow path keeps the
 * pointer, which must stay valid) */
void actor_load(Actor *a, const float *params);

/* a = center + scale · μ(obs) */
void actor_act(Actor *a, const float *obs, float *act);

#endif
