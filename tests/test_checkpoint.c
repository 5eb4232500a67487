/* test_checkpoint: the checkpoint format (src/checkpoint.c). Load and serialize again gives
 * the same bytes, for plain runs and for every variant (batch norm, the action at layer 2,
 * the paper's and TD3's presets), whose interrupted and resumed runs also end in the bytes
 * of an uninterrupted one; truncated, bit-flipped, foreign and other-version files are
 * refused with a clear message; `ddpg strip` drops the replay and nothing else; the
 * provenance records the builds that trained a run; the learner thread count is stored.
 * ThreadSanitizer runs this file in CI (CTest label tsan). */
#include "helpers.h"

#include "checkpoint.h"
#include "mlp.h"
#include "policy.h"
#include "serial.h"
#include "team.h"
#include "trainer.h"
#include "version.h"

/* ddpg strip: the same bytes up to the replay flag, no replay after it; idempotent; the
 * copy resumes (refilling its buffer) */
START_TEST(test_strip_replay) {
  th_make_tmp();
  TrainConfig c;
  th_small_config(&c, "reacher", 600);
  c.save_replay = 1;
  char a[300], b[300], in[400], out[400], again[400], err[ERR_LEN];
  snprintf(a, sizeof a, "%s/full_replay", th_tmp);
  snprintf(b, sizeof b, "%s/stripped", th_tmp);
  th_train_to(&c, a);
  snprintf(in, sizeof in, "%s/%s", a, CHECKPOINT_NAME);
  snprintf(out, sizeof out, "%s/%s", b, CHECKPOINT_NAME);
  int had = 0;
  ck_assert_msg(checkpoint_strip_replay(in, out, &had, err) == 0, "%s", err);
  ck_assert_int_eq(had, 1);
  uint8_t *x, *y, *z;
  size_t nx, ny, nz;
  th_read_checkpoint(a, &x, &nx);
  th_read_checkpoint(b, &y, &ny);
  /* 600 transitions of 11 + 2 + 1 + 11 + 1 floats went, with 4 counters and the 5 arrays'
   * length prefixes */
  ck_assert_uint_eq(nx - ny, 4 * 8 + 5 * 8 + 600 * 26 * sizeof(float));
  /* the same provenance at the end of both */
  const char *px, *py;
  size_t lx, ly;
  ck_assert_int_eq(checkpoint_provenance(x, nx, CHECKPOINT_VERSION, &px, &lx), 0);
  ck_assert_int_eq(checkpoint_provenance(y, ny, CHECKPOINT_VERSION, &py, &ly), 0);
  ck_assert_uint_gt(lx, 0);
  ck_assert_uint_eq(lx, ly);
  ck_assert(memcmp(px, py, lx) == 0);
  size_t flag = ny - 8 - ly - 4;              /* the replay flag's offset in y */
  ck_assert(memcmp(x, y, flag) == 0);         /* all before the replay flag */
  uint32_t fx, fy;
  memcpy(&fx, x + flag, 4);
  memcpy(&fy, y + flag, 4);
  ck_assert_uint_eq(fx, 1);
  ck_assert_uint_eq(fy, 0);
  snprintf(again, sizeof again, "%s/again.ddpg", b);
  ck_assert_msg(checkpoint_strip_replay(out, again, &had, err) == 0, "%s", err);
  ck_assert_int_eq(had, 0);
  ck_assert_msg(read_file(again, &z, &nz, err) == 0, "%s", err);
  ck_assert_uint_eq(nz, ny);
  ck_assert(memcmp(y, z, ny) == 0);
  free(x);
  free(y);
  free(z);
  ck_assert_int_ne(checkpoint_strip_replay("/nonexistent/ckpt.ddpg", again, &had, err), 0);
  th_resume_to(b, 900); /* 200 refill steps (the warm-up length), then 100 updates */
  Trainer tr;
  ck_assert_msg(trainer_resume(&tr, b, 1000, err) == 0, "%s", err);
  ck_assert_int_eq(tr.count.env_steps, 900);
  ck_assert_int_eq(tr.count.updates, 400 + 100);
  trainer_free(&tr);
}
END_TEST

START_TEST(test_checkpoint_round_trip_and_damage) {
  th_make_tmp();
  TrainConfig c;
  th_small_config(&c, "toy", 600);
  c.save_replay = 1;
  char d[300];
  snprintf(d, sizeof d, "%s/rt", th_tmp);
  th_train_to(&c, d);
  /* load and serialize again: the same bytes */
  Trainer tr;
  char err[ERR_LEN];
  c.steps = 700;
  ck_assert_msg(trainer_resume(&tr, d, 600, err) != 0, "resume of a finished run must refuse");
  ck_assert_msg(strstr(err, "--steps") != NULL, "%s", err);
  trainer_free(&tr); /* a refused resume leaves what it built for the caller to free */
  ck_assert_int_eq(trainer_resume(&tr, d, 700, err), 0);
  tr.cfg.steps = 600; /* as stored */
  Writer w;
  writer_init(&w);
  trainer_serialize(&tr, &w);
  uint8_t *orig;
  size_t n;
  th_read_checkpoint(d, &orig, &n);
  ck_assert_uint_eq(w.len, n);
  ck_assert(memcmp(w.buf, orig, n) == 0);
  trainer_free(&tr);
  writer_free(&w);

  /* a truncated copy and a bit-flipped copy are refused with a clear message */
  const char *p;
  Policy pol;
  p = th_path("trunc.ddpg");
  ck_assert_int_eq(write_file_atomic(p, orig, n / 2, err), 0);
  ck_assert_int_ne(policy_load(&pol, p, err), 0);
  ck_assert_msg(strstr(err, "corrupt") || strstr(err, "truncated"), "%s", err);
  p = th_path("flip.ddpg");
  orig[n / 3] ^= 0x10;
  ck_assert_int_eq(write_file_atomic(p, orig, n, err), 0);
  ck_assert_int_ne(policy_load(&pol, p, err), 0);
  ck_assert_msg(strstr(err, "CRC"), "%s", err);
  p = th_path("other.ddpg");
  ck_assert_int_eq(write_file_atomic(p, "hello world, not a checkpoint", 29, err), 0);
  ck_assert_int_ne(policy_load(&pol, p, err), 0);
  ck_assert_msg(strstr(err, "magic"), "%s", err);
  orig[n / 3] ^= 0x10;
  memcpy(orig + 8, &(uint32_t){99}, 4);
  p = th_path("version.ddpg");
  ck_assert_int_eq(write_file_atomic(p, orig, n, err), 0);
  ck_assert_int_ne(policy_load(&pol, p, err), 0);
  ck_assert_msg(strstr(err, "version 99"), "%s", err);
  free(orig);
}
END_TEST

/* ---- checkpoints of every variant --------------------------------------------------- */

static void small_toy(TrainConfig *c, const char *preset, long steps) {
  config_defaults(c);
  snprintf(c->env, sizeof c->env, "toy");
  snprintf(c->preset, sizeof c->preset, "%s", preset);
  char err[ERR_LEN];
  ck_assert_int_eq(config_apply_preset(c, NULL, err), 0);
  c->steps = steps;
  c->seed = 5;
  c->start_steps = 200;
  c->batch = 32;
  c->buffer_size = 10000;
  snprintf(c->hidden, sizeof c->hidden, "16,16");
  c->eval_every = 250;
  c->eval_episodes = 2;
  c->checkpoint_every = 250;
  c->save_replay = 1;
  ck_assert_msg(config_resolve(c, err) == 0, "%s", err);
}

START_TEST(test_variant_checkpoints_round_trip_and_resume) {
  th_make_tmp();
  struct {
    const char *name, *preset;
    int batch_norm, action_layer;
  } V[] = {
      {"bn", "ourddpg", 1, 1},       {"layer2", "ourddpg", 0, 2}, {"paper", "paper", 1, 2},
      {"td3_bn_l2", "td3", 1, 2},
  };
  for (size_t v = 0; v < sizeof V / sizeof V[0]; v++) {
    TrainConfig c;
    small_toy(&c, V[v].preset, 600);
    c.batch_norm = V[v].batch_norm;
    c.critic_action_layer = V[v].action_layer;
    char full[400], split[400];
    snprintf(full, sizeof full, "%s/%s_full", th_tmp, V[v].name);
    snprintf(split, sizeof split, "%s/%s_split", th_tmp, V[v].name);
    /* an uninterrupted run and one stopped at 325 and resumed: the same bytes */
    th_train_to(&c, full);
    TrainConfig half = c;
    half.steps = 325;
    th_train_to(&half, split);
    th_resume_to(split, 600);
    uint8_t *x, *y;
    size_t nx, ny;
    th_read_checkpoint(full, &x, &nx);
    th_read_checkpoint(split, &y, &ny);
    ck_assert_uint_eq(nx, ny);
    ck_assert_msg(memcmp(x, y, nx) == 0, "%s: resumed checkpoint differs", V[v].name);
    free(y);

    /* load and serialize again: the same bytes */
    Trainer tr;
    char err[ERR_LEN];
    ck_assert_msg(trainer_resume(&tr, full, 700, err) == 0, "%s", err);
    ck_assert_int_eq(tr.cfg.batch_norm, V[v].batch_norm);
    ck_assert_int_eq(tr.cfg.critic_action_layer, V[v].action_layer);
    ck_assert_int_eq(tr.agent.critic[0].aux_layer, V[v].action_layer - 1);
    ck_assert_int_eq(mlp_has_norm(&tr.agent.actor), V[v].batch_norm);
    tr.cfg.steps = 600; /* as stored */
    Writer w;
    writer_init(&w);
    trainer_serialize(&tr, &w);
    ck_assert_uint_eq(w.len, nx);
    ck_assert_msg(memcmp(w.buf, x, nx) == 0, "%s: round trip differs", V[v].name);
    writer_free(&w);
    free(x);

    /* the running statistics were trained and stored; the loaded policy acts with them */
    Mlp *a = &tr.agent.actor;
    if (V[v].batch_norm) {
      ck_assert(a->params[a->norm[0].mean_off] != 0.0f);
      ck_assert(a->params[a->norm[0].var_off] != 1.0f);
      ck_assert(tr.agent.actor_targ.params[a->norm[0].mean_off] != 0.0f);
    }
    Policy pol;
    char p[512];
    snprintf(p, sizeof p, "%s/%s", full, CHECKPOINT_NAME);
    ck_assert_msg(policy_load(&pol, p, err) == 0, "%s", err);
    float scratch[256];
    for (int k = -4; k <= 4; k++) {
      float s = 0.2f * (float)k, a1, a2;
      policy_act(&pol, &s, &a1);
      agent_act(&tr.agent, tr.agent.actor.params, &s, &a2, scratch);
      ck_assert_float_eq(a1, a2);
    }
    policy_free(&pol);
    trainer_free(&tr);
  }
}
END_TEST

/* ---- provenance and the stored learner thread count -------------------------------- */

/* a new run records this build from step 0; a resume on the same build adds nothing, one
 * on another build (or CPU) adds a line; an impossible provenance length is refused */
START_TEST(test_provenance) {
  th_make_tmp();
  TrainConfig c;
  th_small_config(&c, "toy", 400);
  char d[300], err[ERR_LEN], line[512], want[700];
  snprintf(d, sizeof d, "%s/prov", th_tmp);
  th_train_to(&c, d);
  version_build_line(line, sizeof line);
  ck_assert_ptr_nonnull(strstr(line, version_git()));
  ck_assert_ptr_nonnull(strstr(line, "CPU "));
  snprintf(want, sizeof want, "from step 0: %s\n", line);
  uint8_t *b;
  size_t n;
  const char *text;
  size_t len;
  th_read_checkpoint(d, &b, &n);
  uint32_t version;
  memcpy(&version, b + 8, 4);
  ck_assert_uint_eq(version, 3);
  ck_assert_int_eq(checkpoint_provenance(b, n, version, &text, &len), 0);
  ck_assert_uint_eq(len, strlen(want));
  ck_assert(memcmp(text, want, len) == 0);
  free(b);

  /* resumed on the same build: the same provenance */
  th_resume_to(d, 500);
  th_read_checkpoint(d, &b, &n);
  ck_assert_int_eq(checkpoint_provenance(b, n, version, &text, &len), 0);
  ck_assert_uint_eq(len, strlen(want));
  ck_assert(memcmp(text, want, len) == 0);

  /* a run another build trained: this one adds its line at the step it takes over */
  Trainer tr;
  ck_assert_msg(trainer_resume(&tr, d, 600, err) == 0, "%s", err);
  ck_assert_str_eq(tr.provenance, want);
  free(tr.provenance);
  tr.provenance = strdup("from step 0: ddpg 0.1.0 (abc), another machine\n");
  checkpoint_note_build(&tr);
  char two[900];
  snprintf(two, sizeof two, "from step 0: ddpg 0.1.0 (abc), another machine\nfrom step 500: %s\n",
           line);
  ck_assert_str_eq(tr.provenance, two);
  checkpoint_note_build(&tr); /* this build is the last line now */
  ck_assert_str_eq(tr.provenance, two);
  trainer_free(&tr);

  /* a length past the file's start is refused, CRC or not */
  Policy pol;
  memcpy(b + n - 8, &(uint32_t){(uint32_t)n}, 4);
  uint32_t crc = crc32_of(b, n - 4);
  memcpy(b + n - 4, &crc, 4);
  const char *p = th_path("badprov.ddpg");
  ck_assert_int_eq(write_file_atomic(p, b, n, err), 0);
  ck_assert_int_ne(policy_load(&pol, p, err), 0);
  ck_assert_msg(strstr(err, "provenance"), "%s", err);
  /* a length that swallows the last part: the parts before it no longer add up */
  memcpy(b + n - 8, &(uint32_t){(uint32_t)len + 8}, 4);
  crc = crc32_of(b, n - 4);
  memcpy(b + n - 4, &crc, 4);
  snprintf(d, sizeof d, "%s/short", th_tmp);
  ck_assert_int_eq(make_dirs(d), 0);
  char ck[400];
  snprintf(ck, sizeof ck, "%s/%s", d, CHECKPOINT_NAME);
  ck_assert_int_eq(write_file_atomic(ck, b, n, err), 0);
  ck_assert_int_ne(trainer_read(&tr, d, ck, -1, err), 0);
  trainer_free(&tr);
  free(b);
}
END_TEST

/* --learner-threads: auto becomes the count of free cores, a count is checked, and a
 * checkpoint of format 1 or 2 (no stored count) resumes on one thread */
START_TEST(test_learner_threads_config) {
  TrainConfig c;
  char err[ERR_LEN];
  config_defaults(&c);
  ck_assert_str_eq(c.learner_threads, "auto");
  ck_assert_int_eq(config_resolve(&c, err), 0);
  ck_assert_int_eq(config_learner_threads(&c), team_auto_threads(0));
  config_defaults(&c);
  c.workers = 3; /* asynchronous workers keep their cores */
  ck_assert_int_eq(config_resolve(&c, err), 0);
  ck_assert_int_eq(config_learner_threads(&c), team_auto_threads(3));
  config_defaults(&c);
  c.workers = 3;
  c.sync = 1; /* lock-step workers run between updates: all cores are free */
  ck_assert_int_eq(config_resolve(&c, err), 0);
  ck_assert_int_eq(config_learner_threads(&c), team_auto_threads(0));
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int expect = cores < 1 ? 1 : cores > TEAM_AUTO_MAX ? TEAM_AUTO_MAX : (int)cores;
  ck_assert_int_le(team_auto_threads(0), expect); /* affinity may allow fewer */
  ck_assert_int_ge(team_auto_threads(0), 1);
  ck_assert_int_eq(team_auto_threads(1000), 1);
  const char *bad[] = {"0", "65", "two", "2x", ""};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    config_defaults(&c);
    snprintf(c.learner_threads, sizeof c.learner_threads, "%s", bad[i]);
    ck_assert_int_ne(config_resolve(&c, err), 0);
    ck_assert_msg(strstr(err, "--learner-threads"), "%s", err);
  }
  config_defaults(&c);
  snprintf(c.learner_threads, sizeof c.learner_threads, "3");
  ck_assert_int_eq(config_resolve(&c, err), 0);
  ck_assert_int_eq(config_learner_threads(&c), 3);
  /* format 1 stored no count: one thread, as the build that wrote it ran */
  uint8_t *buf;
  size_t len;
  Reader r;
  int S, A;
  float *bounds;
  EnvRecord rec;
  uint32_t version, crc;
  ck_assert_msg(checkpoint_open(DDPG_SOURCE_DIR "/tests/data/reacher_64x64.ddpg", &buf, &len,
                                &r, &c, &S, &A, &bounds, &rec, &version, &crc, err) == 0,
                "%s", err);
  ck_assert_uint_eq(version, 1);
  ck_assert_str_eq(c.learner_threads, "1");
  const char *text;
  size_t n;
  ck_assert_int_eq(checkpoint_provenance(buf, len, version, &text, &n), 0);
  ck_assert_uint_eq(n, 0);
  free(bounds);
  free(buf);
}
END_TEST

TH_MAIN("checkpoint", 240, test_strip_replay, test_checkpoint_round_trip_and_damage,
        test_variant_checkpoints_round_trip_and_resume, test_provenance,
        test_learner_threads_config)
