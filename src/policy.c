/* policy: load the actor of a checkpoint for acting; see policy.h. */
#include "policy.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "checkpoint.h"
#include "config.h"
#include "trainer.h"
#include "util.h"

int policy_load(Policy *p, const char *path, char *err) {
  memset(p, 0, sizeof *p);
  uint8_t *buf;
  size_t len;
  char why[ERR_LEN];
  if (read_file(path, &buf, &len, why) != 0)
    return err_set(err, "%s (pass a checkpoint.ddpg written by ddpg train)", why);
  int rc = policy_load_mem(p, buf, len, path, err);
  free(buf);
  return rc;
}

int policy_load_mem(Policy *p, const uint8_t *buf, size_t len, const char *name, char *err) {
  memset(p, 0, sizeof *p);
  Reader r;
  TrainConfig cfg;
  int S, A;
  float low[ENV_MAX_ACT], high[ENV_MAX_ACT];
  if (checkpoint_parse(buf, len, name, &r, &cfg, &S, &A, low, high, &p->crc, err) != 0)
    return -1;
  AgentConfig ac;
  config_agent(&cfg, S, A, low, high, &ac);
  ac.batch = 1; /* acting only */
  Rng rng;
  rng_init(&rng, 0, 0);
  agent_init(&p->agent, &ac, &rng);
  agent_read(&r, &p->agent);
  TrainCounters count;
  checkpoint_read_learner(&r, NULL, &count, cfg.updates_per_step);
  if (r.bad) {
    agent_free(&p->agent);
    return err_set(err, "%s is not a readable checkpoint: %s", name, r.what);
  }
  p->step = count.env_steps;
  p->eval_return = count.last_eval;
  p->seed = cfg.seed;
  snprintf(p->env_name, sizeof p->env_name, "%s", cfg.env);
  snprintf(p->model_path, sizeof p->model_path, "%s", cfg.model);
  actor_init(&p->actor, &p->agent);
  actor_load(&p->actor, p->agent.actor.params);
  return 0;
}

int policy_model_load(const Policy *p, const char *path, const char *env_name,
                      const char *model, EnvModel **out, char *err) {
  *out = NULL;
  if (env_name && strcmp(env_name, p->env_name) != 0)
    return err_set(err, "%s was trained on %s, not %s (drop --env, or pass a checkpoint of "
                   "%s)", path, p->env_name, env_name, env_name);
  if (!model && p->model_path[0]) model = p->model_path;
  char why[ERR_LEN];
  EnvModel *m;
  if (env_model_load(&m, p->env_name, model, why) != 0)
    return err_set(err, "cannot load the robot %s was trained on: %s", path, why);
  int S = env_model_obs_dim(m), A = env_model_act_dim(m);
  if (p->agent.cfg.obs_dim != S || p->agent.cfg.act_dim != A) {
    env_model_free(m);
    return err_set(err, "%s takes %d observations and %d actions, the model has %d and %d",
                   path, p->agent.cfg.obs_dim, p->agent.cfg.act_dim, S, A);
  }
  *out = m;
  return 0;
}

void policy_act(Policy *p, const float *obs, float *act) {
  actor_act(&p->actor, obs, act);
}

void policy_free(Policy *p) {
  agent_free(&p->agent);
  actor_free(&p->actor);
  memset(p, 0, sizeof *p);
}
