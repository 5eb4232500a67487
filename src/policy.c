/* policy: load the actor of a checkpoint for acting; see policy.h. */
#include "policy.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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
  r_u64s(&r, (uint64_t[4]){0}, 4, "learner rng");
  int64_t step = 0, skip;
  r_i64(&r, &step, "counters");
  for (int i = 0; i < 4; i++) r_i64(&r, &skip, "counters");
  double credit;
  r_f64(&r, &credit, "counters");
  r_f64(&r, &p->eval_return, "counters");
  if (r.bad) {
    agent_free(&p->agent);
    return err_set(err, "%s is not a readable checkpoint: %s", name, r.what);
  }
  p->step = (long)step;
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

void policy_act(Policy *p, const float *obs, float *act) {
  actor_act(&p->actor, obs, act);
}

int policy_env_load(const Policy *p, const char *model, EnvModel **m, char *err) {
  char why[ERR_LEN];
  EnvRecord rec = p->task;
  if (model) {
    rec.mjcf = model;
    rec.builtin = 0;
    rec.mjcf_hash = 0;
  }
  if (env_model_load_record(m, &rec, why) != 0)
    return err_set(err, "cannot load the robot the checkpoint was trained on: %s", why);
  if (env_model_obs_dim(*m) != p->agent.cfg.obs_dim ||
      env_model_act_dim(*m) != p->agent.cfg.act_dim) {
    err_set(err, "the checkpoint's actor takes %d observations and gives %d actions, but its "
            "task %s now has %d and %d", p->agent.cfg.obs_dim, p->agent.cfg.act_dim,
            p->env_name, env_model_obs_dim(*m), env_model_act_dim(*m));
    env_model_free(*m);
    *m = NULL;
    return -1;
  }
  return 0;
}

void policy_free(Policy *p) {
  free((char *)p->task.name);
  free((char *)p->task.text);
  free((char *)p->task.mjcf);
  agent_free(&p->agent);
  actor_free(&p->actor);
  memset(p, 0, sizeof *p);
}
