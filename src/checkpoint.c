/* checkpoint: the checkpoint file format; see checkpoint.h for the layout. */
#define _POSIX_C_SOURCE 200809L
#include "checkpoint.h"

#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "env_state.h"
#include "util.h"
#include "version.h"

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
  env_record_write(w, tr->model); /* version 2: the task, so a checkpoint keeps its task */
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
    w_doubles(w, wk->noise.x, (size_t)tr->agent.cfg.act_dim);
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
  /* version 3: the provenance text, then its length, so it is found from the end */
  size_t n = tr->provenance ? strlen(tr->provenance) : 0;
  w_bytes(w, tr->provenance, n);
  w_u32(w, (uint32_t)n);
  w_u32(w, crc32_of(w->buf, w->len));
}

void checkpoint_note_build(Trainer *tr) {
  char line[512];
  version_build_line(line, sizeof line);
  const char *p = tr->provenance ? tr->provenance : "";
  /* the last line is "from step N: BUILD\n": nothing new when BUILD is this build */
  size_t n = strlen(p);
  const char *last = p;
  for (size_t i = 0; i + 1 < n; i++)
    if (p[i] == '\n') last = p + i + 1;
  const char *colon = strstr(last, ": ");
  if (colon && strncmp(colon + 2, line, strlen(line)) == 0 && colon[2 + strlen(line)] == '\n')
    return;
  char head[64];
  int h = snprintf(head, sizeof head, "from step %ld: ", tr->count.env_steps);
  size_t len = strlen(line);
  char *grown = xmalloc(n + (size_t)h + len + 2);
  memcpy(grown, p, n);
  memcpy(grown + n, head, (size_t)h);
  memcpy(grown + n + (size_t)h, line, len);
  grown[n + (size_t)h + len] = '\n';
  grown[n + (size_t)h + len + 1] = 0;
  free(tr->provenance);
  tr->provenance = grown;
}

int checkpoint_provenance(const uint8_t *b, size_t n, uint32_t version, const char **text,
                          size_t *len) {
  *text = "";
  *len = 0;
  if (version < 3) return 0;
  uint32_t k;
  if (n < sizeof MAGIC + 4 + 8) return -1;
  memcpy(&k, b + n - 8, 4);
  if ((size_t)k > n - 8 - sizeof MAGIC - 4) return -1;
  *text = (const char *)(b + n - 8 - k);
  *len = k;
  return 0;
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
                     int *obs_dim, int *act_dim, float **bounds, EnvRecord *rec,
                     uint32_t *version_out, uint32_t *crc, char *err) {
  *bounds = NULL;
  if (n < sizeof MAGIC + 8 || memcmp(b, MAGIC, sizeof MAGIC) != 0)
    return err_set(err, "%s is not a ddpg checkpoint (bad magic number)", name);
  uint32_t stored, version;
  memcpy(&stored, b + n - 4, 4);
  memcpy(&version, b + sizeof MAGIC, 4);
  if (version < 1 || version > CHECKPOINT_VERSION)
    return err_set(err, "%s has checkpoint format version %u; this ddpg reads versions 1 to %d",
                   name, version, CHECKPOINT_VERSION);
  *crc = crc32_of(b, n - 4);
  if (*crc != stored)
    return err_set(err, "%s is corrupt (CRC mismatch): it was damaged or only partly "
                   "written; use another checkpoint", name);
  /* the reader ends where the provenance begins (version 3): the parts before it are read
   * forward, the provenance from the end (checkpoint_provenance) */
  const char *prov;
  size_t prov_len;
  if (checkpoint_provenance(b, n, version, &prov, &prov_len) != 0)
    return err_set(err, "%s is not a readable checkpoint: impossible provenance length "
                   "(corrupt file)", name);
  reader_init(r, b, n - 4 - (version >= 3 ? 4 + prov_len : 0));
  r->pos = sizeof MAGIC + 4;
  uint32_t S = 0, A = 0;
  r_u32(r, &S, "dimensions");
  r_u32(r, &A, "dimensions");
  /* each dimension costs at least a float of bounds or of a weight row: bounded by n */
  if (!r->bad && (S < 1 || A < 1 || S > n / 4 || A > n / 8))
    return err_set(err, "%s has impossible dimensions %u x %u (corrupt file)", name, S, A);
  if (r->bad) return err_set(err, "%s is not a readable checkpoint: %s", name, r->what);
  float *low = xcalloc(2 * (size_t)A, sizeof(float)), *high = low + A;
  r_floats(r, low, A, "action bounds");
  r_floats(r, high, A, "action bounds");
  config_read(r, cfg);
  /* version 1 has no task record: its env is a built-in name (and an optional --model) */
  memset(rec, 0, sizeof *rec);
  if (version == 1) {
    rec->name = cfg->env;
    rec->mjcf = cfg->model[0] ? cfg->model : NULL;
  } else if (!r->bad) {
    env_record_read(r, rec);
  }
  char why[ERR_LEN];
  TrainConfig c2 = *cfg;
  int bad = 1;
  if (r->bad)
    err_set(err, "%s is not a readable checkpoint: %s", name, r->what);
  else if (config_resolve(&c2, why) != 0)
    err_set(err, "%s: invalid configuration: %s", name, why);
  else if (min_param_floats(cfg, (int)S, (int)A) * sizeof(float) > (double)(n - r->pos))
    err_set(err, "%s is truncated: its network parameters are missing", name);
  else
    bad = 0;
  for (uint32_t j = 0; j < A && !bad; j++)
    if (!(isfinite(low[j]) && isfinite(high[j]) && low[j] < high[j]))
      bad = 1, err_set(err, "%s has invalid action bounds (corrupt file)", name);
  if (bad) {
    free(low);
    return -1;
  }
  *bounds = low;
  *obs_dim = (int)S;
  *act_dim = (int)A;
  *version_out = version;
  return 0;
}

int checkpoint_open(const char *path, uint8_t **buf, size_t *len, Reader *r, TrainConfig *cfg,
                    int *obs_dim, int *act_dim, float **bounds, EnvRecord *rec,
                    uint32_t *version, uint32_t *crc, char *err) {
  char why[ERR_LEN];
  if (read_file(path, buf, len, why) != 0)
    return err_set(err, "%s (pass a checkpoint.ddpg written by ddpg train)", why);
  if (checkpoint_parse(*buf, *len, path, r, cfg, obs_dim, act_dim, bounds, rec, version, crc,
                       err) != 0) {
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

int checkpoint_read_workers(Reader *r, Trainer *tr, int obs_dim, int act_dim, uint32_t version,
                            const char *name, char *err) {
  uint32_t nw;
  r_u32(r, &nw, "worker count");
  if (!r->bad && nw != (uint32_t)tr->n_workers)
    return err_set(err, "checkpoint %s has %u workers, config says %d (corrupt file)", name, nw,
                   tr->n_workers);
  for (int i = 0; i < tr->n_workers && !r->bad; i++) {
    Worker *w = &tr->workers[i];
    r_u64s(r, w->rng.s, 4, "worker rng");
    if (version == 1) { /* 8 OU doubles, of which act_dim are used */
      double x[CHECKPOINT_V1_NOISE];
      if (r_doubles(r, x, CHECKPOINT_V1_NOISE, "worker noise") == 0)
        memcpy(w->noise.x, x, sizeof(double) * (size_t)act_dim);
    } else {
      r_doubles(r, w->noise.x, (size_t)act_dim, "worker noise");
    }
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
