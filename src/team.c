/* team: the learner's helper threads and the split of one step into parts.
 *
 * DESIGN
 * A step (team_run) is published in one 64-bit word, the ticket: the step's sequence
 * number in the high half, then the range [lo, hi) of parts nobody has claimed yet. The
 * caller stores the step (fn, ctx, n_parts, done = 0), then the ticket (seq, 0, n_parts)
 * with release order; a thread claims a part by a compare-and-swap that moves lo up (the
 * caller) or hi down (helpers), so a claim succeeds only while its step is current and
 * every part is claimed exactly once. Helpers count finished parts in `done` (release);
 * the caller claims parts like a helper, then waits for `done` (acquire) to reach the
 * parts the helpers took. Invariants:
 *  - fn, ctx and n_parts change only between steps: a step ends when all its parts are
 *    done, so a helper whose claim succeeded read the fields of that step;
 *  - the caller never waits for a part nobody claimed: it claims what is left itself, so a
 *    helper that is descheduled (2 cores shared with rollout workers) delays nothing it has
 *    not started;
 *  - parts have fixed boundaries (team_range), so a result is the same whichever thread
 *    computes a part.
 * Idle helpers spin (pause) for TEAM_SPIN_NS after their last part, which covers the gaps
 * between an update's steps and between updates, then sleep on a condition variable; the
 * caller signals it only when `sleepers` is nonzero. `sleepers` and the ticket are
 * sequentially consistent, so either the caller sees the sleeper or the helper sees the new
 * ticket before it waits (the mutex is held only around that wait and its signal). */
#define _GNU_SOURCE /* sched_getaffinity */
#include "team.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <time.h>

#include <cblas.h>

#include "blas.h"
#include "util.h"

#define TEAM_SPIN_NS 200000L /* 0.2 ms: longer than any gap inside a training update */
#define TEAM_GEMM_MIN (1L << 16) /* multiply-adds below which a product is not split */

struct Team {
  int n;                       /* threads, the caller included */
  pthread_t *helpers;          /* (n - 1) */
  _Atomic uint64_t ticket;     /* seq << 32 | next unclaimed part */
  _Atomic(TeamFn) fn;          /* the current step */
  _Atomic(void *) ctx;
  atomic_int n_parts;
  atomic_int done;             /* parts finished by helpers */
  atomic_int sleepers;         /* helpers waiting on cv */
  atomic_int quit;
  uint32_t seq;                /* the caller's: sequence number of the last step */
  pthread_mutex_t mu;          /* guards only the sleep/wake handshake */
  pthread_cond_t cv;
};

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

static long elapsed_ns(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (t.tv_sec - t0->tv_sec) * 1000000000L + (t.tv_nsec - t0->tv_nsec);
}

/* the ticket word: seq << 32 | lo << 16 | hi; parts [lo, hi) are unclaimed */
static uint64_t ticket_make(uint32_t seq, int lo, int hi) {
  return (uint64_t)seq << 32 | (uint64_t)lo << 16 | (uint64_t)hi;
}
static int ticket_lo(uint64_t tk) { return (int)(tk >> 16 & 0xffff); }
static int ticket_hi(uint64_t tk) { return (int)(tk & 0xffff); }

/* claim one part of the step whose ticket was *tk: the lowest unclaimed one (the caller) or
 * the highest (helpers), so that with two threads each keeps its half of the rows from step
 * to step (its cache holds them); returns the part, or -1 when that step has none left or
 * the ticket moved on to another step (*tk then holds the current one) */
static int claim(Team *t, uint64_t *tk, int from_top) {
  const uint64_t seq = *tk >> 32;
  while ((*tk >> 32) == seq && ticket_lo(*tk) < ticket_hi(*tk)) {
    uint64_t want = *tk;
    uint64_t next = from_top ? want - 1 : want + ((uint64_t)1 << 16);
    if (atomic_compare_exchange_weak(&t->ticket, tk, next))
      return from_top ? ticket_hi(want) - 1 : ticket_lo(want);
  }
  return -1;
}

static void *helper_main(void *arg) {
  Team *t = arg;
  uint32_t seen = 0; /* the last step this helper found fully claimed */
  struct timespec idle_since;
  clock_gettime(CLOCK_MONOTONIC, &idle_since);
  for (unsigned spins = 0;; spins++) {
    uint64_t tk = atomic_load(&t->ticket);
    if ((uint32_t)(tk >> 32) != seen) {
      int n = atomic_load_explicit(&t->n_parts, memory_order_relaxed);
      TeamFn fn = atomic_load_explicit(&t->fn, memory_order_relaxed);
      void *ctx = atomic_load_explicit(&t->ctx, memory_order_relaxed);
      uint64_t mine = tk;
      int p = claim(t, &mine, 1);
      if (p >= 0) {
        fn(ctx, p, n);
        atomic_fetch_add_explicit(&t->done, 1, memory_order_release);
        continue; /* maybe another part */
      }
      if ((mine >> 32) == (tk >> 32)) seen = (uint32_t)(tk >> 32); /* all claimed */
      clock_gettime(CLOCK_MONOTONIC, &idle_since);
      spins = 0;
      continue;
    }
    if (atomic_load(&t->quit)) return NULL;
    cpu_relax();
    if ((spins & 255) != 255 || elapsed_ns(&idle_since) < TEAM_SPIN_NS) continue;
    pthread_mutex_lock(&t->mu);
    atomic_fetch_add(&t->sleepers, 1);
    while (!atomic_load(&t->quit) && (uint32_t)(atomic_load(&t->ticket) >> 32) == seen)
      pthread_cond_wait(&t->cv, &t->mu);
    atomic_fetch_sub(&t->sleepers, 1);
    pthread_mutex_unlock(&t->mu);
    clock_gettime(CLOCK_MONOTONIC, &idle_since);
  }
}

Team *team_new(int n) {
  DDPG_CHECK(n >= 1 && n <= 64);
  Team *t = xcalloc(1, sizeof *t);
  t->n = n;
  atomic_init(&t->ticket, 0);
  atomic_init(&t->fn, NULL);
  atomic_init(&t->ctx, NULL);
  atomic_init(&t->n_parts, 0);
  atomic_init(&t->done, 0);
  atomic_init(&t->sleepers, 0);
  atomic_init(&t->quit, 0);
  DDPG_CHECK(pthread_mutex_init(&t->mu, NULL) == 0 && pthread_cond_init(&t->cv, NULL) == 0);
  if (n > 1) t->helpers = xcalloc((size_t)n - 1, sizeof(pthread_t));
  for (int i = 0; i < n - 1; i++)
    DDPG_CHECK(pthread_create(&t->helpers[i], NULL, helper_main, t) == 0);
  return t;
}

void team_free(Team *t) {
  if (!t) return;
  pthread_mutex_lock(&t->mu);
  atomic_store(&t->quit, 1);
  pthread_cond_broadcast(&t->cv);
  pthread_mutex_unlock(&t->mu);
  for (int i = 0; i < t->n - 1; i++) pthread_join(t->helpers[i], NULL);
  pthread_mutex_destroy(&t->mu);
  pthread_cond_destroy(&t->cv);
  free(t->helpers);
  free(t);
}

int team_size(const Team *t) { return t ? t->n : 1; }

void team_run(Team *t, TeamFn fn, void *ctx, int n_parts) {
  DDPG_CHECK(n_parts <= 0xffff);
  if (!t || t->n == 1 || n_parts <= 1) {
    for (int p = 0; p < n_parts; p++) fn(ctx, p, n_parts);
    return;
  }
  /* publish the step (the fields first, the ticket last, release) */
  atomic_store_explicit(&t->fn, fn, memory_order_relaxed);
  atomic_store_explicit(&t->ctx, ctx, memory_order_relaxed);
  atomic_store_explicit(&t->n_parts, n_parts, memory_order_relaxed);
  atomic_store_explicit(&t->done, 0, memory_order_relaxed);
  t->seq++;
  if (t->seq == 0) t->seq = 1; /* 0 is the helpers' initial "seen" */
  uint64_t tk = ticket_make(t->seq, 0, n_parts);
  atomic_store(&t->ticket, tk);
  if (atomic_load(&t->sleepers) > 0) {
    pthread_mutex_lock(&t->mu);
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
  }
  /* work like a helper, then wait for the parts the helpers claimed */
  int mine = 0;
  for (int p; (p = claim(t, &tk, 0)) >= 0; mine++) fn(ctx, p, n_parts);
  while (atomic_load_explicit(&t->done, memory_order_acquire) < n_parts - mine) cpu_relax();
}

void team_range(size_t n, int p, int n_parts, size_t align, size_t *lo, size_t *hi) {
  size_t a = n * (size_t)p / (size_t)n_parts, b = n * (size_t)(p + 1) / (size_t)n_parts;
  *lo = p == 0 ? 0 : a - a % align;
  *hi = p == n_parts - 1 ? n : b - b % align;
}

typedef struct {
  int trans_a, trans_b, M, N, K, by_rows;
  float alpha, beta;
  const float *A, *B;
  float *C;
} GemmJob;

/* one block of C: rows [lo, hi) (or columns) with the full K */
static void gemm_part(void *ctx, int p, int n_parts) {
  const GemmJob *g = ctx;
  int lda = g->trans_a ? g->M : g->K, ldb = g->trans_b ? g->K : g->N;
  size_t lo, hi;
  team_range((size_t)(g->by_rows ? g->M : g->N), p, n_parts, 16, &lo, &hi);
  if (hi <= lo) return;
  const float *A = g->A, *B = g->B;
  float *C = g->C;
  int M = g->M, N = g->N;
  if (g->by_rows) { /* rows of op(A): A's rows, or its columns when transposed */
    A += g->trans_a ? lo : lo * (size_t)g->K;
    C += lo * (size_t)g->N;
    M = (int)(hi - lo);
  } else { /* columns of op(B): B's columns, or its rows when transposed */
    B += g->trans_b ? lo * (size_t)g->K : lo;
    C += lo;
    N = (int)(hi - lo);
  }
  blas_gemm_ld(g->trans_a, g->trans_b, M, N, g->K, g->alpha, A, lda, B, ldb, g->beta, C, g->N);
}

void team_gemm(Team *t, int trans_a, int trans_b, int M, int N, int K, float alpha,
               const float *A, const float *B, float beta, float *C) {
  if (team_size(t) == 1 || (long)M * N * K < TEAM_GEMM_MIN) {
    blas_gemm(trans_a, trans_b, M, N, K, alpha, A, B, beta, C);
    return;
  }
  GemmJob g = {trans_a, trans_b, M, N, K, M >= N, alpha, beta, A, B, C};
  team_run(t, gemm_part, &g, t->n);
}

int team_auto_threads(int busy) {
  cpu_set_t set;
  long cores = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
                                                           : sysconf(_SC_NPROCESSORS_ONLN);
  const char *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE"); /* ranks of this job here */
  long ranks = local ? strtol(local, NULL, 10) : 1;
  if (ranks > 1) cores /= ranks;
  long n = cores - busy;
  return n < 1 ? 1 : n > TEAM_AUTO_MAX ? TEAM_AUTO_MAX : (int)n;
}
