/* cmd_train: `ddpg train`, the product's main job: flags -> TrainConfig -> Trainer. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "blas.h"
#include "config.h"
#include "trainer.h"
#include "util.h"

static const char *SUMMARY =
    "Train a DDPG (or TD3) agent headless. Writes DIR/checkpoint.ddpg (atomically, every\n"
    "--checkpoint-every steps, at the end and on SIGINT/SIGTERM), DIR/eval.csv and\n"
    "DIR/progress.csv. Continue an interrupted run with --resume DIR.\n"
    "Extra flags: --out DIR (required for a new run), --resume DIR, --quiet.";

static void train_print_banner(const Trainer *tr) {
  if (tr->quiet) return;
  const TrainConfig *c = &tr->cfg;
  const Agent *ag = &tr->agent;
  fprintf(stderr, "[train] env %s  preset %s  steps %ld  seed %ld  workers %d (%s)\n", c->env,
          c->preset, c->steps, c->seed, c->workers,
          c->workers == 1 || c->sync ? "synchronous" : "asynchronous");
  fprintf(stderr, "[train] actor/critic %s  batch %d  gamma %g  tau %g  lr %g/%g  noise %s %g  "
          "start %ld%s\n", c->hidden, c->batch, c->gamma, c->tau, c->actor_lr, c->critic_lr,
          c->noise, c->noise_sigma, c->start_steps, c->twin ? "  twin critics" : "");
  fprintf(stderr, "[train] parameters: actor %zu, critic %zu x %d; replay %ld x %zu bytes\n",
          ag->actor.n_params, ag->critic[0].n_params, ag->n_critics, c->buffer_size,
          replay_bytes_per_transition(ag->cfg.obs_dim, ag->cfg.act_dim));
  blas_report(stderr, "[train] ");
}

int cmd_train(int argc, char **argv) {
  char err[ERR_LEN];
  TrainConfig cfg;
  config_defaults(&cfg);
  int nf = config_n_fields();
  ArgSpec specs[80];
  const char *slots[80];
  config_arg_specs(&cfg, specs, slots);
  const char *out = NULL, *resume = NULL;
  int quiet = 0;
  specs[nf] = (ArgSpec){.name = "out", .type = ARG_STRING, .dst = &out,
                        .help = "output directory of a new run"};
  specs[nf + 1] = (ArgSpec){.name = "resume", .type = ARG_STRING, .dst = &resume,
                            .help = "continue the run in this directory (--steps may extend it)"};
  specs[nf + 2] = (ArgSpec){.name = "quiet", .type = ARG_FLAG, .dst = &quiet,
                            .help = "no progress output"};
  int n = nf + 3;
  int rc = args_parse("train", SUMMARY, specs, n, argc, argv, err);
  if (rc == 1) return 0;
  if (rc == 2) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  Trainer tr;
  if (resume) {
    for (int i = 0; i < nf; i++)
      if (specs[i].seen && strcmp(specs[i].name, "steps") != 0) {
        fprintf(stderr, "ddpg train: --resume continues the stored configuration; only "
                "--steps may be given with it (got --%s)\n", specs[i].name);
        return 2;
      }
    if (out) {
      fprintf(stderr, "ddpg train: give either --out (new run) or --resume (continue), not both\n");
      return 2;
    }
    if (trainer_resume(&tr, resume, args_find(specs, n, "steps")->seen ? cfg.steps : 0, err)) {
      fprintf(stderr, "ddpg train: %s\n", err);
      trainer_free(&tr);
      return 2;
    }
    fprintf(stderr, "[train] resuming %s at step %ld of %ld\n", resume, tr.env_steps,
            tr.cfg.steps);
  } else {
    if (!out) {
      fprintf(stderr, "ddpg train: --out DIR is required (where the checkpoint and logs go)\n");
      return 2;
    }
    /* the preset sets only what was not given explicitly */
    int seen[80] = {0};
    for (int i = 0; i < nf; i++) seen[i] = specs[i].seen;
    if (config_from_args(&cfg, specs, slots, err) != 0 ||
        config_apply_preset(&cfg, seen, err) != 0 || config_resolve(&cfg, err) != 0) {
      fprintf(stderr, "ddpg train: %s\n", err);
      return 2;
    }
    if (trainer_init(&tr, &cfg, out, err) != 0) {
      fprintf(stderr, "ddpg train: %s\n", err);
      trainer_free(&tr);
      return 2;
    }
  }
  tr.quiet = quiet;
  trainer_install_signal_handlers();
  train_print_banner(&tr);
  rc = trainer_run(&tr, err);
  if (rc == -1) {
    fprintf(stderr, "ddpg train: %s\n", err);
    trainer_free(&tr);
    return 1;
  }
  fprintf(stderr, "[train] %s at step %ld; last evaluation %.2f\n",
          rc == 3 ? "interrupted: checkpoint written" : "finished", tr.env_steps, tr.last_eval);
  fprintf(stderr, "[train] outputs: %s/checkpoint.ddpg  %s/eval.csv  %s/progress.csv\n", tr.dir,
          tr.dir, tr.dir);
  if (rc == 3) fprintf(stderr, "[train] continue with: ddpg train --resume %s\n", tr.dir);
  trainer_free(&tr);
  return rc == 3 ? 130 : 0;
}
