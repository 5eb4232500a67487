/* trainer: the training system behind `ddpg train`: rollout workers, the shared replay
 * buffer, the learner, evaluation, logs and checkpoints.
 *
 * Two schedules run the same algorithm (docs/training.md):
 *  - synchronous (--workers 1, or --sync 1): the W environments are stepped in turn on the
 *    calling thread, each env step followed by its share of updates; every run with the
 *    same seed, config and BLAS thread count is bit-identical, and resume is exact;
 *  - asynchronous (--workers W > 1): W worker threads step their own environments with
 *    their own copy of the actor, refreshed from a versioned snapshot the learner publishes,
 *    while the learner (calling thread) trains; pacing keeps both within a small slack of
 *    --updates-per-step, so W changes the wall-clock time, not the replay ratio. */
#ifndef DDPG_TRAINER_H
#define DDPG_TRAINER_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "actor.h"
#include "config.h"
#include "ddpg.h"
#include "dist.h"
#include "env.h"
#include "eval.h"
#include "noise.h"
#include "replay.h"
#include "serial.h"
#include "tblog.h"
#include "team.h"
#include "util.h"

#define BEST_NAME "best.ddpg" /* the checkpoint of the best evaluation, without the replay */
#define EVAL_SEED_OFFSET 100  /* evaluation seed = training seed + 100 (TD3 protocol) */
#define WORKER_FLUSH 4  /* transitions a worker buffers before one replay append */

typedef struct Trainer Trainer;

/* An observer the learner calls with the agent at every env step that is a multiple of
 * `every` (step 0 included; after a resume, the next multiple), after that step's evaluation
 * and checkpoint, on rank 0 only: `ddpg train --video-every` records a video there, through a
 * hook filled in by the CLI so that this library never links the viewer. The hook must leave
 * the agent alone: training computes the same with or without it. Not checkpointed. Returns
 * 0, or -1 + err to stop training (the last checkpoint is intact). */
typedef int (*TrainerHookFn)(void *ctx, const Agent *ag, long step, char *err);

typedef struct {
  TrainerHookFn fn;             /* NULL: none */
  void *ctx;                    /* passed back to fn */
  long every;                   /* env steps between calls (> 0) */
  long next;                    /* env step of the next call */
} TrainerHook;

/* where the schedule stands; every field is checkpointed */
typedef struct {
  long env_steps;               /* transitions collected */
  long updates;                 /* learner updates done: the agent's n_updates, copied here
                                   where workers read it under `lock` (async pacing) */
  long episodes;                /* episodes finished */
  long next_eval, next_ckpt;    /* env step of the next evaluation / checkpoint */
  double update_credit;         /* fractional updates owed (sync) */
  double last_eval;             /* mean return of the last evaluation (NAN before one) */
} TrainCounters;

#define RECENT_EPISODES 10 /* training episodes the progress line's mean return covers */

/* logs and progress reporting; nothing here is checkpointed */
typedef struct {
  FILE *progress;               /* DIR/progress.csv */
  TbLog tb;                     /* DIR/events.out.tfevents.* (rank 0; tblog.h) */
  double recent[RECENT_EPISODES]; /* returns of the last training episodes (ring; `lock`) */
  long n_recent;                /* episodes put in the ring so far */
  double best_eval;             /* best evaluation mean so far (-inf before one): best.ddpg */
  double t_start;               /* now_seconds() at run start */
  double wall_offset;           /* wall seconds of earlier sessions (from eval.csv) */
  double last_log_t;
  long last_log_steps, last_log_updates;
  int tty;                      /* stderr is a terminal: one live line */
  int quiet;                    /* no progress output */
} TrainLog;

typedef struct {
  int id;
  Trainer *tr;
  Env env;                      /* own mjData over the shared model */
  Rng rng;                      /* own stream: actions, noise, resets */
  Noise noise;
  float *obs;                   /* current observation (obs_dim) */
  float *act, *next_obs;        /* scratch of worker_step (act_dim, obs_dim) */
  double *eps;                  /* exploration noise of a step (act_dim) */
  double ep_return;             /* return of the episode so far */
  long ep_len;                  /* its length so far */
  float *actor_params;          /* async: own copy of the actor network's slab */
  uint64_t actor_version;       /* snapshot version of that copy */
  Actor acting;                 /* fast acting copy of `actor` (or of the learner's actor) */
  uint64_t acting_version;      /* version loaded into `acting` */
  Batch pending;                /* transitions not yet appended (async) */
  pthread_t thread;
} Worker;

struct Trainer {
  /* --- what the run is: read-only once built --- */
  TrainConfig cfg;
  char dir[1024];               /* output directory */
  EnvModel *model;              /* shared, immutable */
  /* --- the state a checkpoint holds (src/checkpoint.c has the layout) --- */
  Agent agent;
  Rng rng;                      /* learner stream: minibatch indices, target smoothing */
  TrainCounters count;          /* where the schedule stands */
  int n_workers;
  Worker *workers;              /* their rng, noise, observation, episode and env state */
  Replay replay;
  char *provenance;             /* the builds and CPUs that trained it, one line per session
                                   that changed them (checkpoint.h; malloc'd, "" when none) */
  /* --- the learner's scratch and MPI (not checkpointed) --- */
  Batch mb;                     /* the learner's minibatch */
  Team *team;                   /* the learner's threads when cfg.learner_threads > 1 (owned;
                                   the agent uses it: agent_set_team) */
  Dist *dist;                   /* MPI world (rank 0 of 1 for a plain run) */
  long check_every;             /* MPI: updates between cross-rank parameter checks (0: off) */
  int replay_ready;             /* every rank's replay holds a minibatch (latched) */
  int shared_err;               /* MPI: the last failure was agreed by every rank */
  TrainerHook hook;             /* trainer_set_hook (not checkpointed) */
  /* --- the asynchronous schedule's coordination (not checkpointed) ---
   * `lock` guards env_claimed, count.env_steps, count.updates, pause, n_paused, stop;
   * `snap_lock` guards snap and snap_version */
  pthread_mutex_t lock;
  pthread_cond_t cv;
  long env_claimed;             /* step numbers handed to workers */
  long refill_until;            /* resumed without the replay: no update before this env
                                   step, when the buffer holds max(start steps, batch) fresh
                                   transitions again (read-only while threads run) */
  long refill_updates;          /* updates done when that refill began (async pacing base) */
  double eta_rate;              /* smoothed env steps/s of the learning phase (ETA) */
  int pause, n_paused, stop, n_running;
  pthread_mutex_t snap_lock;
  float *snap;                  /* published actor parameters */
  uint64_t snap_version;
  /* --- I/O: logs and reporting (not checkpointed) --- */
  TrainLog log;
  int failed;                   /* a worker hit a non-finite value */
  char fail_msg[ERR_LEN];
};

/* set up a new run in directory dir (created if missing; refused if not writable, or if it
 * already holds a checkpoint). Under MPI a collective: every rank calls it, rank 0 creates
 * dir, the others must see it (a shared filesystem); errors are agreed, so every rank
 * returns the same status and message. Returns 0 or -1 + err */
int trainer_init(Trainer *tr, const TrainConfig *cfg, const char *dir, char *err);

/* set up a run continuing DIR/checkpoint.ddpg; steps > 0 overrides the run length. Under
 * MPI a collective: rank k > 0 reads its own checkpoint.rank<k>.ddpg, and a run is only
 * continued with the number of ranks it was started with. Returns 0 or -1 + err; after a
 * failure *tr may hold what was built before the refusal: release it with trainer_free */
int trainer_resume(Trainer *tr, const char *dir, long steps, char *err);

/* this rank's part of trainer_resume, and the reader behind every tool that rebuilds a run
 * (ddpg strip): the trainer of the checkpoint file at path, its output directory dir
 * (created if missing); steps > 0: the new length, 0: the stored one, -1: the stored one
 * and a finished run is no error. 0 or -1 + err (free *tr with trainer_free either way) */
int trainer_read(Trainer *tr, const char *dir, const char *path, long steps, char *err);

/* train until cfg.steps, a signal (SIGINT/SIGTERM: checkpoint, then return), or a failure.
 * Under MPI every rank runs the synchronous schedule in lock step (any --workers/--sync),
 * a signal on any rank stops all of them at the same step, and a failure only one rank
 * sees aborts the job (dist_abort). Returns 0 finished, 3 stopped by a signal (checkpoint
 * written), -1 failure + err */
int trainer_run(Trainer *tr, char *err);

/* release everything; accepts a zeroed struct */
void trainer_free(Trainer *tr);

/* call fn(ctx, agent, step) every `every` env steps from the run's current step on (see
 * TrainerHook); after trainer_init or trainer_resume, before trainer_run */
void trainer_set_hook(Trainer *tr, TrainerHookFn fn, void *ctx, long every);

/* the run's human-readable record, at the start of a session (rank 0): DIR/config.txt, the
 * whole resolved configuration as `name = value` lines (rewritten atomically), and one line
 * appended to DIR/commands.txt: the UTC time, the step the session starts at and `command`
 * (the command line that started it). 0 or -1 + err */
int trainer_write_record(const Trainer *tr, const char *command, char *err);

/* write DIR/checkpoint.ddpg atomically (under MPI a collective: ranks k > 0 write their
 * files first, rank 0 commits last); 0 or -1 + err */
int trainer_save(Trainer *tr, char *err);

/* serialize the trainer to a buffer (what trainer_save writes) */
void trainer_serialize(Trainer *tr, Writer *w);

/* install SIGINT/SIGTERM handlers that ask running trainers to checkpoint and stop */
void trainer_install_signal_handlers(void);

/* the evaluation protocol (TD3 paper): `episodes` noise-free episodes of the actor slab
 * `actor_params` on a separate env whose initial states come from seed + EVAL_SEED_OFFSET,
 * the same states at every evaluation; `ddpg eval --checkpoint` uses the same seed by default, so it
 * reproduces a run's evaluation exactly. 0, or -1 + err on a non-finite action */
int trainer_evaluate(const Agent *ag, const float *actor_params, const EnvModel *m,
                     uint64_t seed, int episodes, EvalResult *out, char *err);

#endif
