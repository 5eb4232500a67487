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
  float *bounds;
  EnvRecord rec;
  if (checkpoint_parse(buf, len, name, &r, &cfg, &S, &A, &bounds, &rec, &p->version, &p->crc,
                       err) != 0)
    return -1;
  AgentConfig ac;
  config_agent(&cfg, S, A, bounds, bounds + A, &ac);
  ac.batch = 1; /* acting only */
  Rng rng;
  rng_init(&rng, 0, 0);
  agent_init(&p->agent, &ac, &rng);
  free(bounds);
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
  /* the record's strings point into buf: keep copies */
  p->task.name = xstrdup(p->env_name);
  if (rec.text) {
    p->task.text = xmemdup(rec.text, rec.text_len);
    p->task.text_len = rec.text_len;
    p->task.mjcf = xstrdup(rec.mjcf);
    p->task.builtin = rec.builtin;
    p->task.mjcf_hash = rec.mjcf_hash;
  } else if (p->model_path[0]) {
    p->task.mjcf = xstrdup(p->model_path);
  }
  actor_init(&p->actor, &p->agent);
  actor_load(&p->actor, p->agent.actor.params);
  return 0;
}

int policy_model_load(const Policy *p, const char *path, const char *env_name,
                      const char *model, EnvModel **out, char *err) {
  *out = NULL;
  if (env_name) env_name = env_canonical(env_name);
  if (env_name && strcmp(env_name, p->env_name) != 0)
    return err_set(err, "%s was trained on %s, not %s (drop --env, or pass a checkpoint of "
                   "%s)", path, p->env_name, env_name, env_name);
  EnvRecord rec = p->task;
  if (model) { /* --model: another MJCF, deliberately (no hash check) */
    rec.mjcf = model;
    rec.builtin = 0;
    rec.mjcf_hash = 0;
  }
  char why[ERR_LEN];
  EnvModel *m;
  if (env_model_load_record(&m, &rec, why) != 0)
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
  free((char *)p->task.name);
  free((char *)p->task.text);
  free((char *)p->task.mjcf);
  agent_free(&p->agent);
  actor_free(&p->actor);
  memset(p, 0, sizeof *p);
}
