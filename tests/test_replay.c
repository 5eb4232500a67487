/* test_replay: the ring (wrap-around, every sampled row one whole transition, the bytes per
 * transition) and the ring under four concurrent writers and a sampler.
 * ThreadSanitizer runs this file in CI (CTest label tsan). */
#include "helpers.h"

#include <pthread.h>

#include "replay.h"
#include "rng.h"

START_TEST(test_replay_ring) {
  Replay r;
  char err[512];
  ck_assert_int_eq(replay_init(&r, 3, 2, 1, err), 0);
  Batch b, out;
  batch_init(&b, 5, 2, 1);
  batch_init(&out, 64, 2, 1);
  for (int i = 0; i < 5; i++) {
    float o[2] = {(float)i, (float)-i}, a = (float)i * 10, no[2] = {(float)i + 1, 0};
    batch_set(&b, i, o, &a, (float)i, no, i == 4 ? 0.0f : 1.0f);
  }
  replay_add(&r, &b, 5);
  ck_assert_uint_eq(r.size, 3);
  ck_assert_uint_eq(r.total_added, 5);
  ck_assert_uint_eq(r.next, 2);
  /* rows 2, 3, 4 remain: each sampled row is internally consistent */
  Rng g;
  rng_init(&g, 1, 0);
  ck_assert_uint_eq(replay_sample(&r, &g, 64, &out), 3);
  int seen[5] = {0};
  for (int i = 0; i < 64; i++) {
    int k = (int)out.rew[i];
    ck_assert(k >= 2 && k <= 4);
    seen[k] = 1;
    ck_assert_float_eq(out.obs[2 * i], (float)k);
    ck_assert_float_eq(out.act[i], (float)k * 10);
    ck_assert_float_eq(out.next_obs[2 * i], (float)k + 1);
    ck_assert_float_eq(out.not_done[i], k == 4 ? 0.0f : 1.0f);
  }
  ck_assert(seen[2] && seen[3] && seen[4]);
  ck_assert_uint_eq(replay_bytes_per_transition(17, 6), 168);
  batch_free(&b);
  batch_free(&out);
  replay_free(&r);
}
END_TEST

/* ---- replay under concurrency ------------------------------------------------------- */

typedef struct {
  Replay *r;
  int id;
} WriterArg;

static void *writer_main(void *p) {
  WriterArg *a = p;
  Batch b;
  batch_init(&b, 4, 3, 2);
  for (int i = 0; i < 5000; i += 4) {
    for (int k = 0; k < 4; k++) {
      float v = (float)(a->id * 100000 + i + k);
      float o[3] = {v, v + 1, v + 2}, act[2] = {v, -v}, no[3] = {v + 3, v + 4, v + 5};
      batch_set(&b, k, o, act, v, no, 1.0f);
    }
    replay_add(a->r, &b, 4);
  }
  batch_free(&b);
  return NULL;
}

typedef struct {
  Replay *r;
  int bad;
  int samples;
} SamplerArg;

static void *sampler_main(void *p) {
  SamplerArg *a = p;
  Batch b;
  batch_init(&b, 64, 3, 2);
  Rng rng;
  rng_init(&rng, 9, 0);
  while (a->samples < 2000) { /* runs while the writers write */
    if (replay_sample(a->r, &rng, 64, &b) == 0) continue;
    a->samples++;
    for (int i = 0; i < 64; i++) { /* every row must be one whole transition */
      float v = b.rew[i];
      if (b.obs[3 * i] != v || b.obs[3 * i + 2] != v + 2 || b.act[2 * i + 1] != -v ||
          b.next_obs[3 * i + 2] != v + 5 || b.not_done[i] != 1.0f)
        a->bad++;
    }
  }
  batch_free(&b);
  return NULL;
}

START_TEST(test_replay_concurrent_writers_and_sampler) {
  Replay r;
  char err[ERR_LEN];
  ck_assert_int_eq(replay_init(&r, 8192, 3, 2, err), 0);
  pthread_t w[4], s;
  WriterArg wa[4];
  SamplerArg sa = {&r, 0, 0};
  pthread_create(&s, NULL, sampler_main, &sa);
  for (int i = 0; i < 4; i++) {
    wa[i] = (WriterArg){&r, i};
    pthread_create(&w[i], NULL, writer_main, &wa[i]);
  }
  for (int i = 0; i < 4; i++) pthread_join(w[i], NULL);
  pthread_join(s, NULL);
  ck_assert_int_eq(sa.bad, 0);
  ck_assert_int_gt(sa.samples, 0);
  ck_assert_uint_eq(r.total_added, 20000);
  ck_assert_uint_eq(r.size, 8192);
  ck_assert_uint_eq(r.next, 20000 % 8192);
  replay_free(&r);
}
END_TEST

TH_MAIN("replay", 240, test_replay_ring, test_replay_concurrent_writers_and_sampler)
