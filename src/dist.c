/* dist: the MPI layer; see dist.h and docs/distributed.md.
 *
 * DESIGN (collectives)
 * --------------------
 * Every collective below must be entered by all ranks at the same point of the run, in the
 * same order. The trainer guarantees it by running the synchronous schedule on every rank
 * with identical counters: all ranks take env step E and update U together, so the two (or
 * three, with twin critics) gradient allreduces of update U, the stop-flag poll every
 * DIST_POLL_STEPS steps, the parameter check every --mpi-check-every updates and the
 * agreements around evaluations and checkpoints line up by construction. A failure only one
 * rank sees inside that loop cannot be agreed on without the others reaching the same
 * point, so it ends the job with dist_abort (MPI_Abort) instead of returning.
 *
 * Without DDPG_WITH_MPI, or for one rank, every function is local and cheap: a plain run
 * pays nothing for this layer. */
#define _POSIX_C_SOURCE 200809L
#include "dist.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#ifdef DDPG_WITH_MPI
#include <mpi.h>
#endif

static Dist g_world = {.rank = 0, .size = 1};

Dist *dist_world(void) { return &g_world; }

int dist_available(void) {
#ifdef DDPG_WITH_MPI
  return 1;
#else
  return 0;
#endif
}

/* an environment variable as a non-negative integer, -1 when absent or malformed */
static long env_long(const char *name) {
  const char *s = getenv(name);
  if (!s || !*s) return -1;
  char *end;
  long v = strtol(s, &end, 10);
  return (*end || v < 0) ? -1 : v;
}

/* how many processes an MPI launcher started: Open MPI's mpirun sets OMPI_COMM_WORLD_*,
 * MPICH/Hydra and Slurm's PMI-2 set PMI_*, PMIx launchers (srun --mpi=pmix, prterun) set
 * PMIX_RANK. 0: not started by a launcher; 2 stands for "more than one" when only a rank
 * number is known */
static long launcher_size(void) {
  long n = env_long("OMPI_COMM_WORLD_SIZE");
  if (n < 0) n = env_long("PMI_SIZE");
  if (n >= 0) return n;
  long r = env_long("PMIX_RANK");
  if (r < 0) r = env_long("PMI_RANK");
  if (r < 0) return 0;
  return r > 0 ? 2 : 1;
}

int dist_init(char *err) {
  Dist *d = &g_world;
  if (d->mpi) return 0;
  long n = launcher_size();
  if (n == 0) return 0; /* a plain run: no MPI at all */
#ifdef DDPG_WITH_MPI
  int provided = 0;
  MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
  d->mpi = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &d->rank);
  MPI_Comm_size(MPI_COMM_WORLD, &d->size);
  /* a failed collective aborts the job with MPI's message (the default); only the
   * learner thread calls MPI, which MPI_THREAD_FUNNELED covers */
  (void)provided;
  (void)err;
  return 0;
#else
  if (n > 1)
    return err_set(err, "this ddpg was built without MPI (DDPG_MPI=OFF or libopenmpi-dev "
                   "missing), so %ld copies would train independently into one directory; "
                   "rebuild with MPI (scripts/install-deps.sh, cmake -DDDPG_MPI=ON) or run "
                   "without mpirun", n > 2 ? n : 2);
  return 0;
#endif
}

void dist_finalize(void) {
#ifdef DDPG_WITH_MPI
  Dist *d = &g_world;
  if (!d->mpi) return;
  MPI_Finalize();
  d->mpi = 0;
#endif
}

/* ------------------------------------------------------------------------------------ */
/* gradients and statistics                                                              */

void dist_attach(Dist *d, Agent *ag) {
  if (d->size <= 1) return;
  ag->grad_reduce = dist_grad_reduce;
  ag->grad_reduce_ctx = d;
  /* batch norm keeps running statistics after the trained floats of each slab */
  size_t n = ag->actor.n_params - ag->actor.n_train + ag->actor_targ.n_params -
             ag->actor_targ.n_train;
  for (int k = 0; k < ag->n_critics; k++)
    n += ag->critic[k].n_params - ag->critic[k].n_train + ag->critic_targ[k].n_params -
         ag->critic_targ[k].n_train;
  free(d->stats);
  d->stats = n ? xcalloc(n, sizeof(float)) : NULL;
  d->n_stats = n;
}

void dist_detach(Dist *d) {
  free(d->stats);
  d->stats = NULL;
  d->n_stats = 0;
}

void dist_grad_reduce(void *ctx, float *grads, size_t n) {
  Dist *d = ctx;
  if (d->size <= 1) return;
#ifdef DDPG_WITH_MPI
  DDPG_CHECK(n <= (size_t)INT_MAX);
  double t0 = now_seconds();
  /* g ← Σ_r g_r  (one allreduce of the whole slab), then g ← g / R */
  MPI_Allreduce(MPI_IN_PLACE, grads, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
  float inv = 1.0f / (float)d->size;
  for (size_t i = 0; i < n; i++) grads[i] *= inv;
  d->reduce_seconds += now_seconds() - t0;
  d->reduce_calls++;
  d->reduce_bytes += (double)n * sizeof(float);
#else
  (void)grads;
  (void)n;
#endif
}

#ifdef DDPG_WITH_MPI
/* copy the statistics tail of m into / out of buf; returns floats moved */
static size_t stats_io(Mlp *m, float *buf, int out) {
  size_t n = m->n_params - m->n_train;
  if (n == 0) return 0;
  if (out)
    memcpy(buf, m->params + m->n_train, n * sizeof(float));
  else
    memcpy(m->params + m->n_train, buf, n * sizeof(float));
  return n;
}

static size_t stats_all(Agent *ag, float *buf, int out) {
  size_t k = stats_io(&ag->actor, buf, out);
  k += stats_io(&ag->actor_targ, buf + k, out);
  for (int c = 0; c < ag->n_critics; c++) {
    k += stats_io(&ag->critic[c], buf + k, out);
    k += stats_io(&ag->critic_targ[c], buf + k, out);
  }
  return k;
}
#endif

void dist_sync_stats(Dist *d, Agent *ag) {
  if (d->size <= 1 || d->n_stats == 0) return;
#ifdef DDPG_WITH_MPI
  DDPG_CHECK(stats_all(ag, d->stats, 1) == d->n_stats && d->n_stats <= (size_t)INT_MAX);
  /* one fused allreduce of every network's running mean and variance, then / R */
  MPI_Allreduce(MPI_IN_PLACE, d->stats, (int)d->n_stats, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
  float inv = 1.0f / (float)d->size;
  for (size_t i = 0; i < d->n_stats; i++) d->stats[i] *= inv;
  stats_all(ag, d->stats, 0);
#else
  (void)ag;
#endif
}

/* ------------------------------------------------------------------------------------ */
/* agreement                                                                              */

int dist_any(Dist *d, int flag) {
  flag = flag != 0;
#ifdef DDPG_WITH_MPI
  if (d->size > 1) MPI_Allreduce(MPI_IN_PLACE, &flag, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
#else
  (void)d;
#endif
  return flag;
}

int dist_all(Dist *d, int flag) {
  flag = flag != 0;
#ifdef DDPG_WITH_MPI
  if (d->size > 1) MPI_Allreduce(MPI_IN_PLACE, &flag, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
#else
  (void)d;
#endif
  return flag;
}

long dist_bcast_long(Dist *d, long v) {
#ifdef DDPG_WITH_MPI
  if (d->size > 1) MPI_Bcast(&v, 1, MPI_LONG, 0, MPI_COMM_WORLD);
#else
  (void)d;
#endif
  return v;
}

int dist_agree(Dist *d, int rc, char *err) {
  if (d->size <= 1) return rc;
#ifdef DDPG_WITH_MPI
  /* the lowest failing rank (size: none) ... */
  int first = rc != 0 ? d->rank : d->size;
  MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (first == d->size) return 0;
  /* ... sends its message to everyone */
  char msg[ERR_LEN];
  if (d->rank == first) {
    if (first > 0) {
      char own[ERR_LEN];
      snprintf(own, sizeof own, "%s", err ? err : "failed");
      snprintf(msg, sizeof msg, "rank %d: %.*s", first, ERR_LEN - 16, own);
    } else {
      snprintf(msg, sizeof msg, "%s", err ? err : "failed");
    }
  }
  MPI_Bcast(msg, ERR_LEN, MPI_CHAR, first, MPI_COMM_WORLD);
  if (err) snprintf(err, ERR_LEN, "%s", msg);
  return -1;
#else
  (void)err;
  return rc;
#endif
}

int dist_same_u64(Dist *d, uint64_t h, uint64_t *lo, uint64_t *hi) {
  /* one allreduce: max(h) and max(~h) = ~min(h) */
  uint64_t v[2] = {h, ~h};
#ifdef DDPG_WITH_MPI
  if (d->size > 1) MPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
#else
  (void)d;
#endif
  *hi = v[0];
  *lo = ~v[1];
  return *lo == *hi;
}

void dist_abort(Dist *d, const char *msg) {
  if (d->size <= 1) return;
  fprintf(stderr, "ddpg train: rank %d: %s\n", d->rank, msg);
  fflush(stderr);
#ifdef DDPG_WITH_MPI
  MPI_Abort(MPI_COMM_WORLD, 1);
#endif
  exit(1);
}

/* ------------------------------------------------------------------------------------ */
/* hash                                                                                   */

/* FNV-1a over 32-bit words (float bit patterns: -0.0 and 0.0 differ, as they should) */
static uint64_t hash_words(uint64_t h, const void *p, size_t n_words) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n_words; i++) {
    uint32_t w;
    memcpy(&w, b + 4 * i, 4);
    h = (h ^ w) * 0x100000001b3ULL;
  }
  return h;
}

static uint64_t hash_i64(uint64_t h, int64_t v) { return hash_words(h, &v, 2); }

static uint64_t hash_mlp(uint64_t h, const Mlp *m) { return hash_words(h, m->params, m->n_params); }

static uint64_t hash_adam(uint64_t h, const Adam *a) {
  h = hash_i64(h, a->t);
  if (a->m) h = hash_words(hash_words(h, a->m, a->n), a->v, a->n);
  return h;
}

uint64_t dist_agent_hash(const Agent *ag) {
  uint64_t h = 0xcbf29ce484222325ULL;
  h = hash_mlp(hash_mlp(h, &ag->actor), &ag->actor_targ);
  for (int k = 0; k < ag->n_critics; k++)
    h = hash_mlp(hash_mlp(h, &ag->critic[k]), &ag->critic_targ[k]);
  h = hash_adam(h, &ag->actor_opt);
  for (int k = 0; k < ag->n_critics; k++) h = hash_adam(h, &ag->critic_opt[k]);
  return hash_i64(h, ag->n_updates);
}
