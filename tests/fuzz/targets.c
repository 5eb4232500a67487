/* targets: the fuzzed entry points, shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c,
 * built by -DDDPG_FUZZ=ON, run by scripts/fuzz.sh) and the regression test
 * (tests/test_regressions.c), so a crasher replays through exactly the code that found it.
 *
 * Each target takes one input of any bytes and returns 0 when the product accepted it, or -1
 * when it refused it with a message in err. What the product promises about bad input is
 * checked here and aborts when broken (fuzz_expect), which libFuzzer and Check both report
 * as a crash: a refusal comes with a non-empty one-line message, an accepted value is in
 * range and finite. Memory errors and undefined behaviour are the sanitizers' part.
 *
 *   checkpoint  policy_load_mem (what act, eval, view and export load) on the bytes as
 *               given, then with the CRC recomputed so mutations reach the parser behind it;
 *               a checkpoint that parses is also resumed (trainer_resume, toy only) and its
 *               workers take one step from the stored state
 *   model       env_model_load of the bytes as an MJCF file for reacher and half_cheetah,
 *               then the environment constructor, a reset and a few steps
 *   act_line    act_parse_line, `ddpg act`'s observation parser; the first byte picks the
 *               observation size
 *   args        the command-line parser of every subcommand with its real flag table: the
 *               first byte picks the subcommand, the rest is argv split at NUL bytes.
 *               train: args_parse over config_arg_specs and cmd_train's extra flags, then
 *               config_from_args, config_apply_preset and config_resolve as cmd_train does;
 *               every subcommand: its cmd_* function itself with "--help --help" appended,
 *               so its own table parses the arguments and it returns before doing any work
 *               (the second --help covers a first one taken as the value of a last flag) */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "config.h"
#include "env.h"
#include "policy.h"
#include "serial.h"
#include "checkpoint.h"
#include "trainer.h"
#include "util.h"

typedef int (*FuzzTarget)(const uint8_t *data, size_t n, char *err);

/* a broken promise: report and abort, so the fuzzer or the test sees a crash */
#define fuzz_expect(cond, ...)                                       \
  do {                                                               \
    if (!(cond)) {                                                   \
      fprintf(stderr, "fuzz: expectation failed: %s: ", #cond);      \
      fprintf(stderr, __VA_ARGS__);                                  \
      fputc('\n', stderr);                                           \
      abort();                                                       \
    }                                                                \
  } while (0)

/* a refusal's message: non-empty, one line, within ERR_LEN */
static void fuzz_expect_message(const char *err) {
  size_t n = strnlen(err, ERR_LEN);
  fuzz_expect(n > 0 && n < ERR_LEN, "refused without a message");
  fuzz_expect(!memchr(err, '\n', n), "message is not one line: %s", err);
}

/* ------------------------------------------------------------------------------------ */
/* a private scratch directory for the targets that need files                            */

static char fuzz_dir[64];

static void fuzz_dir_remove(void) {
  const char *names[] = {"model.xml", CHECKPOINT_NAME, "eval.csv", "progress.csv"};
  char p[128];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(p, sizeof p, "%s/%s", fuzz_dir, names[i]);
    unlink(p);
  }
  rmdir(fuzz_dir);
}

static const char *fuzz_scratch(void) {
  if (!fuzz_dir[0]) {
    snprintf(fuzz_dir, sizeof fuzz_dir, "/tmp/ddpg_fuzz_XXXXXX");
    DDPG_CHECK(mkdtemp(fuzz_dir) != NULL);
    atexit(fuzz_dir_remove);
  }
  return fuzz_dir;
}

static void fuzz_write(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  DDPG_CHECK(f != NULL);
  DDPG_CHECK(fwrite(data, 1, n, f) == n || n == 0);
  DDPG_CHECK(fclose(f) == 0);
}

/* ------------------------------------------------------------------------------------ */
/* checkpoint                                                                             */

/* load the actor and act once on a zero observation; 0 or -1 + err */
static int fuzz_policy(const uint8_t *buf, size_t n, char *err) {
  Policy p;
  if (policy_load_mem(&p, buf, n, "fuzz.ddpg", err) != 0) {
    fuzz_expect_message(err);
    return -1;
  }
  const AgentConfig *c = &p.agent.cfg;
  fuzz_expect(c->obs_dim >= 1 && c->obs_dim <= ENV_MAX_OBS && c->act_dim >= 1 &&
              c->act_dim <= ENV_MAX_ACT, "accepted dimensions %d x %d", c->obs_dim, c->act_dim);
  float obs[ENV_MAX_OBS] = {0}, act[ENV_MAX_ACT];
  policy_act(&p, obs, act);
  policy_free(&p);
  return 0;
}

/* resume a parsed checkpoint of the toy task (no MJCF file is read) and step every worker
 * once from its stored state; 0 or -1 + err */
static int fuzz_resume(const uint8_t *buf, size_t n, char *err) {
  Reader r;
  TrainConfig cfg;
  int S, A;
  float low[ENV_MAX_ACT], high[ENV_MAX_ACT];
  uint32_t crc;
  if (checkpoint_parse(buf, n, "fuzz.ddpg", &r, &cfg, &S, &A, low, high, &crc, err) != 0)
    return -1;
  /* keep each run small: a replay of at most 64 MB, a few workers, and no model file
   * (--model is the model target's job; a path from the input could name a device) */
  double replay_mb = (double)cfg.buffer_size * (2 * S + A + 2) * sizeof(float) / 1e6;
  if (strcmp(cfg.env, "toy") != 0 || cfg.model[0] || replay_mb > 64 || cfg.workers > 4) return 0;
  const char *dir = fuzz_scratch();
  char path[128];
  snprintf(path, sizeof path, "%s/%s", dir, CHECKPOINT_NAME);
  fuzz_write(path, buf, n);
  Trainer tr;
  /* as `--resume DIR --steps 1e10`: a finished run continues too */
  int rc = trainer_resume(&tr, dir, (long)1e10, err);
  if (rc == 0) {
    /* what the training loop relies on when it continues: counters that index workers and
     * bound loops, the fractional update credit (one update per unit), episode clocks */
    fuzz_expect(tr.count.env_steps >= 0 && tr.count.env_steps < tr.cfg.steps && tr.count.updates >= 0 &&
                tr.count.episodes >= 0 && tr.count.next_eval >= 0 && tr.count.next_ckpt >= 0,
                "accepted counters: steps %ld updates %ld episodes %ld next eval %ld next "
                "checkpoint %ld", tr.count.env_steps, tr.count.updates, tr.count.episodes, tr.count.next_eval,
                tr.count.next_ckpt);
    fuzz_expect(tr.count.update_credit >= 0.0 && tr.count.update_credit <= tr.cfg.updates_per_step + 1.0,
                "accepted update credit %g", tr.count.update_credit);
    for (int i = 0; i < tr.n_workers; i++) {
      Worker *w = &tr.workers[i];
      fuzz_expect(w->env.t >= 0 && w->env.t <= w->env.max_steps, "accepted episode clock %d",
                  w->env.t);
      float act[ENV_MAX_ACT] = {0}, obs[ENV_MAX_OBS];
      EnvStep st;
      env_step(&w->env, act, obs, &st);
    }
  } else {
    fuzz_expect_message(err);
  }
  trainer_free(&tr);
  return rc;
}

/* the result is that of the deepest load: with the CRC recomputed when the input starts
 * like a checkpoint, so a kept crasher means the same with or without a valid CRC */
static int fuzz_checkpoint(const uint8_t *data, size_t n, char *err) {
  int rc = fuzz_policy(data, n, err);
  /* the same bytes with a valid CRC-32 in the last four, so that mutations of the body
   * reach the parser instead of stopping at the checksum */
  if (n >= 16 && memcmp(data, "DDPGCKPT", 8) == 0) {
    uint8_t *fixed = xmalloc(n);
    memcpy(fixed, data, n);
    uint32_t crc = crc32_of(fixed, n - 4);
    memcpy(fixed + n - 4, &crc, 4);
    err[0] = 0;
    rc = fuzz_policy(fixed, n, err);
    if (rc == 0) rc = fuzz_resume(fixed, n, err);
    free(fixed);
  }
  return rc;
}

/* ------------------------------------------------------------------------------------ */
/* model                                                                                  */

static int fuzz_model(const uint8_t *data, size_t n, char *err) {
  static const char *const robots[] = {"reacher", "half_cheetah"};
  const char *dir = fuzz_scratch();
  char path[128];
  snprintf(path, sizeof path, "%s/model.xml", dir);
  fuzz_write(path, data, n);
  int accepted = 0;
  for (int k = 0; k < 2; k++) {
    EnvModel *m;
    if (env_model_load(&m, robots[k], path, err) != 0) {
      fuzz_expect_message(err);
      continue;
    }
    accepted = 1;
    Env e;
    env_init(&e, m);
    fuzz_expect(e.obs_dim >= 1 && e.obs_dim <= ENV_MAX_OBS, "obs_dim %d", e.obs_dim);
    /* the action bounds become the actor's output range and a checkpoint's bounds, which
     * the checkpoint loader requires finite and ordered */
    for (int j = 0; j < e.act_dim; j++)
      fuzz_expect(isfinite(e.act_low[j]) && isfinite(e.act_high[j]) &&
                  e.act_low[j] < e.act_high[j], "accepted action bounds [%g, %g]",
                  (double)e.act_low[j], (double)e.act_high[j]);
    Rng rng;
    rng_init(&rng, 1, 0);
    float obs[ENV_MAX_OBS], act[ENV_MAX_ACT];
    env_reset(&e, &rng, obs);
    for (int t = 0; t < 4; t++) {
      for (int j = 0; j < e.act_dim; j++) act[j] = t % 2 ? e.act_high[j] : e.act_low[j];
      EnvStep st;
      env_step(&e, act, obs, &st);
      if (!st.unstable)
        for (int i = 0; i < e.obs_dim; i++)
          fuzz_expect(isfinite(obs[i]), "stable step with a non-finite observation");
      if (st.truncated) env_reset(&e, &rng, obs);
    }
    env_free(&e);
    env_model_free(m);
  }
  return accepted ? 0 : -1;
}

/* ------------------------------------------------------------------------------------ */
/* act_line                                                                               */

static int fuzz_act_line(const uint8_t *data, size_t n, char *err) {
  if (n == 0) return err_set(err, "empty input");
  int dim = 1 + data[0] % ENV_MAX_OBS;
  char *line = xmalloc(n); /* exactly the line and its NUL: overreads are caught */
  memcpy(line, data + 1, n - 1);
  line[n - 1] = 0;
  float *out = xmalloc(sizeof(float) * (size_t)dim);
  int rc = act_parse_line(line, dim, out, err);
  if (rc == 0) {
    for (int i = 0; i < dim; i++)
      fuzz_expect(isfinite(out[i]), "accepted a non-finite observation value");
  } else {
    fuzz_expect(rc == -1, "returned %d", rc);
    fuzz_expect_message(err);
  }
  free(out);
  free(line);
  return rc;
}

/* ------------------------------------------------------------------------------------ */
/* args                                                                                   */

#define FUZZ_MAX_ARGS 32

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
} FuzzCommand;

static const FuzzCommand FUZZ_COMMANDS[] = {
    {"train", cmd_train}, {"eval", cmd_eval},     {"bench", cmd_bench},
    {"act", cmd_act},     {"view", cmd_view},     {"export", cmd_export},
    {"worked-example", cmd_worked_example},
};
#define FUZZ_N_COMMANDS ((int)(sizeof FUZZ_COMMANDS / sizeof FUZZ_COMMANDS[0]))

/* after a successful parse every numeric value given is a finite number within its range */
static void fuzz_expect_in_range(const ArgSpec *specs, int n) {
  for (int i = 0; i < n; i++) {
    const ArgSpec *s = &specs[i];
    if (!s->seen) continue;
    double v = s->type == ARG_INT    ? *(int *)s->dst
               : s->type == ARG_LONG ? (double)*(long *)s->dst
               : s->type == ARG_DOUBLE ? *(double *)s->dst
                                       : 0.0;
    if (s->type == ARG_INT || s->type == ARG_LONG || s->type == ARG_DOUBLE)
      fuzz_expect(isfinite(v) && v >= s->min && v <= s->max, "--%s = %g outside [%g, %g]",
                  s->name, v, s->min, s->max);
  }
}

/* train's flags at the library level: the table cmd_train builds, then the same checks */
static int fuzz_train_config(int argc, char **argv, char *err) {
  TrainConfig cfg;
  config_defaults(&cfg);
  int nf = config_n_fields();
  ArgSpec specs[80];
  const char *slots[80];
  DDPG_CHECK(nf + 3 <= 80);
  config_arg_specs(&cfg, specs, slots);
  const char *out = NULL, *resume = NULL;
  int quiet = 0;
  specs[nf] = (ArgSpec){.name = "out", .type = ARG_STRING, .dst = &out, .help = ""};
  specs[nf + 1] = (ArgSpec){.name = "resume", .type = ARG_STRING, .dst = &resume, .help = ""};
  specs[nf + 2] = (ArgSpec){.name = "quiet", .type = ARG_FLAG, .dst = &quiet, .help = ""};
  int rc = args_parse("train", "", specs, nf + 3, argc, argv, err);
  if (rc == 1) return 0;
  if (rc != 0) {
    fuzz_expect(rc == 2, "args_parse returned %d", rc);
    fuzz_expect_message(err);
    return -1;
  }
  fuzz_expect_in_range(specs, nf + 3);
  int seen[80] = {0};
  for (int i = 0; i < nf; i++) seen[i] = specs[i].seen;
  if (config_from_args(&cfg, specs, slots, err) != 0 ||
      config_apply_preset(&cfg, seen, err) != 0 || config_resolve(&cfg, err) != 0) {
    fuzz_expect_message(err);
    return -1;
  }
  float low[ENV_MAX_ACT], high[ENV_MAX_ACT];
  for (int j = 0; j < ENV_MAX_ACT; j++) low[j] = -1.0f, high[j] = 1.0f;
  AgentConfig ac;
  config_agent(&cfg, 17, 6, low, high, &ac);
  fuzz_expect(cfg.batch <= cfg.buffer_size, "batch %d > buffer %ld", cfg.batch,
              cfg.buffer_size);
  return 0;
}

static int fuzz_args(const uint8_t *data, size_t n, char *err) {
  if (n == 0) return err_set(err, "empty input");
  const FuzzCommand *cmd = &FUZZ_COMMANDS[data[0] % FUZZ_N_COMMANDS];
  /* argv: the rest split at NUL bytes, each argument in its own allocation */
  char *argv[FUZZ_MAX_ARGS + 3];
  int argc = 0;
  size_t pos = 1;
  while (pos < n && argc < FUZZ_MAX_ARGS) {
    const uint8_t *end = memchr(data + pos, 0, n - pos);
    size_t len = end ? (size_t)(end - (data + pos)) : n - pos;
    argv[argc] = xmalloc(len + 1);
    memcpy(argv[argc], data + pos, len);
    argv[argc][len] = 0;
    argc++;
    pos += len + 1;
  }
  int rc = 0;
  if (strcmp(cmd->name, "train") == 0) rc = fuzz_train_config(argc, argv, err);
  /* the subcommand itself: "--help --help" makes it return right after parsing */
  char help1[] = "--help", help2[] = "--help";
  argv[argc] = help1;
  argv[argc + 1] = help2;
  argv[argc + 2] = NULL;
  int status = cmd->run(argc + 2, argv);
  fflush(stdout);
  fuzz_expect(status == 0 || status == 2, "ddpg %s returned %d after parsing", cmd->name,
              status);
  for (int i = 0; i < argc; i++) free(argv[i]);
  if (status == 2 && rc == 0) rc = err_set(err, "ddpg %s refused its arguments", cmd->name);
  return rc;
}

/* ------------------------------------------------------------------------------------ */

typedef struct {
  const char *name; /* directory under tests/fuzz/ and tests/fuzz/crashers/ */
  FuzzTarget run;
} FuzzTargetInfo;

static const FuzzTargetInfo FUZZ_TARGETS[] = {
    {"checkpoint", fuzz_checkpoint},
    {"model", fuzz_model},
    {"act_line", fuzz_act_line},
    {"args", fuzz_args},
};
#define FUZZ_N_TARGETS ((int)(sizeof FUZZ_TARGETS / sizeof FUZZ_TARGETS[0]))

/* run target `name` on one input; 0 accepted, -1 refused (message in err) */
static int fuzz_one(const char *name, const uint8_t *data, size_t n, char *err) {
  err[0] = 0;
  for (int i = 0; i < FUZZ_N_TARGETS; i++)
    if (strcmp(FUZZ_TARGETS[i].name, name) == 0) return FUZZ_TARGETS[i].run(data, n, err);
  ddpg_fatal(__FILE__, __LINE__, "unknown fuzz target '%s'", name);
}
