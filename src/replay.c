/* replay: lock-protected struct-of-arrays ring buffer.
 *
 * DESIGN
 * ------
 * The replay buffer is the one shared mutable structure of the trainer. Rollout workers
 * (any number of threads) append transitions; the learner samples minibatches. One
 * pthread mutex, `lock`, protects every field of Replay: the arrays, size, next and
 * total_added. The invariants, true whenever the lock is free:
 *   - rows [0, size) hold complete transitions; no reader ever sees a half-written row,
 *     because rows are only written while the lock is held;
 *   - next = total_added mod capacity, and size = min(total_added, capacity).
 * Critical sections are short and bounded: an append copies a small batch of rows
 * (a worker buffers a few steps and appends them at once); a sample copies B rows into the
 * learner's own Batch. Random indices are drawn inside the lock from the caller's own Rng
 * (the draw depends on `size`), which costs nanoseconds per row. With learner threads
 * (replay_sample_team) the learner's helpers copy parts of the minibatch while the learner
 * holds the lock: they act for it, and team_run returns only when every part is copied, so
 * the lock still covers every read. Checkpoints write and read the ring through
 * replay_write / replay_read, also under the lock; those sections are long (the whole ring),
 * so the trainer calls them only while no worker runs (paused, or before they start). The
 * lock is only taken inside this file. Nobody calls out of this file while holding the lock
 * (but for serial.c's writers and readers, which take no lock), and no other lock is ever
 * taken inside it, so there is no lock ordering to get wrong. Memory is allocated once at
 * init; nothing allocates after.
 */
#include "replay.h"

#include <stdlib.h>
#include <string.h>

#include "serial.h"
#include "team.h"
#include "util.h"

size_t replay_bytes_per_transition(int obs_dim, int act_dim) {
  return sizeof(float) * (size_t)(2 * obs_dim + act_dim + 2);
}

static float *alloc_rows(size_t rows, int width) {
  return calloc(rows * (size_t)width, sizeof(float));
}

int replay_init(Replay *r, size_t capacity, int obs_dim, int act_dim, char *err) {
  memset(r, 0, sizeof *r);
  DDPG_CHECK(capacity >= 1 && obs_dim >= 1 && act_dim >= 1);
  r->capacity = capacity;
  r->obs_dim = obs_dim;
  r->act_dim = act_dim;
  r->obs = alloc_rows(capacity, obs_dim);
  r->act = alloc_rows(capacity, act_dim);
  r->rew = alloc_rows(capacity, 1);
  r->next_obs = alloc_rows(capacity, obs_dim);
  r->not_done = alloc_rows(capacity, 1);
  if (!r->obs || !r->act || !r->rew || !r->next_obs || !r->not_done) {
    size_t mb = capacity * replay_bytes_per_transition(obs_dim, act_dim) >> 20;
    replay_free(r);
    return err_set(err, "cannot allocate a replay buffer of %zu transitions (%zu MB); "
                   "lower --buffer-size", capacity, mb);
  }
  DDPG_CHECK(pthread_mutex_init(&r->lock, NULL) == 0);
  return 0;
}

void replay_free(Replay *r) {
  if (r->capacity) pthread_mutex_destroy(&r->lock);
  free(r->obs);
  free(r->act);
  free(r->rew);
  free(r->next_obs);
  free(r->not_done);
  memset(r, 0, sizeof *r);
}

static void copy_row(float *dst, size_t di, const float *src, size_t si, int w) {
  memcpy(dst + di * (size_t)w, src + si * (size_t)w, sizeof(float) * (size_t)w);
}

void replay_add(Replay *r, const Batch *b, int n) {
  pthread_mutex_lock(&r->lock); /* short: n row copies */
  for (int i = 0; i < n; i++) {
    size_t k = r->next;
    copy_row(r->obs, k, b->obs, (size_t)i, r->obs_dim);
    copy_row(r->act, k, b->act, (size_t)i, r->act_dim);
    r->rew[k] = b->rew[i];
    copy_row(r->next_obs, k, b->next_obs, (size_t)i, r->obs_dim);
    r->not_done[k] = b->not_done[i];
    r->next = (k + 1) % r->capacity;
    if (r->size < r->capacity) r->size++;
    r->total_added++;
  }
  pthread_mutex_unlock(&r->lock);
}

static void prefetch_row(const float *a, size_t k, int w) {
  const char *p = (const char *)(a + k * (size_t)w);
  __builtin_prefetch(p);
  __builtin_prefetch(p + sizeof(float) * (size_t)w - 1); /* a row may straddle two lines */
}

/* minibatch rows [lo, hi) from the replay rows in out->idx */
static void copy_rows(const Replay *r, Batch *out, size_t lo, size_t hi) {
  for (size_t i = lo; i < hi; i++) {
    size_t k = out->idx[i];
    copy_row(out->obs, i, r->obs, k, r->obs_dim);
    copy_row(out->act, i, r->act, k, r->act_dim);
    out->rew[i] = r->rew[k];
    copy_row(out->next_obs, i, r->next_obs, k, r->obs_dim);
    out->not_done[i] = r->not_done[k];
  }
}

/* draw the replay rows of minibatch rows [lo, hi) in order, requesting their cache lines
 * (a large buffer's rows are cache misses; requested together they overlap) */
static void draw_rows(const Replay *r, Rng *rng, size_t size, Batch *out, size_t lo,
                      size_t hi) {
  for (size_t i = lo; i < hi; i++) {
    size_t k = (size_t)rng_below(rng, size);
    out->idx[i] = k;
    prefetch_row(r->obs, k, r->obs_dim);
    prefetch_row(r->act, k, r->act_dim);
    __builtin_prefetch(r->rew + k);
    prefetch_row(r->next_obs, k, r->obs_dim);
    __builtin_prefetch(r->not_done + k);
  }
}

typedef struct {
  const Replay *r;
  Batch *out;
  int n;
} SampleJob;

static void copy_part(void *ctx, int p, int n_parts) {
  const SampleJob *j = ctx;
  size_t lo, hi;
  team_range((size_t)j->n, p, n_parts, 16, &lo, &hi);
  copy_rows(j->r, j->out, lo, hi);
}

#define SAMPLE_CHUNK 32 /* rows drawn ahead of their copies on one thread */

size_t replay_sample(Replay *r, Rng *rng, int n, Batch *out) {
  return replay_sample_team(r, rng, n, out, NULL);
}

size_t replay_sample_team(Replay *r, Rng *rng, int n, Batch *out, Team *team) {
  DDPG_CHECK(n <= out->max_n);
  pthread_mutex_lock(&r->lock); /* short: n index draws and row copies */
  size_t size = r->size;
  if (size > 0) {
    if (team_size(team) == 1) {
      for (size_t i = 0; i < (size_t)n; i += SAMPLE_CHUNK) {
        size_t end = i + SAMPLE_CHUNK < (size_t)n ? i + SAMPLE_CHUNK : (size_t)n;
        draw_rows(r, rng, size, out, i, end);
        copy_rows(r, out, i, end);
      }
    } else { /* every draw, then the copies split by rows while this thread holds the lock:
              * each thread copies the rows it multiplies first */
      draw_rows(r, rng, size, out, 0, (size_t)n);
      SampleJob j = {r, out, n};
      team_run(team, copy_part, &j, team_size(team));
    }
    out->n = n;
  }
  pthread_mutex_unlock(&r->lock);
  return size;
}

void replay_write(Writer *w, Replay *r) {
  pthread_mutex_lock(&r->lock); /* long: the whole ring; callers hold the writers paused */
  size_t n = r->size;
  int S = r->obs_dim, A = r->act_dim;
  w_i64(w, (int64_t)r->capacity);
  w_i64(w, (int64_t)n);
  w_i64(w, (int64_t)r->next);
  w_i64(w, (int64_t)r->total_added);
  w_floats(w, r->obs, n * (size_t)S);
  w_floats(w, r->act, n * (size_t)A);
  w_floats(w, r->rew, n);
  w_floats(w, r->next_obs, n * (size_t)S);
  w_floats(w, r->not_done, n);
  pthread_mutex_unlock(&r->lock);
}

int replay_read(Reader *rd, Replay *r, const char *name, char *err) {
  int64_t cap, size, next, total;
  r_i64(rd, &cap, "replay");
  r_i64(rd, &size, "replay");
  r_i64(rd, &next, "replay");
  r_i64(rd, &total, "replay");
  if (rd->bad) return 0;
  if (cap != (int64_t)r->capacity || size < 0 || size > cap || next < 0 || next >= cap)
    return err_set(err, "checkpoint %s: replay buffer dimensions do not match its "
                   "configuration (corrupt file)", name);
  int S = r->obs_dim, A = r->act_dim;
  pthread_mutex_lock(&r->lock); /* long: the whole ring; nobody else runs yet */
  r->size = (size_t)size;
  r->next = (size_t)next;
  r->total_added = (uint64_t)total;
  r_floats(rd, r->obs, (size_t)size * (size_t)S, "replay observations");
  r_floats(rd, r->act, (size_t)size * (size_t)A, "replay actions");
  r_floats(rd, r->rew, (size_t)size, "replay rewards");
  r_floats(rd, r->next_obs, (size_t)size * (size_t)S, "replay next observations");
  r_floats(rd, r->not_done, (size_t)size, "replay done flags");
  pthread_mutex_unlock(&r->lock);
  return 0;
}

size_t replay_size(Replay *r) {
  pthread_mutex_lock(&r->lock);
  size_t s = r->size;
  pthread_mutex_unlock(&r->lock);
  return s;
}

void batch_init(Batch *b, int max_n, int obs_dim, int act_dim) {
  memset(b, 0, sizeof *b);
  b->max_n = max_n;
  b->obs_dim = obs_dim;
  b->act_dim = act_dim;
  b->obs = xcalloc((size_t)max_n * (size_t)obs_dim, sizeof(float));
  b->act = xcalloc((size_t)max_n * (size_t)act_dim, sizeof(float));
  b->rew = xcalloc((size_t)max_n, sizeof(float));
  b->next_obs = xcalloc((size_t)max_n * (size_t)obs_dim, sizeof(float));
  b->not_done = xcalloc((size_t)max_n, sizeof(float));
  b->idx = xcalloc((size_t)max_n, sizeof(size_t));
}

void batch_free(Batch *b) {
  free(b->obs);
  free(b->act);
  free(b->rew);
  free(b->next_obs);
  free(b->not_done);
  free(b->idx);
  memset(b, 0, sizeof *b);
}

void batch_set(Batch *b, int i, const float *obs, const float *act, float rew,
               const float *next_obs, float not_done) {
  DDPG_CHECK(i >= 0 && i < b->max_n);
  memcpy(b->obs + (size_t)i * b->obs_dim, obs, sizeof(float) * (size_t)b->obs_dim);
  memcpy(b->act + (size_t)i * b->act_dim, act, sizeof(float) * (size_t)b->act_dim);
  b->rew[i] = rew;
  memcpy(b->next_obs + (size_t)i * b->obs_dim, next_obs, sizeof(float) * (size_t)b->obs_dim);
  b->not_done[i] = not_done;
}
