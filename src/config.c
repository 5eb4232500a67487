/* config: the training configuration table, presets and derived values; see config.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "team.h"
#include "util.h"

typedef enum { K_STR, K_LONG, K_INT, K_DBL } Kind;

typedef struct {
  const char *name;
  Kind kind;
  size_t offset;
  double min, max;
  const char *choices;
  const char *help;
} Field;

#define X_ROW(kind, name, def, a, b, help) X_ROW_##kind(name, a, b, help)
#define X_ROW_STR(name, ch, unused, help) {#name, K_STR, offsetof(TrainConfig, name), 0, 0, ch, help},
#define X_ROW_LONG(name, a, b, help) {#name, K_LONG, offsetof(TrainConfig, name), a, b, NULL, help},
#define X_ROW_INT(name, a, b, help) {#name, K_INT, offsetof(TrainConfig, name), a, b, NULL, help},
#define X_ROW_DBL(name, a, b, help) {#name, K_DBL, offsetof(TrainConfig, name), a, b, NULL, help},
static const Field FIELDS[] = {TRAIN_CONFIG_FIELDS(X_ROW)};
#define N_FIELDS ((int)(sizeof FIELDS / sizeof FIELDS[0]))

int config_n_fields(void) { return N_FIELDS; }

void config_defaults(TrainConfig *c) {
  memset(c, 0, sizeof *c);
#define X_DEF(kind, name, def, a, b, help) X_DEF_##kind(name, def)
#define X_DEF_STR(name, def) snprintf(c->name, sizeof c->name, "%s", def);
#define X_DEF_LONG(name, def) c->name = (long)(def);
#define X_DEF_INT(name, def) c->name = (int)(def);
#define X_DEF_DBL(name, def) c->name = (double)(def);
  TRAIN_CONFIG_FIELDS(X_DEF)
}

static int field_index(const char *name) {
  for (int i = 0; i < N_FIELDS; i++)
    if (strcmp(FIELDS[i].name, name) == 0) return i;
  DDPG_CHECK(0 && "unknown config field");
  return -1;
}

/* set field `name` from a preset unless the user gave it explicitly */
#define PRESET(field, value)                                           \
  do {                                                                 \
    if (!seen || !seen[field_index(#field)]) c->field = (value);       \
  } while (0)
#define PRESET_STR(field, value)                                       \
  do {                                                                 \
    if (!seen || !seen[field_index(#field)])                           \
      snprintf(c->field, sizeof c->field, "%s", value);                \
  } while (0)

int config_apply_preset(TrainConfig *c, const int *seen, char *err) {
  if (strcmp(c->preset, "cleanrl") == 0) return 0; /* the defaults */
  if (strcmp(c->preset, "ourddpg") == 0) {
    /* the TD3 author's OurDDPG.py: the same, but the actor and targets every update */
    PRESET(policy_delay, 1);
    return 0;
  }
  if (strcmp(c->preset, "td3") == 0) {
    /* Fujimoto et al. 2018, TD3: clipped double-Q, target smoothing, delayed updates */
    PRESET(twin, 1);
    PRESET(target_noise, 0.2);
    PRESET(target_noise_clip, 0.5);
    PRESET(policy_delay, 2);
    return 0;
  }
  if (strcmp(c->preset, "paper") == 0) {
    /* Lillicrap et al. 2016, DDPG, low-dimensional setup (supplementary section 7) */
    PRESET_STR(hidden, "400,300");
    PRESET(actor_lr, 1e-4);
    PRESET(critic_lr, 1e-3);
    PRESET(critic_l2, 1e-2);
    PRESET(tau, 0.001);
    PRESET(batch, 64);
    PRESET_STR(noise, "ou");
    PRESET(noise_sigma, 0.2);
    PRESET(ou_theta, 0.15);
    PRESET(batch_norm, 1);
    /* running statistics over ~1000 batches, the decay 0.999 of TensorFlow's batch_norm of
     * the paper's time; PyTorch's 0.1 keeps the recipe at random level on half-cheetah
     * (results/variants/README.md, "Batch-norm momentum") */
    PRESET(bn_momentum, 0.001);
    PRESET(critic_action_layer, 2);
    PRESET(final_init, 3e-3);
    PRESET(policy_delay, 1);
    return 0;
  }
  return err_set(err, "unknown preset '%s' (use cleanrl, ourddpg, td3 or paper)", c->preset);
}

int config_parse_hidden(const char *s, int *widths, int max, char *err) {
  int n = 0;
  const char *p = s;
  if (!*p) return 0; /* no hidden layer */
  for (;;) {
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p || v < 1 || v > 65536)
      return err_set(err, "--hidden must be comma-separated widths in 1..65536, got '%s'", s);
    if (n == max) return err_set(err, "--hidden allows at most %d layers, got '%s'", max, s);
    widths[n++] = (int)v;
    if (*end == 0) break;
    if (*end != ',')
      return err_set(err, "--hidden must be comma-separated widths in 1..65536, got '%s'", s);
    p = end + 1;
  }
  return n;
}

int config_resolve(TrainConfig *c, char *err) {
  const char *canon = env_canonical(c->env); /* a Gymnasium id names its built-in robot */
  if (canon != c->env) snprintf(c->env, sizeof c->env, "%s", canon);
  if (c->start_steps < 0) c->start_steps = strcmp(c->env, "reacher") == 0 ? 1000
                                           : strcmp(c->env, "toy") == 0   ? 200
                                                                          : 25000;
  if ((long)c->batch > c->buffer_size)
    return err_set(err, "--batch (%d) is larger than --buffer-size (%ld); lower the batch or "
                   "raise the buffer", c->batch, c->buffer_size);
  int w[AGENT_MAX_HIDDEN];
  int n_hidden = config_parse_hidden(c->hidden, w, AGENT_MAX_HIDDEN, err);
  if (n_hidden < 0) return -1;
  if (c->critic_action_layer > n_hidden + 1)
    return err_set(err, "--critic-action-layer %d needs at least %d hidden layers, --hidden "
                   "'%s' has %d; lower the layer or add hidden layers", c->critic_action_layer,
                   c->critic_action_layer - 1, c->hidden, n_hidden);
  if (c->batch_norm && c->batch < 2)
    return err_set(err, "--batch-norm 1 needs --batch of at least 2 (batch statistics of one "
                   "row are undefined)");
  if (c->noise_sigma_final >= 0 && c->noise_decay_steps <= 0)
    return err_set(err, "--noise-sigma-final needs --noise-decay-steps > 0");
  /* auto becomes a count here, so the checkpoint stores the count the run used */
  if (strcmp(c->learner_threads, "auto") == 0) {
    int busy = c->workers > 1 && !c->sync ? c->workers : 0; /* asynchronous workers' cores */
    snprintf(c->learner_threads, sizeof c->learner_threads, "%d", team_auto_threads(busy));
  }
  char *end;
  long n = strtol(c->learner_threads, &end, 10);
  if (end == c->learner_threads || *end || n < 1 || n > TEAM_MAX_THREADS)
    return err_set(err, "--learner-threads '%.40s' is not auto or a count from 1 to %d",
                   c->learner_threads, TEAM_MAX_THREADS);
  return 0;
}

int config_learner_threads(const TrainConfig *c) { return atoi(c->learner_threads); }

void config_agent(const TrainConfig *c, int obs_dim, int act_dim, const float *low,
                  const float *high, AgentConfig *a) {
  memset(a, 0, sizeof *a);
  a->obs_dim = obs_dim;
  a->act_dim = act_dim;
  a->n_hidden = config_parse_hidden(c->hidden, a->hidden, AGENT_MAX_HIDDEN, NULL);
  DDPG_CHECK(a->n_hidden >= 0);
  a->actor_out = ACT_TANH;
  a->actor_bias = a->critic_bias = 1;
  a->act_low = low; /* borrowed until agent_init copies them */
  a->act_high = high;
  a->gamma = (float)c->gamma;
  a->tau = (float)c->tau;
  a->actor_lr = (float)c->actor_lr;
  a->critic_lr = (float)c->critic_lr;
  a->critic_l2 = (float)c->critic_l2;
  a->optimizer = OPT_ADAM;
  a->batch = c->batch;
  a->twin = c->twin;
  a->target_noise = (float)c->target_noise;
  a->target_noise_clip = (float)c->target_noise_clip;
  a->policy_delay = c->policy_delay;
  a->batch_norm = c->batch_norm;
  a->final_init = (float)c->final_init;
  a->bn_momentum = (float)c->bn_momentum;
  a->critic_action_layer = c->critic_action_layer;
}

static char FLAG_NAMES[64][40];

void config_arg_specs(TrainConfig *c, ArgSpec *specs, const char **str_slots) {
  DDPG_CHECK(N_FIELDS <= 64);
  for (int i = 0; i < N_FIELDS; i++) {
    const Field *f = &FIELDS[i];
    snprintf(FLAG_NAMES[i], sizeof FLAG_NAMES[i], "%s", f->name);
    for (char *p = FLAG_NAMES[i]; *p; p++)
      if (*p == '_') *p = '-';
    ArgSpec *s = &specs[i];
    memset(s, 0, sizeof *s);
    s->name = FLAG_NAMES[i];
    s->help = f->help;
    s->min = f->min;
    s->max = f->max;
    void *dst = (char *)c + f->offset;
    switch (f->kind) {
      case K_STR:
        str_slots[i] = (const char *)dst;
        s->dst = &str_slots[i];
        s->type = f->choices ? ARG_CHOICE : ARG_STRING;
        s->choices = f->choices;
        break;
      case K_LONG: s->type = ARG_LONG; s->dst = dst; break;
      case K_INT: s->type = ARG_INT; s->dst = dst; break;
      case K_DBL: s->type = ARG_DOUBLE; s->dst = dst; break;
    }
  }
}

int config_from_args(TrainConfig *c, const ArgSpec *specs, const char **str_slots, char *err) {
  for (int i = 0; i < N_FIELDS; i++) {
    if (FIELDS[i].kind != K_STR || !specs[i].seen) continue;
    char *dst = (char *)c + FIELDS[i].offset;
    if (strlen(str_slots[i]) >= CONFIG_STR_LEN)
      return err_set(err, "--%s is too long (at most %d characters)", specs[i].name,
                     CONFIG_STR_LEN - 1);
    memmove(dst, str_slots[i], strlen(str_slots[i]) + 1);
  }
  return 0;
}

int config_finish(TrainConfig *c, const ArgSpec *specs, const char **str_slots, char *err) {
  int seen[N_FIELDS];
  for (int i = 0; i < N_FIELDS; i++) seen[i] = specs[i].seen;
  if (config_from_args(c, specs, str_slots, err) != 0) return -1;
  if (config_apply_preset(c, seen, err) != 0) return -1;
  return config_resolve(c, err);
}

void config_print(FILE *f, const TrainConfig *c) {
  for (int i = 0; i < N_FIELDS; i++) {
    const Field *fl = &FIELDS[i];
    const void *p = (const char *)c + fl->offset;
    switch (fl->kind) {
      case K_STR: fprintf(f, "%s = %s\n", fl->name, (const char *)p); break;
      case K_LONG: fprintf(f, "%s = %ld\n", fl->name, *(const long *)p); break;
      case K_INT: fprintf(f, "%s = %d\n", fl->name, *(const int *)p); break;
      case K_DBL: fprintf(f, "%s = %.17g\n", fl->name, *(const double *)p); break;
    }
  }
}

void config_write(Writer *w, const TrainConfig *c) {
  w_u32(w, (uint32_t)N_FIELDS);
  for (int i = 0; i < N_FIELDS; i++) {
    const Field *f = &FIELDS[i];
    const void *p = (const char *)c + f->offset;
    w_str(w, f->name);
    switch (f->kind) {
      case K_STR: w_str(w, (const char *)p); break;
      case K_LONG: w_i64(w, *(const long *)p); break;
      case K_INT: w_i64(w, *(const int *)p); break;
      case K_DBL: w_f64(w, *(const double *)p); break;
    }
  }
}

int config_read(Reader *r, TrainConfig *c) {
  /* fields are stored by name: a checkpoint written before a field existed loads with that
   * field's default (the behaviour of the code that wrote it); an unknown or repeated name
   * means a newer format or a damaged file */
  config_defaults(c);
  uint32_t n;
  if (r_u32(r, &n, "configuration")) return -1;
  if (n < 1 || n > (uint32_t)N_FIELDS) {
    r->bad = 1;
    snprintf(r->what, sizeof r->what, "configuration has %u fields, at most %d are known "
             "(corrupt file, or written by a newer ddpg)", n, N_FIELDS);
    return -1;
  }
  int seen[N_FIELDS] = {0};
  for (uint32_t k = 0; k < n; k++) {
    char name[64];
    if (r_str(r, name, sizeof name, "configuration field name")) return -1;
    int i = 0;
    while (i < N_FIELDS && strcmp(name, FIELDS[i].name) != 0) i++;
    if (i == N_FIELDS || seen[i]) {
      r->bad = 1;
      snprintf(r->what, sizeof r->what, "%s configuration field '%.40s' (corrupt file, or "
               "written by a newer ddpg)", i == N_FIELDS ? "unknown" : "repeated", name);
      return -1;
    }
    seen[i] = 1;
    const Field *f = &FIELDS[i];
    void *p = (char *)c + f->offset;
    int64_t v;
    switch (f->kind) {
      case K_STR: r_str(r, (char *)p, CONFIG_STR_LEN, f->name); break;
      case K_LONG:
        if (r_i64(r, &v, f->name) == 0) *(long *)p = (long)v;
        break;
      case K_INT:
        if (r_i64(r, &v, f->name) == 0) *(int *)p = (int)v;
        break;
      case K_DBL: r_f64(r, (double *)p, f->name); break;
    }
    if (r->bad) return -1;
    if (f->kind != K_STR) { /* values out of the flag's range mean a corrupt file */
      double x = f->kind == K_DBL ? *(double *)p
                 : f->kind == K_LONG ? (double)*(long *)p : (double)*(int *)p;
      if (!(x >= f->min && x <= f->max)) {
        r->bad = 1;
        snprintf(r->what, sizeof r->what, "configuration value %s = %g is out of range",
                 f->name, x);
        return -1;
      }
    }
  }
  /* a checkpoint from before learner_threads was stored (format 2) ran one learner thread
   * unless --learner-threads was given, which it did not record: resume it on one */
  for (int i = 0; i < N_FIELDS; i++)
    if (!seen[i] && strcmp(FIELDS[i].name, "learner_threads") == 0)
      snprintf(c->learner_threads, sizeof c->learner_threads, "1");
  return 0;
}
