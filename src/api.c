/* api: the public C API <ddpg/ddpg.h> over the library's modules: DdpgPolicy is a Policy,
 * ddpg_evaluate is `ddpg eval --checkpoint`, ddpg_train is `ddpg train --out` (the same flag
 * table, config.h). User errors come back in the caller's buffer, whatever its size. */
#include <ddpg/ddpg.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "eval.h"
#include "policy.h"
#include "trainer.h"
#include "util.h"
#include "version.h"

struct DdpgPolicy {
  Policy pol;
  EnvModel *model;   /* the robot it was trained on, loaded by the first ddpg_evaluate */
  char path[512];    /* the checkpoint's path, for messages */
};

/* copy an internal message (ERR_LEN) into the caller's buffer of err_len bytes */
static void err_out(char *err, size_t err_len, const char *msg) {
  if (err && err_len > 0) snprintf(err, err_len, "%s", msg);
}

DDPG_API const char *ddpg_version(void) { return version_string(); }

DDPG_API const char *ddpg_build(void) { return version_git(); }

DDPG_API DdpgPolicy *ddpg_policy_load(const char *path, char *err, size_t err_len) {
  DDPG_CHECK(path != NULL);
  char e[ERR_LEN];
  DdpgPolicy *p = xcalloc(1, sizeof *p);
  snprintf(p->path, sizeof p->path, "%s", path);
  if (policy_load(&p->pol, path, e) != 0) {
    err_out(err, err_len, e);
    free(p);
    return NULL;
  }
  return p;
}

DDPG_API void ddpg_policy_free(DdpgPolicy *p) {
  if (!p) return;
  env_model_free(p->model);
  policy_free(&p->pol);
  free(p);
}

DDPG_API int ddpg_policy_obs_dim(const DdpgPolicy *p) { return p->pol.agent.cfg.obs_dim; }

DDPG_API int ddpg_policy_act_dim(const DdpgPolicy *p) { return p->pol.agent.cfg.act_dim; }

DDPG_API const char *ddpg_policy_robot(const DdpgPolicy *p) { return p->pol.env_name; }

DDPG_API long ddpg_policy_steps(const DdpgPolicy *p) { return p->pol.step; }

DDPG_API void ddpg_policy_act(DdpgPolicy *p, const float *obs, float *act) {
  policy_act(&p->pol, obs, act);
}

static void act_fn(void *ctx, const float *obs, float *act) { policy_act(ctx, obs, act); }

DDPG_API int ddpg_evaluate(DdpgPolicy *p, int episodes, long long seed, DdpgEvalResult *out,
                           char *err, size_t err_len) {
  DDPG_CHECK(p != NULL && out != NULL);
  char e[ERR_LEN];
  memset(out, 0, sizeof *out);
  if (episodes < 1) {
    err_out(err, err_len, "ddpg_evaluate: episodes must be at least 1");
    return -1;
  }
  if (!p->model && policy_model_load(&p->pol, p->path, NULL, NULL, &p->model, e)) {
    err_out(err, err_len, e);
    return -1;
  }
  uint64_t s = seed < 0 ? (uint64_t)p->pol.seed + EVAL_SEED_OFFSET : (uint64_t)seed;
  EvalResult r;
  int rc = eval_policy(p->model, act_fn, &p->pol, episodes, s, &r, e);
  out->episodes = r.episodes;
  out->mean_return = r.mean_return;
  out->std_return = r.std_return;
  out->min_return = r.min_return;
  out->max_return = r.max_return;
  out->mean_length = r.mean_length;
  out->unstable_episodes = r.unstable_episodes;
  if (rc != 0) err_out(err, err_len, e);
  return rc;
}

#define API_MAX_FLAGS 80 /* the configuration's fields and --quiet */

DDPG_API int ddpg_train(const char *const *flags, int n_flags, const char *out_dir, char *err,
                        size_t err_len) {
  char e[ERR_LEN];
  if (!out_dir || !*out_dir) {
    err_out(err, err_len, "ddpg_train: out_dir must name the run's directory");
    return -1;
  }
  for (int i = 0; i < n_flags; i++)
    if (strcmp(flags[i], "--help") == 0 || strcmp(flags[i], "-h") == 0) {
      err_out(err, err_len, "ddpg_train: --help is for the command line (ddpg train --help "
                            "lists the flags)");
      return -1;
    }
  /* the flag table of `ddpg train` (config.h) and --quiet */
  TrainConfig cfg;
  config_defaults(&cfg);
  int nf = config_n_fields(), quiet = 0;
  DDPG_CHECK(nf + 1 <= API_MAX_FLAGS);
  ArgSpec specs[API_MAX_FLAGS];
  const char *slots[API_MAX_FLAGS];
  config_arg_specs(&cfg, specs, slots);
  specs[nf] = (ArgSpec){.name = "quiet", .type = ARG_FLAG, .dst = &quiet,
                        .help = "no progress output"};
  /* args_parse keeps pointers into flags and writes nothing through them */
  if (args_parse("train", "", specs, nf + 1, n_flags, (char **)flags, e) != 0 ||
      config_finish(&cfg, specs, slots, e) != 0) {
    err_out(err, err_len, e);
    return -1;
  }
  Trainer tr;
  int rc = trainer_init(&tr, &cfg, out_dir, e);
  if (rc == 0) {
    tr.log.quiet = quiet;
    rc = trainer_run(&tr, e); /* on the configuration's learner threads (trainer.h) */
  }
  if (rc != 0) err_out(err, err_len, rc == 3 ? "ddpg_train: stopped by a signal (checkpoint "
                                               "written)" : e);
  trainer_free(&tr);
  return rc;
}
