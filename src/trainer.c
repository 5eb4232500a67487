/* trainer: rollout workers, learner, evaluation, logs; see trainer.h.
 *
 * DESIGN (threads, asynchronous schedule)
 * ---------------------------------------
 * Shared read-only: the EnvModel (mjModel), the TrainConfig. Owned by one thread: each
 * Worker's Env, Rng, Noise, actor copy and pending batch (its worker thread); the Agent,
 * the learner Rng and the minibatch (the learner, i.e. the calling thread).
 * Shared mutable, each behind one mutex:
 *   - the replay buffer, behind its own lock (replay.c);
 *   - the actor snapshot `snap` and `snap_version`, behind `snap_lock`: the learner copies
 *     the actor slab in and bumps the version while holding it; a worker that sees a new
 *     version copies the slab out while holding it, so no copy is ever torn;
 *   - the pacing counters (env_claimed, env_steps, updates) and the pause/stop flags,
 *     behind `lock`, with the condition variable `cv` broadcast on every change.
 * Lock order: a thread holds at most one of these locks at a time, and the replay lock is
 * only taken inside replay.c; so there is no ordering to get wrong.
 * Pacing: with u = --updates-per-step and s0 = --start-steps, a worker may claim step
 * number E only while E < s0 + U/u + slack, and the learner may run update U+1 only while
 * U + 1 <= u (E_done − s0); slack = WORKER_FLUSH · W. Neither side runs ahead.
 * Checkpoints and evaluation happen on the learner thread: for a checkpoint it sets
 * `pause`, waits until every worker has flushed its pending rows and parked (n_paused),
 * writes, and clears `pause`.
 *
 * MPI (docs/distributed.md): R processes each run this trainer with the synchronous
 * schedule on their own seed streams; their agents stay identical because every gradient is
 * averaged over the ranks (dist.h) before the optimizer step. Every collective (gradient
 * allreduces, the stop-flag poll, parameter checks, agreements in init/resume/save) sits at
 * a point all ranks reach with the same counters; rank 0 alone evaluates and writes logs. */
#define _POSIX_C_SOURCE 200809L
#include "trainer.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "actor.h"
#include "blas.h"
#include "checkpoint.h"
#include "env_state.h"
#include "eval.h"
#include "serial.h"
#include "util.h"

/* set by SIGINT/SIGTERM; the only process-global state of the trainer */
static volatile sig_atomic_t g_stop_signal = 0;

static void on_signal(int sig) { g_stop_signal = sig; }

void trainer_install_signal_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

static int all_finite(const float *x, int n) {
  for (int i = 0; i < n; i++)
    if (!isfinite(x[i])) return 0;
  return 1;
}

/* ------------------------------------------------------------------------------------ */
/* evaluation                                                                             */

static void act_fn(void *ctx, const float *obs, float *act) { actor_act(ctx, obs, act); }

int trainer_evaluate(const Agent *ag, const float *actor_params, const EnvModel *m,
                     uint64_t seed, int episodes, EvalResult *out, char *err) {
  Actor a;
  actor_init(&a, ag);
  actor_load(&a, actor_params);
  int rc = eval_policy(m, act_fn, &a, episodes, seed + EVAL_SEED_OFFSET, out, err);
  actor_free(&a);
  return rc;
}

/* ------------------------------------------------------------------------------------ */
/* logs                                                                                   */

static double wall(const Trainer *tr) {
  return tr->log.wall_offset + now_seconds() - tr->log.t_start;
}

static void path_in(const Trainer *tr, const char *name, char *out, size_t n) {
  snprintf(out, n, "%s/%s", tr->dir, name);
}

/* drop CSV rows whose first column (a step) exceeds `step`: after a resume, rows written
 * after the checkpoint by the interrupted session are replaced by the new session's.
 * Returns the last kept value of column `wall_col` (or 0) */
static double csv_truncate_after(const char *path, long step, int step_col, int wall_col) {
  uint8_t *data;
  size_t n;
  char err[ERR_LEN];
  if (read_file(path, &data, &n, err) != 0) return 0.0;
  size_t keep = 0, pos = 0;
  double last_wall = 0.0;
  int header = 1;
  while (pos < n) {
    size_t end = pos;
    while (end < n && data[end] != '\n') end++;
    if (end == n) break; /* an unterminated last line was cut by a crash: drop it */
    int ok = 1;
    if (!header) {
      /* find column step_col and wall_col */
      int col = 0;
      const char *p = (const char *)data + pos;
      long s = 0;
      double w = 0.0;
      for (;;) {
        if (col == step_col) s = strtol(p, NULL, 10);
        if (col == wall_col) w = strtod(p, NULL);
        const char *c = memchr(p, ',', (size_t)((const char *)data + end - p));
        if (!c) break;
        p = c + 1;
        col++;
      }
      if (s > step) ok = 0;
      else if (wall_col >= 0) last_wall = w;
    }
    header = 0;
    if (!ok) break;
    keep = end + 1;
    pos = end + 1;
  }
  if (keep < n) write_file_atomic(path, data, keep, err);
  free(data);
  return last_wall;
}

/* TensorBoard logging never stops training: its first failed write turns it off, with one
 * warning (the CSV logs and checkpoints are the run's record) */
static void tb_check(Trainer *tr, int rc) {
  if (rc != 0 && !tr->log.quiet)
    fprintf(stderr, "\n[train] warning: %s; TensorBoard logging is off for this session (the "
            "CSV logs go on)\n", tr->log.tb.err);
}

/* the largest value of column `col` over a CSV's data rows (-inf when it has none) */
static double csv_column_max(const char *path, int col) {
  uint8_t *data;
  size_t n;
  char err[ERR_LEN];
  double best = -INFINITY;
  if (read_file(path, &data, &n, err) != 0) return best;
  const char *p = memchr(data, '\n', n); /* skip the header */
  while (p && ++p < (const char *)data + n) {
    const char *c = p;
    for (int k = 0; k < col && c; k++) c = strchr(c, ',');
    if (c) {
      double v = strtod(col > 0 ? c + 1 : c, NULL);
      if (v > best) best = v;
    }
    p = strchr(p, '\n');
  }
  free(data);
  return best;
}

static FILE *open_csv(const char *path, const char *header) {
  struct stat st;
  int fresh = stat(path, &st) != 0 || st.st_size == 0;
  FILE *f = fopen(path, "a");
  if (f && fresh) fprintf(f, "%s\n", header);
  return f;
}

static const char *PROGRESS_HEADER =
    "kind,step,episode_return,episode_length,critic_loss,actor_loss,mean_q,updates_per_s,"
    "env_steps_per_s";
static const char *EVAL_HEADER = "step,mean,std,min,max,wall_seconds";

/* a finished training episode (async: called by workers with `lock` held) */
static void log_episode(Trainer *tr, long step, double ret, long len) {
  TrainLog *lg = &tr->log;
  lg->recent[lg->n_recent++ % RECENT_EPISODES] = ret;
  if (lg->progress) fprintf(lg->progress, "episode,%ld,%.6f,%ld,,,,,\n", step, ret, len);
  double t = tblog_wall_time();
  tb_check(tr, tblog_scalar(&lg->tb, TBLOG_TAG_EPISODIC_RETURN, step, t, (float)ret));
  tb_check(tr, tblog_scalar(&lg->tb, TBLOG_TAG_EPISODIC_LENGTH, step, t, (float)len));
}

/* the mean return of the last RECENT_EPISODES training episodes (NAN before one; `lock`) */
static double recent_return(const TrainLog *lg) {
  long n = lg->n_recent < RECENT_EPISODES ? lg->n_recent : RECENT_EPISODES;
  double s = 0.0;
  for (long i = 0; i < n; i++) s += lg->recent[i];
  return n > 0 ? s / (double)n : NAN;
}

static void log_eval(Trainer *tr, long step, double mean, double std, double mn, double mx) {
  char path[1100];
  path_in(tr, "eval.csv", path, sizeof path);
  FILE *f = open_csv(path, EVAL_HEADER);
  if (f) {
    fprintf(f, "%ld,%.6f,%.6f,%.6f,%.6f,%.1f\n", step, mean, std, mn, mx, wall(tr));
    fclose(f);
  }
  tb_check(tr, tblog_scalar(&tr->log.tb, TBLOG_TAG_EVAL_RETURN, step, tblog_wall_time(),
                            (float)mean));
  tb_check(tr, tblog_flush(&tr->log.tb));
}

/* progress line on the terminal / periodic lines, and learner stats into progress.csv */
static void report(Trainer *tr, int force) {
  double t = now_seconds();
  double dt = t - tr->log.last_log_t;
  double every = tr->log.tty ? 0.5 : tr->cfg.log_seconds;
  if (!force && dt < every) return;
  pthread_mutex_lock(&tr->lock); /* async: workers advance env_steps and log episodes */
  long steps = tr->count.env_steps;
  double recent = recent_return(&tr->log);
  pthread_mutex_unlock(&tr->lock);
  double sps = dt > 0 ? (double)(steps - tr->log.last_log_steps) / dt : 0.0;
  double ups = dt > 0 ? (double)(tr->count.updates - tr->log.last_log_updates) / dt : 0.0;
  if (tr->log.progress && (!tr->log.tty || dt >= tr->cfg.log_seconds || force)) {
    fprintf(tr->log.progress, "learner,%ld,,,%.6g,%.6g,%.6g,%.2f,%.2f\n", steps,
            tr->agent.critic_loss, tr->agent.actor_loss, tr->agent.mean_q, ups, sps);
    fflush(tr->log.progress);
    TbLog *tb = &tr->log.tb; /* CleanRL's tags */
    double w = tblog_wall_time();
    if (tr->count.updates > 0) {
      tb_check(tr, tblog_scalar(tb, TBLOG_TAG_QF1_LOSS, steps, w, (float)tr->agent.critic_loss));
      tb_check(tr, tblog_scalar(tb, TBLOG_TAG_ACTOR_LOSS, steps, w, (float)tr->agent.actor_loss));
      tb_check(tr, tblog_scalar(tb, TBLOG_TAG_QF1_VALUES, steps, w, (float)tr->agent.mean_q));
    }
    tb_check(tr, tblog_scalar(tb, TBLOG_TAG_SPS, steps, w, (float)sps));
    tb_check(tr, tblog_flush(tb));
  }
  /* the ETA follows a smoothed rate of the learning phase; the warm-up's random steps run
   * much faster (no updates) and say nothing about it */
  int learning = tr->log.last_log_steps > tr->cfg.start_steps &&
                 tr->log.last_log_steps > tr->refill_until;
  if (learning && sps > 0)
    tr->eta_rate = tr->eta_rate > 0 ? 0.8 * tr->eta_rate + 0.2 * sps : sps;
  if (!tr->log.quiet) {
    char eta[32] = "after warm-up", ev[64] = "-", ret[64] = "-", loss[64] = "-";
    if (learning && tr->eta_rate > 0) {
      double left = (double)(tr->cfg.steps - steps) / tr->eta_rate;
      snprintf(eta, sizeof eta, "%dh%02dm%02ds", (int)(left / 3600),
               (int)(fmod(left, 3600) / 60), (int)fmod(left, 60));
    }
    if (!isnan(tr->count.last_eval)) snprintf(ev, sizeof ev, "%.2f", tr->count.last_eval);
    if (!isnan(recent)) snprintf(ret, sizeof ret, "%.2f", recent);
    if (tr->count.updates > 0) snprintf(loss, sizeof loss, "%.3g", tr->agent.critic_loss);
    fprintf(stderr, "%s[train] step %ld/%ld  %.0f steps/s  %.0f updates/s  ETA %s  "
            "return(last %d) %s  critic loss %s  last eval %s%s", tr->log.tty ? "\r" : "",
            steps, tr->cfg.steps, sps, ups, eta, RECENT_EPISODES, ret, loss, ev,
            tr->log.tty ? "   " : "\n");
    fflush(stderr);
  }
  tr->log.last_log_t = t;
  tr->log.last_log_steps = steps;
  tr->log.last_log_updates = tr->count.updates;
}

/* ------------------------------------------------------------------------------------ */
/* construction                                                                           */

static int ensure_dir(const char *dir, char *err) {
  struct stat st;
  if (stat(dir, &st) != 0) {
    if (make_dirs(dir) != 0)
      return err_set(err, "cannot create output directory %s: %s", dir, strerror(errno));
  } else if (!S_ISDIR(st.st_mode)) {
    return err_set(err, "--out %s exists and is not a directory", dir);
  }
  if (dir_probe_write(dir) != 0)
    return err_set(err, "output directory %s is not writable: %s (choose another --out)", dir,
                   strerror(errno));
  return 0;
}

/* MPI rank k draws from streams s + k·2^32: ranks never share a stream, and rank 0 (like a
 * plain run) keeps a single process's streams. Network init (stream 1) is not offset, so
 * every rank starts from the same parameters */
static uint64_t rank_stream(const Trainer *tr) { return (uint64_t)tr->dist->rank << 32; }

static void worker_init(Trainer *tr, Worker *w, int id) {
  memset(w, 0, sizeof *w);
  w->id = id;
  w->tr = tr;
  env_init(&w->env, tr->model);
  rng_init(&w->rng, (uint64_t)tr->cfg.seed, 1000 + (uint64_t)id + rank_stream(tr));
  noise_init(&w->noise, (NoiseKind)noise_kind_parse(tr->cfg.noise), w->env.act_dim,
             tr->cfg.noise_sigma, tr->cfg.noise_sigma_final, tr->cfg.noise_decay_steps,
             tr->cfg.ou_theta);
  w->actor_params = xcalloc(tr->agent.actor.n_params, sizeof(float));
  memcpy(w->actor_params, tr->agent.actor.params, sizeof(float) * tr->agent.actor.n_params);
  actor_init(&w->acting, &tr->agent);
  actor_load(&w->acting, w->actor_params);
  w->acting_version = UINT64_MAX; /* sync schedule: load before the first policy action */
  batch_init(&w->pending, WORKER_FLUSH, w->env.obs_dim, w->env.act_dim);
  size_t S = (size_t)w->env.obs_dim, A = (size_t)w->env.act_dim;
  w->obs = xcalloc(2 * S + A, sizeof(float));
  w->next_obs = w->obs + S;
  w->act = w->obs + 2 * S;
  w->eps = xcalloc(A, sizeof(double));
  env_reset(&w->env, &w->rng, w->obs);
}

static void worker_free(Worker *w) {
  env_free(&w->env);
  noise_free(&w->noise);
  free(w->obs);
  free(w->eps);
  free(w->actor_params);
  actor_free(&w->acting);
  batch_free(&w->pending);
  memset(w, 0, sizeof *w);
}

/* everything but the counters, from a resolved config */
static int trainer_build(Trainer *tr, const TrainConfig *cfg, const EnvRecord *rec,
                         const char *dir, char *err) {
  memset(tr, 0, sizeof *tr);
  tr->cfg = *cfg;
  tr->count.last_eval = NAN;
  tr->log.best_eval = -INFINITY;
  tr->dist = dist_world();
  tr->check_every = DIST_CHECK_EVERY;
  if (snprintf(tr->dir, sizeof tr->dir, "%s", dir) >= (int)sizeof tr->dir)
    return err_set(err, "--out path is too long");
  if (noise_kind_parse(cfg->noise) < 0)
    return err_set(err, "unknown noise '%s' (use gaussian, ou or none)", cfg->noise);
  /* a new run reads its task file; a resumed one the task its checkpoint recorded */
  if ((rec ? env_model_load_record(&tr->model, rec, err)
           : env_model_load(&tr->model, cfg->env, cfg->model[0] ? cfg->model : NULL, err)) != 0)
    return -1;
  AgentConfig ac;
  config_agent(cfg, env_model_obs_dim(tr->model), env_model_act_dim(tr->model),
               env_model_act_low(tr->model), env_model_act_high(tr->model), &ac);
  Rng init_rng;
  rng_init(&init_rng, (uint64_t)cfg->seed, 1); /* network initialization stream */
  agent_init(&tr->agent, &ac, &init_rng);
  if (replay_init(&tr->replay, (size_t)cfg->buffer_size, ac.obs_dim, ac.act_dim, err) != 0)
    return -1;
  batch_init(&tr->mb, cfg->batch, ac.obs_dim, ac.act_dim);
  /* the learner's threads: the configuration's count (resolved from auto by config_resolve,
   * or the count a checkpoint stored); OpenBLAS runs single-threaded inside each */
  int lt = config_learner_threads(cfg);
  if (lt < 1 || lt > TEAM_MAX_THREADS)
    return err_set(err, "learner_threads '%.40s' is not a count from 1 to %d (resolve the "
                   "configuration first: config_resolve)", cfg->learner_threads,
                   TEAM_MAX_THREADS);
  if (lt > 1) {
    tr->team = team_new(lt);
    blas_set_threads(1);
    agent_set_team(&tr->agent, tr->team);
  }
  rng_init(&tr->rng, (uint64_t)cfg->seed, 2 + rank_stream(tr)); /* learner stream */
  dist_attach(tr->dist, &tr->agent); /* MPI: average gradients over the ranks */
  tr->n_workers = cfg->workers;
  tr->workers = xcalloc((size_t)tr->n_workers, sizeof(Worker));
  for (int i = 0; i < tr->n_workers; i++) worker_init(tr, &tr->workers[i], i);
  tr->snap = xcalloc(tr->agent.actor.n_params, sizeof(float));
  pthread_mutex_init(&tr->lock, NULL);
  pthread_cond_init(&tr->cv, NULL);
  pthread_mutex_init(&tr->snap_lock, NULL);
  tr->log.tty = isatty(STDERR_FILENO);
  return 0;
}

/* DIR/checkpoint.rank<k>[.prev].ddpg */
static void rank_path(const char *dir, int rank, int prev, char *out, size_t n) {
  char name[64];
  snprintf(name, sizeof name, CHECKPOINT_RANK_FMT, rank, prev ? ".prev" : "");
  snprintf(out, n, "%s/%s", dir, name);
}

/* the number of ranks the run in dir was started with (CHECKPOINT_RANKS_NAME; 1 without
 * it), or -1 when that file is unreadable */
static long stored_ranks(const char *dir) {
  char p[1100];
  snprintf(p, sizeof p, "%s/%s", dir, CHECKPOINT_RANKS_NAME);
  FILE *f = fopen(p, "r");
  if (!f) return errno == ENOENT ? 1 : -1;
  long r = -1;
  if (fscanf(f, "ranks %ld", &r) != 1 || r < 1) r = -1;
  fclose(f);
  return r;
}

/* rank 0 of a new run: drop the MPI files of an earlier run in dir, and record R */
static int reset_rank_files(const char *dir, int size, char *err) {
  char p[1100];
  snprintf(p, sizeof p, "%s/%s", dir, CHECKPOINT_RANKS_NAME);
  unlink(p);
  for (int k = 1;; k++) {
    char cur[1100], prev[1100];
    rank_path(dir, k, 0, cur, sizeof cur);
    rank_path(dir, k, 1, prev, sizeof prev);
    int gone = unlink(cur) != 0 && errno == ENOENT;
    if (unlink(prev) != 0 && errno == ENOENT && gone) break;
  }
  if (size == 1) return 0;
  char text[32];
  int n = snprintf(text, sizeof text, "ranks %d\n", size);
  return write_file_atomic(p, text, (size_t)n, err);
}

int trainer_init(Trainer *tr, const TrainConfig *cfg, const char *dir, char *err) {
  memset(tr, 0, sizeof *tr);
  Dist *d = dist_world();
  char ck[1100];
  snprintf(ck, sizeof ck, "%s/%s", dir, CHECKPOINT_NAME);
  int rc = 0;
  if (d->rank == 0) { /* rank 0 creates the directory; other ranks use it */
    rc = ensure_dir(dir, err);
    if (rc == 0 && access(ck, F_OK) == 0)
      rc = err_set(err, "%s already holds a checkpoint: continue it with --resume %s, or "
                   "choose another --out", dir, dir);
  }
  if (dist_agree(d, rc, err) != 0) return -1;
  if (d->rank > 0 && access(dir, W_OK | X_OK) != 0)
    rc = err_set(err, "cannot use %s, created by rank 0: %s (--out must be on a filesystem "
                 "every rank shares)", dir, strerror(errno));
  if (rc == 0) rc = trainer_build(tr, cfg, NULL, dir, err);
  if (rc == 0 && d->rank == 0) rc = reset_rank_files(dir, d->size, err);
  if (dist_agree(d, rc, err) != 0) return -1;
  checkpoint_note_build(tr);
  tr->count.next_eval = 0;
  tr->count.next_ckpt = cfg->checkpoint_every;
  /* a fresh run starts fresh logs */
  if (d->rank == 0) {
    char p[1100];
    path_in(tr, "eval.csv", p, sizeof p);
    unlink(p);
    path_in(tr, "progress.csv", p, sizeof p);
    unlink(p);
  }
  return 0;
}

void trainer_free(Trainer *tr) {
  if (tr->workers) {
    for (int i = 0; i < tr->n_workers; i++) worker_free(&tr->workers[i]);
    free(tr->workers);
    pthread_mutex_destroy(&tr->lock);
    pthread_cond_destroy(&tr->cv);
    pthread_mutex_destroy(&tr->snap_lock);
  }
  if (tr->dist) dist_detach(tr->dist);
  agent_set_team(&tr->agent, NULL);
  team_free(tr->team);
  agent_free(&tr->agent);
  replay_free(&tr->replay);
  batch_free(&tr->mb);
  free(tr->snap);
  free(tr->provenance);
  if (tr->model) env_model_free(tr->model);
  if (tr->log.progress) fclose(tr->log.progress);
  if (tblog_close(&tr->log.tb) != 0 && !tr->log.quiet)
    fprintf(stderr, "[train] warning: %s\n", tr->log.tb.err);
  memset(tr, 0, sizeof *tr);
}

/* ------------------------------------------------------------------------------------ */
/* acting                                                                                 */

/* one env step of worker w at global step `step`, acting with w->acting; the transition
 * goes to row `row` of w->pending. Returns 1 if a transition was stored, 0 if the step was
 * dropped (the simulation went unstable), -1 on a non-finite action/observation (message in
 * tr->fail_msg). Finished episodes are reported through *ep_ret / *ep_len (len 0: none) */
static int worker_step(Trainer *tr, Worker *w, long step, int row, double *ep_ret,
                       long *ep_len) {
  const Env *e = &w->env;
  const Agent *ag = &tr->agent;
  float *act = w->act, *next_obs = w->next_obs;
  *ep_len = 0;
  if (step < tr->cfg.start_steps) {
    for (int j = 0; j < e->act_dim; j++)
      act[j] = (float)rng_range(&w->rng, e->act_low[j], e->act_high[j]);
  } else {
    double *eps = w->eps;
    actor_act(&w->acting, w->obs, act);
    if (!all_finite(act, e->act_dim)) {
      err_set(tr->fail_msg, "the actor produced a non-finite action at step %ld "
              "(training diverged; lower the learning rates)", step);
      return -1;
    }
    noise_sample(&w->noise, &w->rng, step, eps);
    for (int j = 0; j < e->act_dim; j++) {
      float a = act[j] + (float)(eps[j] * ag->act_scale[j]);
      act[j] = fminf(e->act_high[j], fmaxf(e->act_low[j], a)); /* clip to the bounds */
    }
  }
  EnvStep st;
  env_step(&w->env, act, next_obs, &st);
  int stored = 0;
  if (st.unstable) {
    /* garbage physics: keep it out of the replay and start a new episode */
    fprintf(stderr, "\nddpg train: worker %d: simulation unstable at step %ld; episode "
            "truncated and transition dropped\n", w->id, step);
  } else {
    if (!all_finite(next_obs, e->obs_dim) || !isfinite(st.reward)) {
      err_set(tr->fail_msg, "non-finite observation or reward from %s at step %ld", e->name,
              step);
      return -1;
    }
    /* a time-limit cut is not terminal: not_done stays 1 so the target bootstraps */
    batch_set(&w->pending, row, w->obs, act, (float)st.reward, next_obs,
              st.terminated ? 0.0f : 1.0f);
    stored = 1;
    w->ep_return += st.reward;
    w->ep_len++;
  }
  if (st.terminated || st.truncated) {
    *ep_ret = w->ep_return;
    *ep_len = w->ep_len;
    w->ep_return = 0.0;
    w->ep_len = 0;
    noise_reset(&w->noise);
    env_reset(&w->env, &w->rng, w->obs);
  } else {
    memcpy(w->obs, next_obs, sizeof(float) * (size_t)e->obs_dim);
  }
  return stored;
}

/* one learner update from a fresh minibatch; -1 + err on a non-finite loss */
static int learner_update(Trainer *tr, char *err) {
  replay_sample_team(&tr->replay, &tr->rng, tr->cfg.batch, &tr->mb, tr->agent.team);
  char why[ERR_LEN];
  if (ddpg_update(&tr->agent, &tr->mb, &tr->rng, why) != 0)
    return err_set(err, "training diverged at step %ld, update %ld: %s (lower the learning "
                   "rates; the last checkpoint is intact)", tr->count.env_steps,
                   tr->count.updates + 1, why);
  dist_sync_stats(tr->dist, &tr->agent); /* MPI + batch norm: average running statistics */
  pthread_mutex_lock(&tr->lock); /* async: workers read `updates` for pacing */
  tr->count.updates++;
  pthread_mutex_unlock(&tr->lock);
  return 0;
}

/* a copy of the trainer without its replay buffer at DIR/name (atomically); 0 or -1 + err */
static int save_copy(Trainer *tr, const char *name, char *err) {
  Writer w;
  writer_init(&w);
  checkpoint_write(&w, tr, 0);
  char path[1100];
  path_in(tr, name, path, sizeof path);
  int rc = write_file_atomic(path, w.buf, w.len, err);
  writer_free(&w);
  return rc;
}

static int run_eval(Trainer *tr, char *err) {
  if (tr->dist->rank != 0) return 0; /* MPI: rank 0 evaluates; the others wait in the next
                                        collective */
  EvalResult r;
  char why[ERR_LEN];
  if (trainer_evaluate(&tr->agent, tr->agent.actor.params, tr->model, (uint64_t)tr->cfg.seed,
                       tr->cfg.eval_episodes, &r, why) != 0)
    return err_set(err, "evaluation at step %ld failed: %s (training diverged; the last "
                   "checkpoint is intact)", tr->count.env_steps, why);
  double mean = r.mean_return, std = r.std_return, mn = r.min_return, mx = r.max_return;
  tr->count.last_eval = mean;
  log_eval(tr, tr->count.env_steps, mean, std, mn, mx);
  if (tr->log.progress) fflush(tr->log.progress);
  if (!tr->log.quiet && !tr->log.tty)
    fprintf(stderr, "[eval] step %ld  return %.2f +- %.2f  (min %.2f, max %.2f)\n",
            tr->count.env_steps, mean, std, mn, mx);
  /* the best evaluation's policy, as SB3's EvalCallback keeps it (a strict improvement:
   * the first of equal scores stays) */
  if (mean > tr->log.best_eval) {
    tr->log.best_eval = mean;
    if (save_copy(tr, BEST_NAME, err) != 0) return -1; /* "cannot write DIR/best.ddpg: ..." */
  }
  return 0;
}

void trainer_set_hook(Trainer *tr, TrainerHookFn fn, void *ctx, long every) {
  DDPG_CHECK(every > 0);
  tr->hook.fn = fn;
  tr->hook.ctx = ctx;
  tr->hook.every = every;
  /* a fresh run is observed at step 0; a resumed one at the next multiple, as its current
   * step was observed when the last session ended there */
  long step = tr->count.env_steps;
  tr->hook.next = step == 0 ? 0 : (step / every + 1) * every;
}

static int hook_due(const Trainer *tr, long step) {
  return tr->hook.fn && step >= tr->hook.next;
}

/* the observer when its step comes (rank 0); -1 + err when it fails */
static int run_hook(Trainer *tr, char *err) {
  while (tr->hook.next <= tr->count.env_steps) tr->hook.next += tr->hook.every;
  if (tr->dist->rank != 0) return 0;
  return tr->hook.fn(tr->hook.ctx, &tr->agent, tr->count.env_steps, err);
}

/* evaluation, checkpoint and observer when their step comes; -1 + err when one fails */
static int milestones(Trainer *tr, char *err) {
  if (tr->count.env_steps >= tr->count.next_eval) {
    if (run_eval(tr, err) != 0) return -1;
    while (tr->count.next_eval <= tr->count.env_steps) tr->count.next_eval += tr->cfg.eval_every;
  }
  if (tr->count.env_steps >= tr->count.next_ckpt) {
    while (tr->count.next_ckpt <= tr->count.env_steps)
      tr->count.next_ckpt += tr->cfg.checkpoint_every;
    if (trainer_save(tr, err) != 0) return -1;
  }
  if (hook_due(tr, tr->count.env_steps) && run_hook(tr, err) != 0) return -1;
  return 0;
}

/* ------------------------------------------------------------------------------------ */
/* synchronous schedule                                                                   */

/* SIGINT/SIGTERM. Under MPI every rank stops at the same step once any rank got one: the
 * flag is OR-reduced every DIST_POLL_STEPS steps, which costs nothing measurable */
static int stop_requested(Trainer *tr) {
  if (tr->dist->size == 1) return g_stop_signal != 0;
  if (tr->count.env_steps % DIST_POLL_STEPS != 0) return 0;
  return dist_any(tr->dist, g_stop_signal != 0);
}

/* may updates run? Every rank's buffer must hold a minibatch, or the ranks' update counts,
 * and so their gradient allreduces, would part (a rank drops unstable transitions). A
 * buffer never shrinks, so the answer is latched */
static int replay_ready(Trainer *tr) {
  /* the same on every rank: the ranks step in lock-step */
  if (tr->count.env_steps <= tr->refill_until) return 0;
  if (!tr->replay_ready)
    tr->replay_ready = dist_all(tr->dist, replay_size(&tr->replay) >= (size_t)tr->cfg.batch);
  return tr->replay_ready;
}

/* MPI: do all ranks still hold the same agent? Every rank gets the same answer, so a
 * mismatch stops them all with the same message */
static int check_ranks(Trainer *tr, char *err) {
  if (tr->dist->size == 1) return 0;
  uint64_t lo, hi;
  if (dist_same_u64(tr->dist, dist_agent_hash(&tr->agent), &lo, &hi)) return 0;
  tr->shared_err = 1;
  return err_set(err, "the MPI ranks no longer hold the same parameters after update %ld "
                 "(checksums %016" PRIx64 " .. %016" PRIx64 "): run the same ddpg build on "
                 "every rank, resume only a checkpoint set written by one run; the last "
                 "checkpoint is intact", tr->count.updates, lo, hi);
}

static int run_sync(Trainer *tr, char *err) {
  if (tr->count.env_steps == 0 && milestones(tr, err) != 0) return -1; /* evaluation at step 0 */
  if (check_ranks(tr, err) != 0) return -1; /* MPI: every rank starts from one agent */
  while (tr->count.env_steps < tr->cfg.steps) {
    if (stop_requested(tr)) return 3;
    Worker *w = &tr->workers[tr->count.env_steps % tr->n_workers];
    double ret;
    long len;
    /* act with the current actor: reload the fast copy when an update changed it */
    if (tr->count.env_steps >= tr->cfg.start_steps &&
        w->acting_version != (uint64_t)tr->count.updates) {
      actor_load(&w->acting, tr->agent.actor.params);
      w->acting_version = (uint64_t)tr->count.updates;
    }
    int s = worker_step(tr, w, tr->count.env_steps, 0, &ret, &len);
    if (s < 0) return err_set(err, "%s", tr->fail_msg);
    if (s == 1) replay_add(&tr->replay, &w->pending, 1);
    tr->count.env_steps++;
    if (len > 0) {
      tr->count.episodes++;
      log_episode(tr, tr->count.env_steps, ret, len);
    }
    /* train: u updates per env step once the random warm-up is over */
    if (tr->count.env_steps > tr->cfg.start_steps) {
      tr->count.update_credit += tr->cfg.updates_per_step;
      if (!replay_ready(tr)) tr->count.update_credit = 0.0;
      while (tr->count.update_credit >= 1.0) {
        if (learner_update(tr, err) != 0) return -1;
        tr->count.update_credit -= 1.0;
        if (tr->check_every > 0 && tr->count.updates % tr->check_every == 0 &&
            check_ranks(tr, err) != 0)
          return -1;
      }
    }
    if (milestones(tr, err) != 0) return -1;
    report(tr, 0);
  }
  return 0;
}

/* ------------------------------------------------------------------------------------ */
/* asynchronous schedule                                                                  */

/* the env step pacing counts from: the end of the warm-up, or of the refill after a resume
 * without the replay. The updates skipped while refilling are not owed (as in the
 * synchronous schedule), else the learner would catch them up in a burst on fresh data */
static long pace_base(const Trainer *tr) {
  return tr->refill_until > tr->cfg.start_steps ? tr->refill_until : tr->cfg.start_steps;
}

static long updates_allowed(const Trainer *tr, long env_done) {
  long over = env_done - pace_base(tr);
  if (over <= 0 || env_done < tr->cfg.batch) return tr->count.updates; /* no minibatch yet */
  return tr->refill_updates + (long)floor(tr->cfg.updates_per_step * (double)over + 1e-9);
}

/* may a worker claim the next step? (lock held) */
static int may_claim(const Trainer *tr) {
  long slack = (long)WORKER_FLUSH * tr->n_workers;
  long base = pace_base(tr);
  long e = tr->env_claimed;
  if (e < base + slack) return 1;
  return (double)(e - base) <
         (double)(tr->count.updates - tr->refill_updates) / tr->cfg.updates_per_step +
             (double)slack;
}

/* append the worker's pending rows and count its steps as done (lock held on entry and
 * exit; released around the replay append so one lock is held at a time) */
static void flush_pending(Trainer *tr, Worker *w, int *n_pending, long *claimed_done) {
  pthread_mutex_unlock(&tr->lock);
  if (*n_pending > 0) replay_add(&tr->replay, &w->pending, *n_pending);
  pthread_mutex_lock(&tr->lock);
  tr->count.env_steps += *claimed_done;
  *n_pending = 0;
  *claimed_done = 0;
  pthread_cond_broadcast(&tr->cv);
}

static void *worker_main(void *arg) {
  Worker *w = arg;
  Trainer *tr = w->tr;
  int n_pending = 0;     /* rows in w->pending */
  long claimed_done = 0; /* steps taken but not yet counted in env_steps */
  pthread_mutex_lock(&tr->lock);
  for (;;) {
    /* wait until this worker may claim a step; flush before any wait */
    for (;;) {
      int blocked = tr->stop || tr->pause || !may_claim(tr) || tr->env_claimed >= tr->cfg.steps;
      if (!blocked && claimed_done < WORKER_FLUSH) break;
      if (claimed_done > 0) {
        flush_pending(tr, w, &n_pending, &claimed_done);
        continue;
      }
      if (tr->stop || (tr->env_claimed >= tr->cfg.steps && !tr->pause)) {
        tr->n_running--;
        pthread_cond_broadcast(&tr->cv);
        pthread_mutex_unlock(&tr->lock);
        return NULL;
      }
      if (tr->pause) {
        tr->n_paused++;
        pthread_cond_broadcast(&tr->cv);
        while (tr->pause && !tr->stop) pthread_cond_wait(&tr->cv, &tr->lock);
        tr->n_paused--;
        continue;
      }
      pthread_cond_wait(&tr->cv, &tr->lock);
    }
    long step = tr->env_claimed++;
    pthread_mutex_unlock(&tr->lock);

    /* refresh the actor copy from the published snapshot when it changed */
    pthread_mutex_lock(&tr->snap_lock);
    if (tr->snap_version != w->actor_version) {
      memcpy(w->actor_params, tr->snap, sizeof(float) * tr->agent.actor.n_params);
      w->actor_version = tr->snap_version;
    }
    pthread_mutex_unlock(&tr->snap_lock);
    if (w->acting_version != w->actor_version) { /* outside the lock: O(n_params) */
      actor_load(&w->acting, w->actor_params);
      w->acting_version = w->actor_version;
    }

    double ret;
    long len;
    int s = worker_step(tr, w, step, n_pending, &ret, &len);
    if (s == 1) n_pending++;
    claimed_done++;
    pthread_mutex_lock(&tr->lock);
    if (s < 0) {
      tr->failed = 1;
      tr->stop = 1;
      pthread_cond_broadcast(&tr->cv);
    }
    if (len > 0) {
      tr->count.episodes++;
      log_episode(tr, step + 1, ret, len);
    }
  }
}

static void publish_actor(Trainer *tr) {
  pthread_mutex_lock(&tr->snap_lock);
  memcpy(tr->snap, tr->agent.actor.params, sizeof(float) * tr->agent.actor.n_params);
  tr->snap_version++;
  pthread_mutex_unlock(&tr->snap_lock);
}

/* park every worker with its pending rows flushed (lock not held on entry or exit) */
static void pause_workers(Trainer *tr) {
  pthread_mutex_lock(&tr->lock);
  tr->pause = 1;
  pthread_cond_broadcast(&tr->cv);
  while (tr->n_paused < tr->n_running && !tr->stop) pthread_cond_wait(&tr->cv, &tr->lock);
  pthread_mutex_unlock(&tr->lock);
}

static void resume_workers(Trainer *tr) {
  pthread_mutex_lock(&tr->lock);
  tr->pause = 0;
  pthread_cond_broadcast(&tr->cv);
  pthread_mutex_unlock(&tr->lock);
}

static int run_async(Trainer *tr, char *err) {
  int rc = 0;
  publish_actor(tr);
  tr->env_claimed = tr->count.env_steps;
  tr->n_running = tr->n_workers;
  tr->stop = tr->pause = tr->n_paused = 0;
  if (tr->count.env_steps == 0) {
    if (run_eval(tr, err) != 0) return -1;
    tr->count.next_eval = tr->cfg.eval_every;
  }
  for (int i = 0; i < tr->n_workers; i++)
    DDPG_CHECK(pthread_create(&tr->workers[i].thread, NULL, worker_main, &tr->workers[i]) == 0);
  for (;;) {
    if (g_stop_signal) {
      rc = 3;
      break;
    }
    pthread_mutex_lock(&tr->lock);
    long target = updates_allowed(tr, tr->count.env_steps);
    int done = tr->n_running == 0 && tr->count.env_steps >= tr->cfg.steps;
    while (tr->count.updates >= target && !done && !tr->stop && !g_stop_signal &&
           tr->count.env_steps < tr->count.next_eval && tr->count.env_steps < tr->count.next_ckpt &&
           !hook_due(tr, tr->count.env_steps)) {
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      ts.tv_nsec += 50 * 1000000L;
      if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
      pthread_cond_timedwait(&tr->cv, &tr->lock, &ts);
      target = updates_allowed(tr, tr->count.env_steps);
      done = tr->n_running == 0 && tr->count.env_steps >= tr->cfg.steps;
    }
    int failed = tr->failed;
    long env_done = tr->count.env_steps; /* workers advance it: read under the lock */
    pthread_mutex_unlock(&tr->lock);
    if (failed) {
      rc = err_set(err, "%s", tr->fail_msg);
      break;
    }
    if (tr->count.updates < target) {
      if (learner_update(tr, err) != 0) {
        rc = -1;
        break;
      }
      publish_actor(tr);
      pthread_mutex_lock(&tr->lock);
      pthread_cond_broadcast(&tr->cv);
      pthread_mutex_unlock(&tr->lock);
    } else if (done) {
      break;
    }
    if (env_done >= tr->count.next_eval || env_done >= tr->count.next_ckpt ||
        hook_due(tr, env_done)) {
      pause_workers(tr);
      int m = milestones(tr, err);
      resume_workers(tr);
      if (m != 0) {
        rc = -1;
        break;
      }
    }
    report(tr, 0);
  }
  pthread_mutex_lock(&tr->lock);
  tr->stop = 1;
  pthread_cond_broadcast(&tr->cv);
  pthread_mutex_unlock(&tr->lock);
  for (int i = 0; i < tr->n_workers; i++) pthread_join(tr->workers[i].thread, NULL);
  /* every claimed step was flushed by its worker on the way out */
  return rc;
}

/* ------------------------------------------------------------------------------------ */

int trainer_run(Trainer *tr, char *err) {
  char p[1100];
  int rc = 0;
  if (tr->dist->rank == 0) { /* MPI: rank 0 writes the logs */
    path_in(tr, "progress.csv", p, sizeof p);
    tr->log.progress = open_csv(p, PROGRESS_HEADER);
    if (!tr->log.progress) rc = err_set(err, "cannot write %s: %s", p, strerror(errno));
    if (rc == 0) rc = tblog_open(&tr->log.tb, tr->dir, err);
    /* resumed: TensorBoard drops what the interrupted session logged after the checkpoint */
    if (rc == 0 && tr->count.env_steps > 0)
      tb_check(tr, tblog_session_start(&tr->log.tb, tr->count.env_steps, tblog_wall_time()));
  }
  if (dist_agree(tr->dist, rc, err) != 0) return -1;
  tr->log.t_start = now_seconds();
  tr->log.last_log_t = tr->log.t_start;
  tr->log.last_log_steps = tr->count.env_steps;
  tr->log.last_log_updates = tr->count.updates;
  /* MPI: the synchronous schedule whatever --workers and --sync say (lock-step updates) */
  int sync = tr->n_workers == 1 || tr->cfg.sync || tr->dist->size > 1;
  tr->shared_err = 0;
  rc = sync ? run_sync(tr, err) : run_async(tr, err);
  if (rc == -1) {
    if (tr->log.tty && !tr->log.quiet) fputc('\n', stderr);
    fflush(tr->log.progress);
    if (!tr->shared_err) dist_abort(tr->dist, err); /* only this rank saw it */
    return -1;
  }
  /* finished: a last evaluation at the final step if it has none yet; then checkpoint */
  if (rc == 0 && (tr->count.next_eval - tr->cfg.eval_every) < tr->count.env_steps) {
    if (run_eval(tr, err) != 0) {
      dist_abort(tr->dist, err);
      return -1;
    }
    while (tr->count.next_eval <= tr->count.env_steps) tr->count.next_eval += tr->cfg.eval_every;
  }
  if (rc == 0 && hook_due(tr, tr->count.env_steps) && run_hook(tr, err) != 0) {
    dist_abort(tr->dist, err);
    return -1;
  }
  report(tr, 1);
  if (tr->log.tty && !tr->log.quiet) fputc('\n', stderr);
  fflush(tr->log.progress);
  if (trainer_save(tr, err) != 0) return -1;
  return rc;
}

int trainer_read(Trainer *tr, const char *dir, const char *path, long steps, char *err) {
  memset(tr, 0, sizeof *tr);
  uint8_t *buf;
  size_t len;
  Reader r;
  TrainConfig cfg;
  int obs_dim, act_dim;
  float *bounds;
  EnvRecord rec;
  uint32_t crc, version;
  if (checkpoint_open(path, &buf, &len, &r, &cfg, &obs_dim, &act_dim, &bounds, &rec, &version,
                      &crc, err))
    return -1;
  free(bounds);
  if (steps > 0) cfg.steps = steps;
  /* the task the checkpoint recorded, never the task file (which may have been edited) */
  int rc = ensure_dir(dir, err) != 0 || trainer_build(tr, &cfg, &rec, dir, err) != 0 ? -1 : 0;
  if (rc == 0 && (tr->agent.cfg.obs_dim != obs_dim || tr->agent.cfg.act_dim != act_dim))
    rc = err_set(err, "checkpoint %s was trained with %d observations and %d actions but "
                 "the model now has %d and %d", path, obs_dim, act_dim,
                 tr->agent.cfg.obs_dim, tr->agent.cfg.act_dim);
  /* the parts after the header, in file order (checkpoint.h) */
  if (rc == 0) {
    agent_read(&r, &tr->agent);
    checkpoint_read_learner(&r, tr->rng.s, &tr->count, cfg.updates_per_step);
    rc = checkpoint_read_workers(&r, tr, obs_dim, act_dim, version, path, err);
  }
  uint32_t has_replay = 0;
  if (rc == 0) r_u32(&r, &has_replay, "replay flag");
  if (rc == 0 && has_replay && !r.bad) rc = replay_read(&r, &tr->replay, path, err);
  if (rc == 0 && !r.bad && version >= 3 && r.pos != r.len)
    r_invalid(&r, "parts (bytes left before the provenance)");
  const char *prov;
  size_t prov_len;
  if (rc == 0 && !r.bad && checkpoint_provenance(buf, len, version, &prov, &prov_len) == 0) {
    tr->provenance = xmalloc(prov_len + 1);
    memcpy(tr->provenance, prov, prov_len);
    tr->provenance[prov_len] = 0;
  }
  free(buf);
  if (rc != 0) return -1;
  if (r.bad) return err_set(err, "cannot resume from %s: %s", path, r.what);
  /* without the replay, refill it with the current policy for the warm-up length before
   * updating again: updates on the first few hundred fresh transitions overfit the critic
   * and wreck a good policy (docs/training.md, "Resume") */
  if (!has_replay) {
    long refill = tr->cfg.start_steps > tr->cfg.batch ? tr->cfg.start_steps : tr->cfg.batch;
    tr->refill_until = tr->count.env_steps + refill;
    tr->refill_updates = tr->count.updates;
  }
  if (steps >= 0 && tr->count.env_steps >= tr->cfg.steps) /* steps < 0: reading only */
    return err_set(err, "the run in %s already reached %ld steps; pass --steps N with a "
                   "larger N to continue it", dir, tr->count.env_steps);
  return 0;
}

int trainer_resume(Trainer *tr, const char *dir, long steps, char *err) {
  memset(tr, 0, sizeof *tr);
  Dist *d = dist_world();
  /* MPI: a run continues only with the number of ranks it started with, since every rank's
   * workers and replay buffer are part of its state */
  long ranks = dist_bcast_long(d, d->rank == 0 ? stored_ranks(dir) : 0);
  if (ranks < 1)
    return err_set(err, "%s/%s is unreadable; it records the number of MPI ranks of the "
                   "run (restore it, or write \"ranks R\" into it)", dir, CHECKPOINT_RANKS_NAME);
  if (ranks != d->size) {
    if (ranks == 1)
      return err_set(err, "the run in %s was trained by one process; resume it without "
                     "mpirun (got %d MPI ranks)", dir, d->size);
    return err_set(err, "the run in %s was trained with %ld MPI ranks; resume it with "
                   "mpirun -np %ld ddpg train --resume %s (got %d: each rank's workers and "
                   "replay buffer are part of the run)", dir, ranks, ranks, dir, d->size);
  }
  char path[1100];
  if (d->rank == 0)
    snprintf(path, sizeof path, "%s/%s", dir, CHECKPOINT_NAME);
  else
    rank_path(dir, d->rank, 0, path, sizeof path);
  int rc = trainer_read(tr, dir, path, steps, err);
  if (d->size > 1) {
    /* rank 0 commits a checkpoint last: after a crash in the middle of a save, rank k's
     * newest file may be one checkpoint ahead; its previous file is then the match */
    long at = dist_bcast_long(d, rc == 0 ? tr->count.env_steps : -1);
    if (d->rank > 0 && at >= 0 && (rc != 0 || tr->count.env_steps != at)) {
      char prev[1100];
      rank_path(dir, d->rank, 1, prev, sizeof prev);
      if (access(prev, F_OK) == 0) {
        trainer_free(tr);
        rc = trainer_read(tr, dir, prev, steps, err);
        if (rc == 0 && tr->count.env_steps == at && rename(prev, path) != 0)
          rc = err_set(err, "cannot rename %s to %s: %s", prev, path, strerror(errno));
        snprintf(path, sizeof path, "%s", prev);
      }
      if (rc == 0 && tr->count.env_steps != at)
        rc = err_set(err, "%s is at step %ld but rank 0's %s/%s at step %ld: the files do "
                     "not belong to one checkpoint", path, tr->count.env_steps, dir,
                     CHECKPOINT_NAME,
                     at);
    }
  }
  if (dist_agree(d, rc, err) != 0) return -1;
  uint64_t lo, hi;
  if (!dist_same_u64(d, dist_agent_hash(&tr->agent), &lo, &hi))
    return err_set(err, "the checkpoint files in %s do not hold one agent (parameter "
                   "checksums %016" PRIx64 " .. %016" PRIx64 "): they were not written by one "
                   "run", dir, lo, hi);
  checkpoint_note_build(tr); /* a new line only when this build or CPU differs */
  /* logs: drop rows the interrupted session wrote after this checkpoint */
  if (d->rank == 0) {
    char p[1100];
    path_in(tr, "eval.csv", p, sizeof p);
    tr->log.wall_offset = csv_truncate_after(p, tr->count.env_steps, 0, 5);
    tr->log.best_eval = csv_column_max(p, 1);
    path_in(tr, "progress.csv", p, sizeof p);
    csv_truncate_after(p, tr->count.env_steps, 1, -1);
  }
  return 0;
}

int trainer_write_record(const Trainer *tr, const char *command, char *err) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return err_set(err, "cannot build the run record: %s", strerror(errno));
  fprintf(f, "# the resolved configuration of the run in this directory, one `name = value`\n"
             "# per setting of `ddpg train --help`; rewritten when a session starts\n");
  config_print(f, &tr->cfg);
  fclose(f);
  char path[1100];
  path_in(tr, "config.txt", path, sizeof path);
  int rc = write_file_atomic(path, text, len, err);
  free(text);
  if (rc != 0) return -1;
  path_in(tr, "commands.txt", path, sizeof path);
  FILE *c = fopen(path, "a");
  if (!c) return err_set(err, "cannot write %s: %s", path, strerror(errno));
  char when[32];
  time_t now = time(NULL);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  fprintf(c, "%s step %ld: %s\n", when, tr->count.env_steps, command);
  if (fclose(c) != 0) return err_set(err, "cannot write %s: %s", path, strerror(errno));
  return 0;
}

/* ------------------------------------------------------------------------------------ */
/* checkpoints (the format: checkpoint.c)                                                 */

void trainer_serialize(Trainer *tr, Writer *w) { checkpoint_write(w, tr, tr->cfg.save_replay); }

int trainer_save(Trainer *tr, char *err) {
  Writer w;
  writer_init(&w);
  trainer_serialize(tr, &w);
  Dist *d = tr->dist;
  char path[1100];
  int rc = 0;
  if (d->size > 1) {
    /* MPI: ranks k > 0 write first, keeping their previous file, and rank 0 commits the
     * checkpoint last, so a crash at any moment leaves a set trainer_resume can match */
    if (d->rank > 0) {
      char prev[1100];
      rank_path(tr->dir, d->rank, 0, path, sizeof path);
      rank_path(tr->dir, d->rank, 1, prev, sizeof prev);
      if (rename(path, prev) != 0 && errno != ENOENT)
        rc = err_set(err, "cannot rename %s: %s", path, strerror(errno));
      if (rc == 0) rc = write_file_atomic(path, w.buf, w.len, err);
    }
    rc = dist_agree(d, rc, err);
  }
  if (rc == 0 && d->rank == 0) {
    path_in(tr, CHECKPOINT_NAME, path, sizeof path);
    rc = write_file_atomic(path, w.buf, w.len, err);
  }
  if (d->size > 1) {
    rc = dist_agree(d, rc, err);
    tr->shared_err = rc != 0;
  }
  writer_free(&w);
  return rc;
}
