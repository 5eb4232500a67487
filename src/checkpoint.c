/* checkpoint: the checkpoint file format; see checkpoint.h for the layout. */
#define _POSIX_C_SOURCE 200809L
#include "checkpoint.h"

#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "env_state.h"
#include "util.h"

static const char MAGIC[8] = {'D', 'D', 'P', 'G', 'C', 'K', 'P', 'T'};

/* ------------------------------------------------------------------------------------ */
/* writing                                                                                */

static void write_header(Writer *w, const Trainer *tr) {
  const AgentConfig *ac = &tr->agent.cfg;
  w_bytes(w, MAGIC, sizeof MAGIC);
  w_u32(w, CHECKPOINT_VERSION);
  w_u32(w, (uint32_t)ac->obs_dim);
  w_u32(w, (uint32_t)ac->act_dim);
  w_floats(w, ac->act_low, (size_t)ac->act_dim);
  w_floats(w, ac->act_high, (size_t)ac->act_dim);
  config_write(w, &tr->cfg);
}

static void write_learner(Writer *w, const Trainer *tr) {
  const TrainCounters *c = &tr->count;
  w_u64s(w, tr->rng.s, 4);
  w_i64(w, c->env_steps);
  w_i64(w, c->updates);
  w_i64(w, c->episodes);
  w_i64(w, c->next_eval);
  w_i64(w, c->next_ckpt);
  w_f64(w, c->update_credit);
  w_f64(w, c->last_eval);
}

static void write_workers(Writer *w, const Trainer *tr) {
  int S = tr->agent.cfg.obs_dim;
  w_u32(w, (uint32_t)tr->n_workers);
  for (int i = 0; i < tr->n_workers; i++) {
    const Worker *wk = &tr->workers[i];
    w_u64s(w, wk->rng.s, 4);
    w_doubles(w, wk->noise.x, ENV_MAX_ACT);
    w_floats(w, wk->obs, (size_t)S);
    w_f64(w, wk->ep_return);
    w_i64(w, wk->ep_len);
    size_t n = env_state_size(&wk->env);
    double *s = xmalloc(n * sizeof(double));
    env_get_state(&wk->env, s);
    w_doubles(w, s, n);
    free(s);
  }
}

void checkpoint_write(Writer *w, Trainer *tr, int with_replay) {
  write_header(w, tr);
  agent_write(w, &tr->agent);
  write_learner(w, tr);
  write_workers(w, tr);
  w_u32(w, (uint32_t)(with_replay ? 1 : 0));
  if (with_replay) replay_write(w, &tr->replay);
  w_u32(w, crc32_of(w->buf, w->len));
}

/* ------------------------------------------------------------------------------------ */
/* reading                                                                                */

/* floats of one actor plus one critic of a config (a lower bound of a checkpoint's size,
 * checked before anything is allocated for a file) */
static double min_param_floats(const TrainConfig *cfg, int S, int A) {
  int w[AGENT_MAX_HIDDEN];
  int nh = config_parse_hidden(cfg->hidden, w, AGENT_MAX_HIDDEN, NULL);
  double total = 0.0;
  for (int net = 0; net < 2; net++) {
    double in = net == 0 ? S : S + A;
    for (int l = 0; l < nh; l++) {
      total += in * w[l];
      in = w[l];
    }
    total += in * (net == 0 ? A : 1);
  }
  return total;
}

int checkpoint_parse(const uint8_t *b, size_t n, const char *name, Reader *r, TrainConfig *cfg,
                     int *obs_dim, int *act_dim, float *low, float *high, uint32_t *crc,
                     char *err) {
  if (n < sizeof MAGIC + 8 || memcmp(b, MAGIC, sizeof MAGIC) != 0)
    return err_set(err, "%s is not a ddpg checkpoint (bad magic number)", name);
  uint32_t stored, version;
  memcpy(&stored, b + n - 4, 4);
  memcpy(&version, b + sizeof MAGIC, 4);
  if (version != CHECKPOINT_VERSION)
    return err_set(err, "%s has checkpoint format version %u; this ddpg reads version %d",
                   name, version, CHECKPOINT_VERSION);
  *crc = crc32_of(b, n - 4);
  if (*crc != stored)
    return err_set(err, "%s is corrupt (CRC mismatch): it was damaged or only partly "
                   "written; use another checkpoint", name);
  reader_init(r, b, n - 4);
  r->pos = sizeof MAGIC + 4;
  uint32_t S = 0, A = 0;
  r_u32(r, &S, "dimensions");
  r_u32(r, &A, "dimensions");
  if (!r->bad && (S < 1 || S > ENV_MAX_OBS || A < 1 || A > ENV_MAX_ACT))
    return err_set(err, "%s has impossible dimensions %u x %u (corrupt file)", name, S, A);
  r_floats(r, low, A, "action bounds");
  r_floats(r, high, A, "action bounds");
  config_read(r, cfg);
  if (!r->bad) {
    char why[ERR_LEN];
    TrainConfig c2 = *cfg;
    if (config_resolve(&c2, why) != 0)
      return err_set(err, "%s: invalid configuration: %s", name, why);
    if (min_param_floats(cfg, (int)S, (int)A) * sizeof(float) > (double)(n - r->pos))
      return err_set(err, "%s is truncated: its network parameters are missing", name);
    for (uint32_t j = 0; j < A; j++)
      if (!(isfinite(low[j]) && isfinite(high[j]) && low[j] < high[j]))
        return err_set(err, "%s has invalid action bounds (corrupt file)", name);
  }
  if (r->bad) return err_set(err, "%s is not a readable checkpoint: %s", name, r->what);
  *obs_dim = (int)S;
  *act_dim = (int)A;
  return 0;
}

int checkpoint_open(const char *path, uint8_t **buf, size_t *len, Reader *r, TrainConfig *cfg,
                    int *obs_dim, int *act_dim, float *low, float *high, uint32_t *crc,
                    char *err) {
  char why[ERR_LEN];
  if (read_file(path, buf, len, why) != 0)
    return err_set(err, "%s (pass a checkpoint.ddpg written by ddpg train)", why);
  if (checkpoint_parse(*buf, *len, path, r, cfg, obs_dim, act_dim, low, high, crc, err) != 0) {
    free(*buf);
    *buf = NULL;
    return -1;
  }
  return 0;
}

void checkpoint_read_learner(Reader *r, uint64_t rng[4], TrainCounters *c,
                             double updates_per_step) {
  uint64_t skip[4];
  r_u64s(r, rng ? rng : skip, 4, "learner rng");
  int64_t v[5];
  for (int i = 0; i < 5; i++) r_i64(r, &v[i], "counters");
  r_f64(r, &c->update_credit, "counters");
  r_f64(r, &c->last_eval, "counters");
  /* a corrupt file must not reach the loops: counters index workers and bound loops, and
   * the update credit (updates owed) stays under one step's worth plus one */
  if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0 || v[4] < 0 ||
      !(c->update_credit >= 0.0 && c->update_credit <= updates_per_step + 1.0))
    r_invalid(r, "counters");
  c->env_steps = v[0];
  c->updates = v[1];
  c->episodes = v[2];
  c->next_eval = v[3];
  c->next_ckpt = v[4];
}

int checkpoint_read_workers(Reader *r, Trainer *tr, int obs_dim, const char *name, char *err) {
  uint32_t nw;
  r_u32(r, &nw, "worker count");
  if (!r->bad && nw != (uint32_t)tr->n_workers)
    return err_set(err, "checkpoint %s has %u workers, config says %d (corrupt file)", name, nw,
                   tr->n_workers);
  for (int i = 0; i < tr->n_workers && !r->bad; i++) {
    Worker *w = &tr->workers[i];
    r_u64s(r, w->rng.s, 4, "worker rng");
    r_doubles(r, w->noise.x, ENV_MAX_ACT, "worker noise");
    r_floats(r, w->obs, (size_t)obs_dim, "worker observation");
    r_f64(r, &w->ep_return, "worker episode");
    int64_t el;
    r_i64(r, &el, "worker episode");
    w->ep_len = el;
    size_t n = env_state_size(&w->env);
    double *s = xmalloc(n * sizeof(double));
    if (r_doubles(r, s, n, "worker environment state") == 0 && env_set_state(&w->env, s) != 0)
      r_invalid(r, "worker environment state");
    free(s);
  }
  return 0;
}

int checkpoint_strip_replay(const char *in, const char *out, int *had_replay, char *err) {
  /* the trainer is rebuilt in out's directory (created if missing); nothing else is written */
  char copy[1100];
  snprintf(copy, sizeof copy, "%s", out);
  Trainer tr;
  int rc = trainer_read(&tr, dirname(copy), in, -1, err);
  if (rc == 0) {
    *had_replay = replay_size(&tr.replay) > 0;
    Writer w;
    writer_init(&w);
    checkpoint_write(&w, &tr, 0);
    rc = write_file_atomic(out, w.buf, w.len, err);
    writer_free(&w);
  }
  trainer_free(&tr);
  return rc;
}
