/* actor: single-observation acting; see actor.h. */
#include "actor.h"

#include <string.h>

#include "util.h"

void actor_init(Actor *a, const Agent *ag) {
  memset(a, 0, sizeof *a);
  a->ag = ag;
  a->fast = infer_supports(&ag->actor);
  if (a->fast)
    infer_init(&a->infer, &ag->actor);
  else
    a->scratch = xcalloc((size_t)agent_infer_scratch_len(ag), sizeof(float));
}

void actor_free(Actor *a) {
  if (a->fast) infer_free(&a->infer);
  free(a->scratch);
  memset(a, 0, sizeof *a);
}

void actor_load(Actor *a, const float *params) {
  if (a->fast)
    infer_load(&a->infer, params);
  else
    a->params = params;
}

void actor_act(Actor *a, const float *obs, float *act) {
  if (!a->fast) {
    agent_act(a->ag, a->params, obs, act, a->scratch);
    return;
  }
  infer_run(&a->infer, obs, act);
  /* the same scaling as agent_act: a = center + scale · u */
  for (int j = 0; j < a->ag->cfg.act_dim; j++)
    act[j] = a->ag->act_center[j] + a->ag->act_scale[j] * act[j];
}
