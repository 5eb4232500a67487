/* cmd_train: `ddpg train`, the product's main job: flags -> TrainConfig -> Trainer.
 * Under mpirun every rank runs this; rank 0 does the talking (docs/distributed.md).
 * --video-every N hands the trainer a hook (TrainerHook) that records an evaluation episode
 * with the viewer; the trainer itself never links the viewer. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "blas.h"
#include "config.h"
#include "dist.h"
#include "team.h"
#include "trainer.h"
#include "util.h"
#include "viewer.h"

static const char *SUMMARY =
    "Train a DDPG (or TD3) agent headless. Writes DIR/checkpoint.ddpg (atomically, every\n"
    "--checkpoint-every steps, at the end and on SIGINT/SIGTERM), DIR/eval.csv and\n"
    "DIR/progress.csv. Continue an interrupted run with --resume DIR.\n"
    "Extra flags: --out DIR (required for a new run), --resume DIR, --quiet,\n"
    "--video-every N (an evaluation episode to DIR/videos/step_<N>.mp4 every N steps).\n"
    "Data-parallel over MPI ranks: mpirun -np R ddpg train ... (docs/distributed.md; %s).";

static void train_print_banner(const Trainer *tr) {
  if (tr->log.quiet) return;
  const TrainConfig *c = &tr->cfg;
  const Agent *ag = &tr->agent;
  const Dist *d = tr->dist;
  fprintf(stderr, "[train] env %s  preset %s  steps %ld  seed %ld  workers %d (%s)\n", c->env,
          c->preset, c->steps, c->seed, c->workers,
          c->workers == 1 || c->sync || d->size > 1 ? "synchronous" : "asynchronous");
  fprintf(stderr, "[train] actor/critic %s  batch %d  gamma %g  tau %g  lr %g/%g  noise %s %g  "
          "start %ld%s\n", c->hidden, c->batch, c->gamma, c->tau, c->actor_lr, c->critic_lr,
          c->noise, c->noise_sigma, c->start_steps, c->twin ? "  twin critics" : "");
  fprintf(stderr, "[train] parameters: actor %zu, critic %zu x %d; replay %ld x %zu bytes\n",
          ag->actor.n_params, ag->critic[0].n_params, ag->n_critics, c->buffer_size,
          replay_bytes_per_transition(ag->cfg.obs_dim, ag->cfg.act_dim));
  blas_report(stderr, "[train] ");
  if (d->size > 1) {
    size_t floats = ag->actor.n_train; /* the gradient slabs (trained floats) */
    for (int k = 0; k < ag->n_critics; k++) floats += ag->critic[k].n_train;
    fprintf(stderr, "[train] MPI: %d ranks in lock step, each %ld steps with its own workers "
            "and replay; gradients averaged over %d minibatches (%.2f MB allreduced per "
            "update); rank 0 evaluates, logs and checkpoints\n", d->size, c->steps, d->size,
            (double)floats * sizeof(float) / 1e6);
  }
}

/* --video-every: the trainer's hook (TrainerHook) records the first evaluation episode, the
 * actor without noise from the evaluation's first initial state, to DIR/videos/step_<N>.mp4
 * with the viewer, offscreen. It reads the agent and draws on its own Env and Rng, so training
 * computes the same with or without it. */
typedef struct {
  const EnvModel *model;        /* the run's shared model */
  char dir[1100];               /* DIR/videos */
  uint64_t seed;                /* evaluation seed: training seed + EVAL_SEED_OFFSET */
  int quiet;
} VideoHook;

static void video_act(void *ctx, const float *obs, float *act) { actor_act(ctx, obs, act); }

static int video_record(void *ctx, const Agent *ag, long step, char *err) {
  VideoHook *h = ctx;
  char path[1200], why[ERR_LEN];
  snprintf(path, sizeof path, "%s/step_%ld.mp4", h->dir, step);
  Actor a;
  actor_init(&a, ag);
  actor_load(&a, ag->actor.params);
  ViewerOptions opt = {.act = video_act, .act_ctx = &a, .seed = h->seed, .stream = EVAL_STREAM,
                       .episodes = 1, .record = path};
  Viewer *v = NULL;
  ViewerStats st;
  int rc = viewer_init(&v, h->model, &opt, why);
  if (rc == 0) rc = viewer_run(v, &st, why);
  viewer_free(v);
  actor_free(&a);
  if (rc != 0) return err_set(err, "video at step %ld: %s", step, why);
  if (!h->quiet)
    fprintf(stderr, "[video] step %ld  %s  return %.2f\n", step, path, st.last_return);
  return 0;
}

/* DIR/videos, created if missing */
static int video_hook_init(VideoHook *h, const Trainer *tr, int quiet, char *err) {
  h->model = tr->model;
  h->seed = (uint64_t)tr->cfg.seed + EVAL_SEED_OFFSET;
  h->quiet = quiet;
  snprintf(h->dir, sizeof h->dir, "%s/videos", tr->dir);
  if (mkdir(h->dir, 0777) != 0 && errno != EEXIST)
    return err_set(err, "cannot create %s: %s", h->dir, strerror(errno));
  return 0;
}

/* one training session on this process (every rank under MPI); returns the exit status */
static int train_session(const TrainConfig *cfg, const char *out, const char *resume,
                         long steps, int quiet, long check_every, int checksum,
                         int blas_threads, long video_every, const char *command) {
  char err[ERR_LEN];
  Dist *d = dist_world();
  int root = d->rank == 0;  /* errors are agreed across ranks: rank 0 reports them */
  Trainer tr;
  if (resume) {
    if (trainer_resume(&tr, resume, steps, err)) {
      if (root) fprintf(stderr, "ddpg train: %s\n", err);
      trainer_free(&tr);
      return 2;
    }
    if (root)
      fprintf(stderr, "[train] resuming %s at step %ld of %ld\n", resume, tr.count.env_steps,
              tr.cfg.steps);
    if (root && tr.refill_until > tr.count.env_steps)
      fprintf(stderr, "[train] warning: the checkpoint holds no replay buffer; refilling %ld "
              "transitions with the current policy before updating again. Learning from recent "
              "data only can undo a trained policy (docs/training.md); --save-replay 1 "
              "(the default) keeps the buffer in checkpoints\n",
              tr.refill_until - tr.count.env_steps);
  } else if (trainer_init(&tr, cfg, out, err) != 0) {
    if (root) fprintf(stderr, "ddpg train: %s\n", err);
    trainer_free(&tr);
    return 2;
  }
  if (root && trainer_write_record(&tr, command, err) != 0) {
    fprintf(stderr, "ddpg train: %s\n", err);
    trainer_free(&tr);
    return 1;
  }
  tr.log.quiet = quiet || !root;
  tr.check_every = check_every;
  VideoHook video;
  if (video_every > 0) {
    if (root && video_hook_init(&video, &tr, tr.log.quiet, err) != 0) {
      fprintf(stderr, "ddpg train: %s\n", err);
      trainer_free(&tr);
      return 2;
    }
    trainer_set_hook(&tr, video_record, &video, video_every);
  }
  /* the learner's threads: the run's stored count (a resume keeps it; docs/training.md);
   * with several the trainer runs OpenBLAS single-threaded inside each */
  int learner_threads = config_learner_threads(&tr.cfg);
  if (learner_threads == 1) blas_set_threads(blas_threads);
  trainer_install_signal_handlers();
  train_print_banner(&tr);
  int team = learner_threads > 1; /* the trainer runs its own (trainer.h) */
  if (!tr.log.quiet) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    fprintf(stderr, "[train] learner: %d thread(s)%s%s (docs/performance.md)\n",
            learner_threads, team ? ", OpenBLAS single-threaded in each" : "",
            resume ? ", as the run started" : "");
    int concurrent = tr.n_workers > 1 && !tr.cfg.sync && tr.dist->size == 1; /* async */
    int used = learner_threads + (concurrent ? tr.n_workers : 0);
    if (cores > 0 && used > cores)
      fprintf(stderr, "[train] warning: %d learner threads%s on %ld cores: threads will wait "
              "for each other%s\n", learner_threads, concurrent ? " + asynchronous workers" : "",
              cores, resume ? " (the count is the run's: another count gives other bits)" : "");
  }
  int rc = trainer_run(&tr, err);
  if (rc == -1) {
    if (root) fprintf(stderr, "ddpg train: %s\n", err);
    trainer_free(&tr);
    return 1;
  }
  if (checksum) {
    printf("rank %d of %d: parameter checksum %016" PRIx64 " after %ld updates\n", d->rank,
           d->size, dist_agent_hash(&tr.agent), tr.count.updates);
    fflush(stdout);
  }
  if (root) {
    fprintf(stderr, "[train] %s at step %ld; last evaluation %.2f\n",
            rc == 3 ? "interrupted: checkpoint written" : "finished", tr.count.env_steps,
            tr.count.last_eval);
    if (d->size > 1 && d->reduce_calls > 0)
      fprintf(stderr, "[train] MPI: %ld gradient allreduces of %.2f MB on average, %.1f%% of "
              "this session's wall time\n", d->reduce_calls,
              d->reduce_bytes / (double)d->reduce_calls / 1e6,
              100.0 * d->reduce_seconds / (now_seconds() - tr.log.t_start));
    fprintf(stderr, "[train] outputs: %s/checkpoint.ddpg  %s/" BEST_NAME "  %s/eval.csv  "
            "%s/progress.csv  %s/config.txt  TensorBoard: tensorboard --logdir %s\n", tr.dir,
            tr.dir, tr.dir, tr.dir, tr.dir, tr.dir);
    if (rc == 3 && d->size > 1)
      fprintf(stderr, "[train] continue with: mpirun -np %d ddpg train --resume %s\n",
              d->size, tr.dir);
    else if (rc == 3)
      fprintf(stderr, "[train] continue with: ddpg train --resume %s\n", tr.dir);
  }
  trainer_free(&tr);
  return rc == 3 ? 130 : 0;
}

/* `ddpg train [flags] --help`: the usage, with the defaults of the preset among the flags
 * (and any other flag given) applied; 0, or 2 after a bad flag's message */
static int train_help(TrainConfig *cfg, ArgSpec *specs, const char **slots, int n,
                      const char *summary, int argc, char **argv) {
  char *rest[256];
  int n_rest = 0;
  for (int i = 0; i < argc && n_rest < 256; i++)
    if (strcmp(argv[i], "--help") != 0 && strcmp(argv[i], "-h") != 0) rest[n_rest++] = argv[i];
  char err[ERR_LEN];
  int seen[80] = {0};
  if (args_parse("train", summary, specs, n, n_rest, rest, err) != 0) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  for (int i = 0; i < config_n_fields(); i++) seen[i] = specs[i].seen;
  if (config_from_args(cfg, specs, slots, err) != 0 || config_apply_preset(cfg, seen, err) != 0) {
    fprintf(stderr, "ddpg train: %s\n", err);
    return 2;
  }
  args_usage(stdout, "train", summary, specs, n);
  return 0;
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
  int quiet = 0, checksum = 0;
  long check_every = DIST_CHECK_EVERY;
  specs[nf] = (ArgSpec){.name = "out", .type = ARG_STRING, .dst = &out,
                        .help = "output directory of a new run"};
  specs[nf + 1] = (ArgSpec){.name = "resume", .type = ARG_STRING, .dst = &resume,
                            .help = "continue the run in this directory (--steps may extend it)"};
  specs[nf + 2] = (ArgSpec){.name = "quiet", .type = ARG_FLAG, .dst = &quiet,
                            .help = "no progress output"};
  specs[nf + 3] = (ArgSpec){.name = "mpi-check-every", .type = ARG_LONG, .dst = &check_every,
                            .min = 0, .max = 1e15,
                            .help = "MPI: compare the ranks' parameters every N updates (0: "
                                    "never)"};
  specs[nf + 4] = (ArgSpec){.name = "mpi-checksum", .type = ARG_FLAG, .dst = &checksum,
                            .help = "print each rank's parameter checksum on stdout at the end"};
  int blas_threads = 0;
  specs[nf + 5] = (ArgSpec){.name = "blas-threads", .type = ARG_INT, .dst = &blas_threads,
                            .min = 0, .max = 256,
                            .help = "OpenBLAS threads of the learner (0: OPENBLAS_NUM_THREADS "
                                    "if set, else 1; see docs/performance.md)"};
  long video_every = 0;
  specs[nf + 6] = (ArgSpec){.name = "video-every", .type = ARG_LONG, .dst = &video_every,
                            .min = 1, .max = 1e15,
                            .help = "record a noise-free evaluation episode to DIR/videos/"
                                    "step_<N>.mp4 every N env steps (needs ffmpeg and a "
                                    "display: xvfb-run -a ddpg train ...)"};
  int n = nf + 7;
  char summary[1024];
  snprintf(summary, sizeof summary, SUMMARY,
           dist_available() ? "this build has MPI" : "this build has no MPI");
  /* --help shows the defaults of the preset given with it (--preset paper --help) */
  for (int i = 0; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
      return train_help(&cfg, specs, slots, n, summary, argc, argv);
  int rc = args_command("train", summary, specs, n, argc, argv);
  if (rc != ARGS_CONTINUE) return rc;
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
  } else {
    if (!out) {
      fprintf(stderr, "ddpg train: --out DIR is required (where the checkpoint and logs go)\n");
      return 2;
    }
    /* OpenBLAS threads asked for (the flag, else OPENBLAS_NUM_THREADS) leave the learner
     * one thread of its own unless --learner-threads says otherwise */
    const char *env_blas = getenv("OPENBLAS_NUM_THREADS");
    int want_blas = blas_threads > 0 ? blas_threads : env_blas ? atoi(env_blas) : 1;
    if (want_blas > 1 && !args_find(specs, n, "learner-threads")->seen)
      snprintf(cfg.learner_threads, sizeof cfg.learner_threads, "1");
    /* the preset sets only what was not given explicitly */
    if (config_finish(&cfg, specs, slots, err) != 0) {
      fprintf(stderr, "ddpg train: %s\n", err);
      return 2;
    }
  }
  if (!resume && config_learner_threads(&cfg) > 1 && blas_threads > 1) {
    fprintf(stderr, "ddpg train: give --learner-threads or --blas-threads, not both: with "
            "learner threads OpenBLAS runs single-threaded inside each\n");
    return 2;
  }
  /* videos render offscreen with OpenGL: check before anything is trained or written */
  if (video_every > 0 && viewer_probe("ddpg train ...", err) != 0) {
    fprintf(stderr, "ddpg train: --video-every: %s\n", err);
    return 2;
  }
  /* MPI: join the world when mpirun started us (usage errors above exit before it) */
  if (dist_init(err) != 0) {
    fprintf(stderr, "ddpg train: %s\n", err);
    return 2;
  }
  long steps = resume && args_find(specs, n, "steps")->seen ? cfg.steps : 0;
  /* the command line, for the run's record (DIR/commands.txt) */
  char command[2048];
  int used = snprintf(command, sizeof command, "ddpg train");
  for (int i = 0; i < argc && used < (int)sizeof command; i++)
    used += snprintf(command + used, sizeof command - (size_t)used, " %s", argv[i]);
  rc = train_session(&cfg, out, resume, steps, quiet, check_every, checksum, blas_threads,
                     video_every, command);
  dist_finalize();
  return rc;
}
